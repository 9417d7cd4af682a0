// How a target's (case, size) grid is walked: size by size (no cache-resident
// measurement right after a DRAM-resident one), rows reported in case order, and a
// peer that fails at one size gets a skipped row there while its other sizes still run;
// a peer that traps (a wasm RuntimeError, its heap now suspect) stops and reports the
// rest unfinished; overhead is measured first; a Pointwise backend that fails fails
// the run.

import { expandCases } from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import { measureTogether } from '../src/measure.js';
import type { ChildMessage } from '../src/protocol.js';
import { type Member, runTarget, runTogether } from '../src/run-task.js';
import type { Target } from '../src/targets/target.js';

const noop = { call: () => {}, settle: async () => {} };

function fakeTarget(kind: 'backend' | 'peer', failAt: number | null, log: string[]): Target {
  return {
    name: `fake-${kind}`,
    kind,
    copy: () => [{ name: 'set', timed: noop }],
    async prepare(c, size) {
      if (size !== 64) log.push(`${c.id} ${size}`);
      if (size === failAt) throw new Error('memory access out of bounds');
      return { op: noop, dispose: () => {} };
    },
    close: () => {},
  };
}

const task = {
  name: 'fake',
  cases: expandCases(['relu']),
  sizes: [256, 4096],
  samples: 1,
  minSampleMs: 0,
};

async function run(target: Target): Promise<ChildMessage[]> {
  const messages: ChildMessage[] = [];
  await runTarget(target, task, (m) => messages.push(m));
  return messages;
}

describe('runTarget', () => {
  it('measures size by size and reports rows in case order', async () => {
    const log: string[] = [];
    const messages = await run(fakeTarget('peer', null, log));
    expect(log).toEqual([
      'relu.forward 256',
      'relu.backward 256',
      'relu.forward 4096',
      'relu.backward 4096',
    ]);
    const result = messages.find((m) => m.type === 'result');
    if (result?.type !== 'result') throw new Error('no result');
    expect(result.rows.map((r) => `${r.caseId} ${r.size}`)).toEqual([
      'relu.forward 256',
      'relu.forward 4096',
      'relu.backward 256',
      'relu.backward 4096',
    ]);
  });

  it('turns a peer failing at one size into skipped rows and keeps its other sizes', async () => {
    const messages = await run(fakeTarget('peer', 4096, []));
    const result = messages.find((m) => m.type === 'result');
    if (result?.type !== 'result') throw new Error('no result');
    expect(result.rows.map((r) => `${r.caseId} ${r.size}`)).toEqual([
      'relu.forward 256',
      'relu.backward 256',
    ]);
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'failed at 4096 elements: memory access out of bounds',
      'failed at 4096 elements: memory access out of bounds',
    ]);
  });

  it('measures per-call overhead before any size', async () => {
    const log: string[] = [];
    const target = fakeTarget('peer', null, log);
    const prepare = target.prepare;
    target.prepare = (c, size) => {
      if (size === 64) log.push(`${c.id} overhead`);
      return prepare(c, size);
    };
    const messages = await run(target);
    expect(log.slice(0, 3)).toEqual([
      'relu.forward overhead',
      'relu.backward overhead',
      'relu.forward 256',
    ]);
    const result = messages.find((m) => m.type === 'result');
    if (result?.type !== 'result') throw new Error('no result');
    expect(result.overhead.map((o) => o.caseId)).toEqual(['relu.forward', 'relu.backward']);
  });

  it('stops after a peer traps, even when its dispose then fails, and lists what it did not run', async () => {
    const log: string[] = [];
    let trapped = false;
    const target: Target = {
      ...fakeTarget('peer', null, log),
      async prepare(c, size) {
        if (size !== 64) log.push(`${c.id} ${size}`);
        const trap = c.id === 'relu.forward' && size === 4096;
        return {
          op: {
            call: () => {
              if (trap) {
                trapped = true;
                throw new WebAssembly.RuntimeError('memory access out of bounds');
              }
            },
            settle: async () => {},
          },
          dispose: () => {
            if (trapped) throw new WebAssembly.RuntimeError('memory access out of bounds');
          },
        };
      },
      close: () => {
        if (trapped) throw new Error('corrupt heap');
      },
    };
    const messages = await run(target);
    const result = messages.find((m) => m.type === 'result');
    if (result?.type !== 'result') throw new Error('no result');
    expect(log).not.toContain('relu.backward 4096');
    expect(result.rows.map((r) => `${r.caseId} ${r.size}`)).toEqual([
      'relu.forward 256',
      'relu.backward 256',
    ]);
    expect(result.skipped.map((s) => `${s.caseId}: ${s.reason}`)).toEqual([
      'relu.forward: failed at 4096 elements: memory access out of bounds',
    ]);
    // left for the parent to run in a fresh process
    expect(result.unfinished).toEqual([{ caseId: 'relu.backward', size: 4096 }]);
  });

  it('lets a failing Pointwise backend fail the run', async () => {
    await expect(run(fakeTarget('backend', 4096, []))).rejects.toThrow('out of bounds');
  });
});

