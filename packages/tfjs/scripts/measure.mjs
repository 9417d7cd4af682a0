// Times tfjs's own kernels against the Pointwise overrides on one tfjs backend:
// forward and gradient per op at the given sizes, median of repeated calls.
//   node scripts/measure.mjs wasm 65536,1048576   (after `pnpm build`)
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installPointwise } from '../dist/index.js';
import { compare, opCases } from './harness.mjs';

const backend = process.argv[2] ?? 'wasm';
const sizes = (process.argv[3] ?? '65536,1048576').split(',').map(Number);
tf.env().set('PROD', true);
await tf.setBackend(backend);

const rows = await compare(tf, {
  sizes,
  cases: opCases(tf),
  install: () => installPointwise(tf, { backends: [backend] }),
  readBack: false,
  digits: 4,
  extra: { backend },
});
console.table(rows);
