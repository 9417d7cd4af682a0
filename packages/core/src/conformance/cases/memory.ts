// Conformance case for leaks: after 10^4 op calls whose results are disposed,
// the backend's allocated bytes and buffers return to the baseline.

import type { ConformanceCase } from '../case.js';

export function memoryCases(): ConformanceCase[] {
  return [
    {
      id: 'memory/no-leak-after-10000-calls',
      op: 'memory',
      description:
        'allocated bytes return to baseline after 10^4 op calls (every op, forward and backward) with dispose',
      run: async (pw) => {
        const x = pw.tensor(
          new Float32Array(64).map((_, i) => i - 32),
          [2, 4, 8],
        );
        const dy = pw.tensor(new Float32Array(64).fill(0.5), [2, 4, 8]);
        const ids = pw.tensor(new BigInt64Array([1n, 2n, 3n, 4n]));
        const lengths = pw.tensor(new Int32Array([1, 0, 3]));
        await pw.flush();
        const baseline = pw.memory();
        const steps: (() => unknown)[] = [
          () => pw.relu(x),
          () => pw.reluBackward(dy, { x }),
          () => pw.leakyRelu(x, { alpha: 0.1 }),
          () => pw.leakyReluBackward(dy, { y: x }),
          () => pw.prelu(x, { slope: [0.1, 0.2, 0.3, 0.4], channelAxis: 1 }),
          () => pw.preluBackward(dy, { x }, { slope: [0.1, 0.2, 0.3, 0.4] }),
          () => pw.thresholdedRelu(x),
          () => pw.thresholdedReluBackward(dy, { x }),
          () => pw.shiftedRelu(x, { threshold: 0.5 }),
          () => pw.shiftedReluBackward(dy, { y: x }, { threshold: 0.5 }),
          () => pw.clippedRelu(x),
          () => pw.clippedReluBackward(dy, { x }),
          () => pw.elu(x),
          () => pw.eluBackward(dy, { x }),
          () => pw.dropoutWithReplacement(x, { ratio: 0.5 }),
          () => pw.dropoutWithReplacementBackward(dy, { ratio: 0.5, seed: 1 }),
        ];
        for (let call = 0; call < 10_000; call++) {
          const result = steps[call % steps.length]!();
          release(result);
          if (call % 1000 === 999) {
            const sparse = await pw.sparseDropoutWithReplacement(ids, lengths, {
              ratio: 0.5,
              seed: call,
            });
            release(sparse);
          }
        }
        await pw.flush();
        const after = pw.memory();
        for (const t of [x, dy, ids, lengths]) t.dispose();
        const pass = after.bytes === baseline.bytes && after.buffers === baseline.buffers;
        return pass
          ? { pass: true }
          : {
              pass: false,
              message: `memory went from ${baseline.bytes} B in ${baseline.buffers} buffers to ${after.bytes} B in ${after.buffers}`,
            };
      },
    },
  ];
}

function release(result: unknown): void {
  if (!result || typeof result !== 'object') return;
  if ('dispose' in result && typeof result.dispose === 'function') {
    result.dispose();
    return;
  }
  for (const value of Object.values(result)) {
    if (
      value &&
      typeof value === 'object' &&
      'dispose' in value &&
      typeof value.dispose === 'function'
    )
      value.dispose();
  }
}
