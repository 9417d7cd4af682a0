// The CLI's columns: one probe per requested backend, and for wasm-simd one per thread
// count (`wasm-simd` is one thread, `wasm-simd xN` N threads). Shared by the sampled
// suite and `--exhaustive`.

import { availableParallelism } from 'node:os';
import { probeBackend } from '../backends.js';

export type ColumnProbe = Awaited<ReturnType<typeof probeBackend>> & { label: string };

export async function probeColumns(
  names: readonly string[],
  threadRuns: readonly (number | 'auto')[],
): Promise<ColumnProbe[]> {
  const probes: ColumnProbe[] = [];
  for (const name of names) {
    if (name !== 'wasm-simd') {
      probes.push({ ...(await probeBackend(name)), label: name });
      continue;
    }
    for (const threads of threadRuns) {
      const count = threads === 'auto' ? availableParallelism() : threads;
      const label = threads === 1 ? name : `${name} x${count}`;
      // crossover 0: every call is split over the pool, not only those above 2^18 / 2^20
      const options = threads === 1 ? { threads } : { threads, crossover: 0 };
      const probe = await probeBackend(name, undefined, options);
      if (!probe.available && / is not installed$/.test(probe.reason)) {
        probes.push({ ...probe, label: name });
        break;
      }
      probes.push({ ...probe, label });
    }
  }
  return probes;
}
