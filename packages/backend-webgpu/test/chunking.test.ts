// Large tensors with a lowered binding limit (64 KiB = 16384 float32 per binding):
// the suite's 2^20 + 3 size cases, the 10^6-element sweeps of every activation, the
// dslope / dceiling precision cases and the dropout cases all span many chunks here.
// Sparse dropout binds whole (it rejects inputs past the limit; see README).
import { defineConformanceSuite } from '@pointwise/core/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { webgpuBackend } from '../src/index.js';

defineConformanceSuite(
  webgpuBackend({ maxBindingSize: 65536 }),
  { describe, it, beforeAll, afterAll },
  {
    filter: (c) =>
      /\/size\/1048579$|\/sweep\/default$|\/precision\/|^dropout\/(mask\/seed=0,|drop-rate|backward-regenerated)/.test(
        c.id,
      ) && !c.id.startsWith('sparse'),
  },
);