describe('runTogether: several targets at each (case, size) in one measurement', () => {
  const spinFor = (ms: number) => ({
    call: () => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    },
    settle: async () => {},
  });
  const timedTarget = (
    name: string,
    kind: 'backend' | 'peer',
    ms: number,
    throwAt?: number,
  ): Target => ({
    name,
    kind,
    copy: () => [{ name: 'set', timed: spinFor(0.2) }],
    async prepare(_c, size) {
      const op = spinFor(ms);
      return {
        op: {
          call: () => {
            if (size === throwAt) throw new WebAssembly.RuntimeError('unreachable');
            op.call();
          },
          settle: op.settle,
        },
        dispose: () => {},
      };
    },
    close: () => {},
  });
  const spec = (name: string) => ({
    ...task,
    name,
    cases: task.cases.slice(0, 2),
    samples: 3,
    overhead: false,
  });

  async function together(members: Member[]): Promise<ChildMessage & { type: 'result' }> {
    const messages: ChildMessage[] = [];
    await runTogether(members, (m) => messages.push(m));
    const result = messages.find((m) => m.type === 'result');
    if (result?.type !== 'result') throw new Error('no result');
    return result;
  }

  it('gives each target its rows, read against the same copies', async () => {
    const result = await together([
      { target: timedTarget('ours', 'backend', 0.2), task: spec('ours') },
      { target: timedTarget('peer', 'peer', 0.6), task: spec('peer') },
    ]);
    const of = (name: string) => result.rows.filter((r) => r.target === name);
    expect(of('ours').map((r) => `${r.caseId} ${r.size}`)).toEqual(
      of('peer').map((r) => `${r.caseId} ${r.size}`),
    );
    expect(of('ours')).toHaveLength(4);
    of('ours').forEach((row, i) => {
      expect(of('peer')[i]!.copies).toEqual(row.copies);
      // 0.2 ms against 0.6 ms a call: the ratio survives a loaded machine's noise
      expect(row.gbps).toBeGreaterThan(of('peer')[i]!.gbps * 1.5);
    });
  });

  it('takes out a peer that traps while timed; the backend keeps its row', async () => {
    const result = await together([
      { target: timedTarget('ours', 'backend', 0.05), task: spec('ours') },
      { target: timedTarget('peer', 'peer', 0.05, 4096), task: spec('peer') },
    ]);
    expect(result.rows.filter((r) => r.target === 'ours')).toHaveLength(4);
    expect(result.rows.filter((r) => r.target === 'peer').map((r) => r.size)).toEqual([256, 256]);
    expect(result.skipped).toEqual([
      { target: 'peer', caseId: 'relu.forward', reason: 'failed at 4096 elements: unreachable' },
    ]);
    expect(result.unfinished).toEqual([{ caseId: 'relu.backward', size: 4096, target: 'peer' }]);
  });
});

describe('measureTogether', () => {
  it('starts each round one op further along, so no op always follows the same one', async () => {
    const log: number[] = [];
    const op = (i: number) => ({ call: () => log.push(i), settle: async () => {} });
    await measureTogether([op(0), op(1), op(2)], { samples: 3, minSampleMs: 0 });
    // calibration calls each op once (a 1-rep batch lasts >= 0 ms), then the rounds
    expect(log).toEqual([0, 1, 2, 0, 1, 2, 1, 2, 0, 2, 0, 1]);
  });
});
