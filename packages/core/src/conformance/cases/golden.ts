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
  ];
}
