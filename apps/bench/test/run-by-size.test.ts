// How the CLI splits a target over child processes: one child per size (overhead
// measured in the first only), a fresh child for the cases a peer left unfinished
// after a trap, and nothing more once a target is unavailable.

import { expandCases } from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import { runBySize } from '../src/cli.js';
import type { ChildMessage, Task } from '../src/protocol.js';

const task: Task = {
  kind: 'peer',
  name: 'fake',
  cases: expandCases(['relu', 'elu']),
  sizes: [256, 4096],
  samples: 1,
  minSampleMs: 0,
};

type Reply = (t: Task) => ChildMessage[];

async function calls(reply: Reply): Promise<{ seen: string[]; messages: ChildMessage[] }> {
  const seen: string[] = [];
  const messages = await runBySize(
    task,
    () => {},
    async (t) => {
      seen.push(
        `${t.sizes.join(',')}: ${t.cases.map((c) => c.id).join(' ')}${t.overhead ? ' +overhead' : ''}`,
      );
      return reply(t);
    },
  );
  return { seen, messages };
}

const ok: Reply = () => [{ type: 'result', rows: [], overhead: [], skipped: [] }];

describe('runBySize', () => {
  it('runs one child per size, overhead in the first only', async () => {
    const { seen } = await calls(ok);
    expect(seen).toEqual([
      '256: relu.forward relu.backward elu.forward elu.backward elu.backward+y +overhead',
      '4096: relu.forward relu.backward elu.forward elu.backward elu.backward+y',
    ]);
  });

  it('runs the cases a trap left unfinished in a fresh child', async () => {
    const { seen, messages } = await calls((t) => {
      if (t.sizes[0] !== 4096 || t.cases.length !== 5) return ok(t);
      return [
        {
          type: 'result',
          rows: [],
          overhead: [],
          skipped: [
            { target: 'fake', caseId: 'relu.backward', reason: 'failed at 4096 elements: trap' },
          ],
          unfinished: [
            { caseId: 'elu.forward', size: 4096 },
            { caseId: 'elu.backward', size: 4096 },
            { caseId: 'elu.backward+y', size: 4096 },
          ],
        },
      ];
    });
    expect(seen.slice(1)).toEqual([
      '4096: relu.forward relu.backward elu.forward elu.backward elu.backward+y',
      '4096: elu.forward elu.backward elu.backward+y',
    ]);
    expect(messages.filter((m) => m.type === 'result')).toHaveLength(3);
  });

  it('stops a target at its first unavailable or failed child', async () => {
    const { seen } = await calls(() => [
      { type: 'unavailable', target: 'fake', reason: 'not installed' },
    ]);
    expect(seen).toHaveLength(1);
  });
});
