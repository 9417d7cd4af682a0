// One thread against threads: 'auto' in one process, alternating round by round, with N
// competing CPU-bound processes (`node -e 'for(;;){}'`): the measurement of issue 19
// item 8, where separate bench children would see different moments of a load that
// changes by the second. Needs the built package (pnpm --filter
// @pointwise/backend-wasm-simd build). Usage:
//   node scripts/threads-under-load.mjs [--busy N] [--rounds R] [--sizes 2^20,2^24]
// Prints one markdown row per op and size: median GB/s of each (bytes read + written
// per call over the time of a batch of calls of at least 20 ms), and auto / 1.

import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { pointwise } from '@pointwise/core';

// WASM_SIMD_DIST: another build to measure (e.g. an older commit's dist, for a before row)
const { wasmSimdBackend } = await import(process.env.WASM_SIMD_DIST ?? '../dist/index.js');

const { values } = parseArgs({
  options: {
    busy: { type: 'string', default: '0' },
    rounds: { type: 'string', default: '15' },
    sizes: { type: 'string', default: '2^20,2^24' },
  },
});
const busy = Number(values.busy);
const rounds = Number(values.rounds);
const sizes = values.sizes
  .split(',')
  .map((s) => (s.startsWith('2^') ? 2 ** Number(s.slice(2)) : Number(s)));

const OPS = {
  'relu.forward': (pw, x, y) => pw.relu(x, { out: y }),
  'elu.forward': (pw, x, y) => pw.elu(x, { out: y }),
};

const children = [];
for (let i = 0; i < busy; i++) {
  children.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}
try {
  const one = await pointwise(wasmSimdBackend({ threads: 1 }));
  const auto = await pointwise(wasmSimdBackend({ threads: 'auto' }));
  const load = loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
  console.log(
    `${busy} busy process(es), ${availableParallelism()} cores, 'auto' = ${auto.backend.threads} threads, load ${load} at the start, ${rounds} rounds`,
  );
  console.log('| case | size | busy | 1 thread GB/s | auto GB/s | auto / 1 |');
  console.log('|---|---|---|---|---|---|');
  for (const size of sizes) {
    const data = Float32Array.from({ length: size }, (_, i) => ((i % 97) - 48) / 8);
    const sides = [one, auto].map((pw) => ({ pw, x: pw.tensor(data), y: pw.zeros([size]) }));
    for (const [name, run] of Object.entries(OPS)) {
      const gbps = [[], []];
      for (const s of sides) for (let i = 0; i < 3; i++) run(s.pw, s.x, s.y);
      for (let r = 0; r < rounds; r++) {
        // alternate which side goes first, so neither always follows the other
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        for (const k of order) {
          const { pw, x, y } = sides[k];
          let calls = 0;
          const start = performance.now();
          let now = start;
          while (now - start < 20) {
            run(pw, x, y);
            calls++;
            now = performance.now();
          }
          gbps[k].push((calls * size * 8) / ((now - start) * 1e6));
        }
      }
      const median = (a) => a.sort((p, q) => p - q)[a.length >> 1];
      const [g1, ga] = gbps.map(median);
      const row = [
        name,
        `2^${Math.log2(size)}`,
        busy,
        g1.toFixed(2),
        ga.toFixed(2),
        (ga / g1).toFixed(2),
      ];
      console.log(`| ${row.join(' | ')} |`);
    }
    for (const s of sides) {
      s.x.dispose();
      s.y.dispose();
    }
  }
  const d = auto.backend.wasm.dispatch;
  const a = d.adaptive;
  console.log(
    `auto: ${d.pooledCalls} pooled calls${a ? `, ${a.lostCalls} lost to one thread, back-off ${a.backoffMs} ms` : ''}`,
  );
  one.destroy();
  auto.destroy();
} finally {
  for (const child of children) child.kill('SIGKILL');
}
