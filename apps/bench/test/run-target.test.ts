// How a target's (case, size) grid is walked: size by size (no cache-resident
// measurement right after a DRAM-resident one), rows reported in case order, and a
// peer that fails at one size gets a skipped row there while its other sizes still run;
// a peer that traps (a wasm RuntimeError, its heap now suspect) stops and reports the
// rest unfinished; overhead is measured first; a Pointwise backend that fails fails
// the run.

import { expandCases } from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import type { ChildMessage } from '../src/protocol.js';
import { runTarget } from '../src/run-task.js';
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
