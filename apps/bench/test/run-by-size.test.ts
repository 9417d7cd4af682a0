// How the CLI splits a target over child processes: one child per size (overhead
// measured in the first only), a fresh child for the cases a peer left unfinished
// after a trap, and nothing more once a target is unavailable.

import { expandCases } from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import { childOrder, runTasks } from '../src/cli.js';
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

const emptyReport = () => ({ rows: [], overhead: [], skipped: [], unavailable: [] }) as never;

async function calls(reply: Reply): Promise<{ seen: string[]; messages: ChildMessage[] }> {
  const seen: string[] = [];
  const messages: ChildMessage[] = [];
  await runTasks({ progressEvery: 1e9 }, [task], emptyReport(), async (t) => {
    seen.push(
      `${t.sizes.join(',')}: ${t.cases.map((c) => c.id).join(' ')}${t.overhead ? ' +overhead' : ''}`,
    );
    const replied = reply(t);
    messages.push(...replied);
    return replied;
  });
  return { seen, messages };
}

const ok: Reply = () => [{ type: 'result', rows: [], overhead: [], skipped: [] }];

describe('one target over its sizes (runTasks, runAtSize)', () => {
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

describe('runTasks: the children run size by size across targets', () => {
  const ours: Task = { ...task, kind: 'backend', name: 'ours' };
  const peer: Task = { ...task, name: 'peer' };
  const quickPeer: Task = { ...task, name: 'quick', sizes: [4096] };

  it('childOrder: every target at one size, then the next; overhead at each first size', () => {
    expect(
      childOrder([ours, peer, quickPeer]).map(
        (c) => `${c.task.name} ${c.size}${c.first ? ' +' : ''}`,
      ),
    ).toEqual(['ours 256 +', 'peer 256 +', 'ours 4096', 'peer 4096', 'quick 4096 +']);
  });

  it('runs the children in that order, and not again once a target is unavailable', async () => {
    const seen: string[] = [];
    const report = await runTasks(
      { progressEvery: 1e9 },
      [ours, peer, quickPeer],
      emptyReport(),
      async (t) => {
        seen.push(`${t.name} ${t.sizes.join(',')}${t.overhead ? ' +overhead' : ''}`);
        if (t.name === 'peer') return [{ type: 'unavailable', target: 'peer', reason: 'not here' }];
        return [{ type: 'result', rows: [], overhead: [], skipped: [] }];
      },
    );
    expect(seen).toEqual([
      'ours 256 +overhead',
      'peer 256 +overhead',
      'ours 4096',
      'quick 4096 +overhead',
    ]);
    expect(report.unavailable).toEqual([{ target: 'peer', reason: 'not here' }]);
  });
});
