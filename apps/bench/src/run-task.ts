// Runs one Task (one backend or one peer) in the current process: per-call overhead at
// 64 elements first, then every (case, size) measured against the copy baseline, size
// by size. A peer that fails at one (case, size) gets a skipped row there; one that
// traps stops, and its result lists what it did not run (`unfinished`) for the parent
// to run in a fresh process. The worker calls it in a child process; tests call it
// directly.

import { bytesPerElement, gigabytesPerSecond } from '@pointwise/bench-cases';
import { collectGarbage, measureAlone, measureInterleaved } from './measure.js';
import { ortTarget } from './peers/ort.js';
import { tfjsTarget } from './peers/tfjs.js';
import {
  addSkipOnce,
  type ChildMessage,
  type CopyResult,
  type Overhead,
  type Row,
  type Skip,
  sortInCaseOrder,
  type Task,
} from './protocol.js';
import { ratio } from './stats.js';
import { pointwiseTarget } from './targets/pointwise.js';
import type { Target } from './targets/target.js';

export const OVERHEAD_SIZE = 64;

async function openTarget(task: Task): Promise<Target | { unavailable: string }> {
  if (task.kind === 'backend') return pointwiseTarget(task.name);
  if (task.name === 'tfjs-cpu' || task.name === 'tfjs-wasm') return tfjsTarget(task.name);
  if (task.name === 'ort') return ortTarget();
  return { unavailable: `unknown peer ${task.name}` };
}

export async function runTask(task: Task, send: (m: ChildMessage) => void): Promise<void> {
  let target: Target | { unavailable: string };
  try {
    target = await openTarget(task);
  } catch (error) {
    target = { unavailable: (error as Error).message };
  }
  if ('unavailable' in target) {
    send({ type: 'unavailable', target: task.name, reason: target.unavailable });
    return;
  }
  await runTarget(target, task, send);
}

/** Measures an open target over the task's cases and sizes (tests pass their own target). */
export async function runTarget(
  target: Target,
  task: Pick<Task, 'cases' | 'sizes' | 'samples' | 'minSampleMs' | 'overhead'> & { name: string },
  send: (m: ChildMessage) => void,
): Promise<void> {
  const rows: Row[] = [];
  const overhead: Overhead[] = [];
  const skipped: Skip[] = [];
  const options = { samples: task.samples, minSampleMs: task.minSampleMs };
  let done = 0;
  const tick = (label: string) =>
    send({ type: 'progress', done: ++done, label: `${task.name} ${label}` });

  // per-call overhead first: a peer that traps at a large size cannot be measured after it
  if (task.overhead !== false) await measureOverhead(target, task.cases, options, overhead, tick);
  // a peer's wasm trap (or a failed dispose) leaves its instance unusable: nothing more
  // runs on it, and the (case, size) pairs after it are reported unfinished
  let broken = false;
  const unfinished: { caseId: string; size: number }[] = [];
  const failedAt = (size: number, error: unknown): string => {
    if (error instanceof WebAssembly.RuntimeError) broken = true;
    return `failed at ${size} elements: ${(error as Error).message}`;
  };
  const disposeOf = (prepared: { dispose(): void }): void => {
    try {
      prepared.dispose();
    } catch (error) {
      if (target.kind !== 'peer') throw error;
      broken = true;
    }
  };
  // size-major: every case at one size before the next size, so no cache-resident
  // measurement follows a DRAM-resident one (measured here: a 2^16 case right after a
  // 2^26 or 2^27 one ran 3-17x slower than alone; #131)
  for (const size of task.sizes) {
    for (const c of task.cases) {
      if (broken) {
        unfinished.push({ caseId: c.id, size });
        continue;
      }
      let prepared: Awaited<ReturnType<Target['prepare']>>;
      try {
        prepared = await target.prepare(c, size);
      } catch (error) {
        // a peer that cannot run one size (tfjs-wasm's 4 GiB heap at 2^27) is a skipped
        // row; a Pointwise backend that fails is the run's failure
        if (target.kind !== 'peer') throw error;
        prepared = { skip: failedAt(size, error) };
      }
      if ('skip' in prepared) {
        addSkipOnce(skipped, { target: target.name, caseId: c.id, reason: prepared.skip });
        tick(`${c.id} ${size}`);
        continue;
      }
      const bytes = bytesPerElement(c) * size;
      const copies = target.copy(bytes) ?? [];
      collectGarbage();
      let measured: Awaited<ReturnType<typeof measureInterleaved>>;
      try {
        measured = await measureInterleaved(
          prepared.op,
          copies.map((c) => c.timed),
          options,
        );
      } catch (error) {
        if (target.kind !== 'peer') {
          prepared.dispose();
          throw error;
        }
        const reason = failedAt(size, error);
        disposeOf(prepared);
        skipped.push({ target: target.name, caseId: c.id, reason });
        tick(`${c.id} ${size}`);
        continue;
      }
      const { opSeconds, copySeconds } = measured;
      disposeOf(prepared);
      const gbps = gigabytesPerSecond(bytes, opSeconds);
      const copyResults = copies.map((c, i) => ({
        name: c.name,
        gbps: gigabytesPerSecond(bytes, copySeconds[i]!),
      }));
      const ceiling = fastestCopy(copyResults);
      const copyGbps = ceiling?.gbps ?? null;
      rows.push({
        target: target.name,
        kind: target.kind,
        caseId: c.id,
        size,
        bytesPerElement: bytesPerElement(c),
        seconds: opSeconds,
        gbps,
        copyGbps,
        copyName: ceiling?.name ?? null,
        copies: copyResults,
        ratioToCopy: ratio(gbps, copyGbps),
        ...(prepared.note ? { note: prepared.note } : {}),
      });
      tick(`${c.id} ${size}`);
    }
  }
  // rows in case order, then size, as the tables read
  sortInCaseOrder(rows, task.cases);
  try {
    target.close();
  } catch (error) {
    if (target.kind !== 'peer') throw error;
  }
  send({ type: 'result', rows, overhead, skipped, ...(unfinished.length ? { unfinished } : {}) });
}

/** The fastest of a row's copies (the ceiling its ratio is read against); null if none. */
export function fastestCopy(copies: readonly CopyResult[]): CopyResult | null {
  let top: CopyResult | null = null;
  for (const c of copies) {
    if (Number.isFinite(c.gbps) && (top === null || c.gbps > top.gbps)) top = c;
  }
  return top;
}

/** Microseconds per call at OVERHEAD_SIZE elements, measured alone, for every case. */
async function measureOverhead(
  target: Target,
  cases: Task['cases'],
  options: { samples: number; minSampleMs: number },
  overhead: Overhead[],
  tick: (label: string) => void,
): Promise<void> {
  for (const c of cases) {
    try {
      const small = await target.prepare(c, OVERHEAD_SIZE);
      if (!('skip' in small)) {
        const seconds = await measureAlone(small.op, options);
        small.dispose();
        overhead.push({
          target: target.name,
          kind: target.kind,
          caseId: c.id,
          microsPerCall: seconds * 1e6,
        });
      }
    } catch (error) {
      if (target.kind !== 'peer') throw error;
    }
    tick(`${c.id} overhead`);
  }
}
