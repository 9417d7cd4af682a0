// Golden vectors: the few hand-written expectations the suite holds (everything
// else is computed from the float64 reference): relu([-1,2,-3,4,0]) = [0,2,0,4,0].

import type { ConformanceCase } from '../case.js';
import { withTensors } from '../case.js';

export function goldenCases(): ConformanceCase[] {
  return [
    {
      id: 'relu/golden/seed-example',
      op: 'relu',
      description: 'relu([-1, 2, -3, 4, 0]) = [0, 2, 0, 4, 0], all zeros +0',
      run: (pw) =>
        withTensors(async (keep) => {
          const y = await keep(pw.relu(keep(pw.tensor([-1, 2, -3, 4, 0])))).read();
          const expected = [0, 2, 0, 4, 0];
          const ok = expected.every((v, i) => Object.is(y[i], v)) && y.length === 5;
          return ok
            ? { pass: true }
            : { pass: false, message: `got [${Array.from(y).join(', ')}]` };
        }),
    },
    {
      id: 'elu/golden/negative-zero',
      op: 'elu',
      description: 'elu keeps the sign of zero: elu(-0) = -0, elu(+0) = +0 (for alpha 1 and 2.5)',
      run: (pw) =>
        withTensors(async (keep) => {
          for (const alpha of [1, 2.5]) {
            const y = await keep(pw.elu(keep(pw.tensor([-0, 0, -0, -0, 0])), { alpha })).read();
            const expected = [-0, 0, -0, -0, 0];
            if (!expected.every((v, i) => Object.is(y[i], v)))
              return {
                pass: false,
                message: `alpha ${alpha}: elu([-0, 0, -0, -0, 0]) gave [${Array.from(y, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(', ')}]`,
              };
          }
          return { pass: true };
        }),
    },
  ];
}
