// How the CLI splits targets over child processes: one child per size (overhead
// measured in the first only), the targets measured together in one child per size
// (wasm and native in one, plain JS in another, GPU alone), a fresh child of its own
// for the cases a peer left unfinished after a trap, and nothing more once a target is
// unavailable.

import { expandCases } from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import { childOrder, runTasks, togetherKey, togetherNotes } from '../src/cli.js';
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
  await runTasks({ progressEvery: 1e9 }, [task], emptyReport(), async ([t]) => {
    if (!t) throw new Error('empty job');
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
        (c) =>
          `${c.tasks.map((t) => t.name).join(',')} ${c.size}${c.tasks[0]!.overhead ? ' +' : ''}`,
      ),
    ).toEqual(['ours 256 +', 'peer 256 +', 'ours 4096', 'peer 4096', 'quick 4096 +']);
  });

  it('runs the children in that order, and not again once a target is unavailable', async () => {
    const seen: string[] = [];
    const report = await runTasks(
      { progressEvery: 1e9 },
      [ours, peer, quickPeer],
      emptyReport(),
      async ([t]) => {
        if (!t) throw new Error('empty job');
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

describe('targets measured together (DECISIONS #315)', () => {
  const named = (kind: Task['kind'], name: string, sizes = task.sizes): Task => ({
    ...task,
    kind,
    name,
    sizes,
  });
  const all = [
    named('backend', 'wasm-simd'),
    named('backend', 'wasm-simd x2'),
    named('backend', 'js'),
    named('backend', 'webgpu'),
    named('peer', 'tfjs-wasm'),
    named('peer', 'ort', [4096]),
    named('peer', 'tfjs-cpu'),
  ];

  it('togetherKey: wasm in one group, plain JS in another, ort and GPU alone', () => {
    expect(all.map((t) => `${t.name}:${togetherKey(t)}`)).toEqual([
      'wasm-simd:wasm',
      'wasm-simd x2:wasm',
      'js:js',
      'webgpu:null',
      'tfjs-wasm:wasm',
      'ort:null',
      'tfjs-cpu:js',
    ]);
  });

  it("childOrder: one child per group and size; overhead with each task's own first size", () => {
    expect(
      childOrder(all).map(
        (c) => `${c.size}: ${c.tasks.map((t) => `${t.name}${t.overhead ? '+' : ''}`).join(', ')}`,
      ),
    ).toEqual([
      '256: wasm-simd+, wasm-simd x2+, tfjs-wasm+',
      '256: js+, tfjs-cpu+',
      '256: webgpu+',
      '4096: wasm-simd, wasm-simd x2, tfjs-wasm',
      '4096: js, tfjs-cpu',
      '4096: webgpu',
      '4096: ort+',
    ]);
  });

  it('--apart: every task in a child of its own, and the report says which shared one', () => {
    expect(childOrder(all, true).every((c) => c.tasks.length === 1)).toBe(true);
    expect(childOrder(all, true)).toHaveLength(13);
    expect(togetherNotes(all, false)).toEqual([
      'measured together, samples interleaved in one process per size: wasm-simd, wasm-simd x2, tfjs-wasm',
      'measured together, samples interleaved in one process per size: js, tfjs-cpu',
    ]);
    expect(togetherNotes(all, true)).toEqual([
      '--apart: every target measured in processes of its own',
    ]);
  });

  it('splits a group at a size where its targets would not fit in memory together', () => {
    const fits = (size: number, targets: number) => size < 4096 || targets === 1;
    const order = childOrder(all, false, fits);
    expect(order.filter((c) => c.size === 256).map((c) => c.tasks.length)).toEqual([3, 2, 1]);
    expect(order.filter((c) => c.size === 4096).map((c) => c.tasks.length)).toEqual([
      1, 1, 1, 1, 1, 1, 1,
    ]);
    expect(order.filter((c) => c.size === 4096).map((c) => c.tasks[0]!.name)).toEqual([
      'wasm-simd',
      'wasm-simd x2',
      'tfjs-wasm',
      'js',
      'tfjs-cpu',
      'webgpu',
      'ort',
    ]);
    expect(togetherNotes(all, false, order).at(-1)).toBe(
      'at 2^12 each target ran apart: together they would not fit in memory',
    );
  });

  it("files each target's rows under it, and reruns only the trapped peer's cases, alone", async () => {
    const row = (target: string, caseId: string, size: number) => ({
      target,
      kind: 'backend' as const,
      caseId,
      size,
      bytesPerElement: 8,
      seconds: 1,
      gbps: 1,
      copyGbps: null,
      ratioToCopy: null,
    });
    const jobs: string[] = [];
    const together = [named('backend', 'wasm-simd'), named('peer', 'tfjs-wasm')];
    const report = await runTasks({ progressEvery: 1e9 }, together, emptyReport(), async (job) => {
      const size = job[0]!.sizes[0]!;
      jobs.push(`${size}: ${job.map((t) => `${t.name} [${t.cases.length}]`).join(', ')}`);
      if (job.length === 1) {
        return [
          {
            type: 'result',
            rows: job[0]!.cases.map((c) => row(job[0]!.name, c.id, size)),
            overhead: [],
            skipped: [],
          },
        ];
      }
      const trapped = size === 4096;
      return [
        {
          type: 'result',
          rows: job.flatMap((t) =>
            t.cases
              .filter((c) => !(trapped && t.name === 'tfjs-wasm' && c.id.startsWith('elu')))
              .map((c) => row(t.name, c.id, size)),
          ),
          overhead: [],
          skipped: [],
          ...(trapped
            ? {
                unfinished: ['elu.forward', 'elu.backward'].map((caseId) => ({
                  caseId,
                  size,
                  target: 'tfjs-wasm',
                })),
              }
            : {}),
        },
      ];
    });
    expect(jobs).toEqual([
      '256: wasm-simd [5], tfjs-wasm [5]',
      '4096: wasm-simd [5], tfjs-wasm [5]',
      '4096: tfjs-wasm [2]',
    ]);
    const rowsOf = (name: string) =>
      report.rows.filter((r) => r.target === name).map((r) => `${r.caseId} ${r.size}`);
    expect(rowsOf('wasm-simd')).toHaveLength(10);
    expect(rowsOf('tfjs-wasm')).toEqual([
      'relu.forward 256',
      'relu.forward 4096',
      'relu.backward 256',
      'relu.backward 4096',
      'elu.forward 256',
      'elu.forward 4096',
      'elu.backward 256',
      'elu.backward 4096',
      'elu.backward+y 256',
    ]);
  });
});
