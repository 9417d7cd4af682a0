// Runs a child's job in the current process: one Task (one backend or one peer), or
// several measured together (DECISIONS #315: at each (case, size) every target's call
// and the copies are sampled interleaved in one process, so a row and its peers' see
// the same machine). Per-call overhead at 64 elements first, then every (case, size)
// measured against the copy baseline, size by size. A peer that fails at one (case,
// size) gets a skipped row there; one that traps stops, and the result lists what it
// did not run (`unfinished`) for the parent to run in a fresh process. The worker
// calls it in a child process; tests call it directly.

import { type BenchCase, bytesPerElement, gigabytesPerSecond } from '@pointwise/bench-cases';
import type { NamedCopy } from './copy.js';
import { collectGarbage, measureAlone, measureTogether } from './measure.js';
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
import type { Prepared, Target } from './targets/target.js';

export const OVERHEAD_SIZE = 64;

async function openTarget(task: Task): Promise<Target | { unavailable: string }> {
  if (task.kind === 'backend') return pointwiseTarget(task.name);
  if (task.name === 'tfjs-cpu' || task.name === 'tfjs-wasm') return tfjsTarget(task.name);
  if (task.name === 'ort') return ortTarget();
  return { unavailable: `unknown peer ${task.name}` };
}

/** Runs one child's tasks: alone, or measured together when there are several. */
export async function runJob(
  tasks: readonly Task[],
  send: (m: ChildMessage) => void,
): Promise<void> {
  const members: Member[] = [];
  for (const task of tasks) {
    let target: Target | { unavailable: string };
    try {
      target = await openTarget(task);
    } catch (error) {
      target = { unavailable: (error as Error).message };
    }
    if ('unavailable' in target)
      send({ type: 'unavailable', target: task.name, reason: target.unavailable });
    else members.push({ target, task });
  }
  if (members.length > 0) await runTogether(members, send);
}

/** The part of a Task the measurement reads. */
export type TaskSpec = Pick<Task, 'cases' | 'sizes' | 'samples' | 'minSampleMs' | 'overhead'> & {
  name: string;
};

/** One target of a job and the task it runs. */
export interface Member {
  target: Target;
  task: TaskSpec;
}

/** A Pointwise backend's failure, naming the backend (a peer's becomes a skipped row). */
export class TargetFailure extends Error {
  constructor(
    readonly target: string,
    cause: unknown,
  ) {
    super((cause as Error).message, { cause });
    this.stack = (cause as Error).stack;
  }
}

/** Measures an open target over the task's cases and sizes (tests pass their own target). */
export async function runTarget(
  target: Target,
  task: TaskSpec,
  send: (m: ChildMessage) => void,
): Promise<void> {
  try {
    await runTogether([{ target, task }], send);
  } catch (error) {
    throw error instanceof TargetFailure ? error.cause : error;
  }
}

/** What one member has measured and whether it can still run. */
interface Progress {
  member: Member;
  rows: Row[];
  overhead: Overhead[];
  skipped: Skip[];
  unfinished: { caseId: string; size: number }[];
  /** A peer's wasm trap (or failed dispose) leaves its instance unusable: nothing more runs on it. */
  broken: boolean;
}

/**
 * Measures open targets over their tasks' cases and sizes, all of them at each (case,
 * size) in one interleaved measurement with one set of copies (the first target's; a
 * job groups targets of one copy kind). One result message for all.
 */
export async function runTogether(
  members: readonly Member[],
  send: (m: ChildMessage) => void,
): Promise<void> {
  const first = members[0]!.task;
  const options = { samples: first.samples, minSampleMs: first.minSampleMs };
  let done = 0;
  const tick = (name: string, label: string) =>
    send({ type: 'progress', done: ++done, label: `${name} ${label}` });
  const states: Progress[] = members.map((member) => ({
    member,
    rows: [],
    overhead: [],
    skipped: [],
    unfinished: [],
    broken: false,
  }));
  const fail = (state: Progress, error: unknown): never => {
    throw new TargetFailure(state.member.target.name, error);
  };
  // per-call overhead first: a peer that traps at a large size cannot be measured after it
  for (const state of states) {
    const { target, task } = state.member;
    if (task.overhead === false) continue;
    await measureOverhead(target, task.cases, options, state.overhead, (l) =>
      tick(task.name, l),
    ).catch((error) => fail(state, error));
  }
  const failedAt = (state: Progress, size: number, error: unknown): string => {
    if (error instanceof WebAssembly.RuntimeError) state.broken = true;
    return `failed at ${size} elements: ${(error as Error).message}`;
  };
  const disposeOf = (state: Progress, prepared: { dispose(): void }): void => {
    try {
      prepared.dispose();
    } catch (error) {
      if (state.member.target.kind !== 'peer') fail(state, error);
      state.broken = true;
    }
  };
  const skip = (state: Progress, c: BenchCase, size: number, reason: string) => {
    addSkipOnce(state.skipped, { target: state.member.target.name, caseId: c.id, reason });
    tick(state.member.task.name, `${c.id} ${size}`);
  };
  // size-major: every case at one size before the next size, so no cache-resident
  // measurement follows a DRAM-resident one (measured here: a 2^16 case right after a
  // 2^26 or 2^27 one ran 3-17x slower than alone; #131)
  const sizes = [...new Set(states.flatMap((s) => s.member.task.sizes))].sort((a, b) => a - b);
  const cases = [
    ...new Map(states.flatMap((s) => s.member.task.cases.map((c) => [c.id, c]))).values(),
  ];
  for (const size of sizes) {
    for (const c of cases) {
      const running: { state: Progress; prepared: Prepared }[] = [];
      for (const state of states) {
        const { target, task } = state.member;
        if (!task.sizes.includes(size) || !task.cases.some((t) => t.id === c.id)) continue;
        if (state.broken) {
          state.unfinished.push({ caseId: c.id, size });
          continue;
        }
        try {
          const prepared = await target.prepare(c, size);
          if ('skip' in prepared) skip(state, c, size, prepared.skip);
          else running.push({ state, prepared });
        } catch (error) {
          // a peer that cannot run one size (tfjs-wasm's 4 GiB heap at 2^27) is a skipped
          // row; a Pointwise backend that fails is the run's failure
          if (target.kind !== 'peer') {
            for (const r of running) r.prepared.dispose();
            fail(state, error);
          }
          skip(state, c, size, failedAt(state, size, error));
        }
      }
      if (running.length === 0) continue;
      await measureCase(running, c, size, options, { skip, failedAt, disposeOf, fail, tick });
    }
  }
  for (const state of states) {
    // rows in case order, then size, as the tables read
    sortInCaseOrder(state.rows, state.member.task.cases);
    try {
      state.member.target.close();
    } catch (error) {
      if (state.member.target.kind !== 'peer') fail(state, error);
    }
  }
  const unfinished = states.flatMap((s) =>
    s.unfinished.map((u) => ({
      ...u,
      ...(members.length > 1 ? { target: s.member.target.name } : {}),
    })),
  );
  send({
    type: 'result',
    rows: states.flatMap((s) => s.rows),
    overhead: states.flatMap((s) => s.overhead),
    skipped: states.flatMap((s) => s.skipped),
    ...(unfinished.length ? { unfinished } : {}),
  });
}

interface CaseHooks {
  skip(state: Progress, c: BenchCase, size: number, reason: string): void;
  failedAt(state: Progress, size: number, error: unknown): string;
  disposeOf(state: Progress, prepared: { dispose(): void }): void;
  fail(state: Progress, error: unknown): never;
  tick(name: string, label: string): void;
}

/**
 * One (case, size): every prepared target's call and the copies, sampled interleaved.
 * A peer that throws while timed is taken out and the rest measured again.
 */
async function measureCase(
  running: { state: Progress; prepared: Prepared }[],
  c: BenchCase,
  size: number,
  options: { samples: number; minSampleMs: number },
  hooks: CaseHooks,
): Promise<void> {
  const bytes = bytesPerElement(c) * size;
  const copies: NamedCopy[] = running[0]!.state.member.target.copy(bytes) ?? [];
  let left = running;
  for (;;) {
    collectGarbage();
    let seconds: number[];
    try {
      seconds = await measureTogether(
        [...left.map((r) => r.prepared.op), ...copies.map((k) => k.timed)],
        options,
      );
    } catch (error) {
      // which target threw: time each alone once to find it (a cheap call, then gone)
      const culprit = (left.length > 1 ? await findThrower(left) : null) ?? left[0]!;
      if (culprit.state.member.target.kind !== 'peer') {
        for (const r of left) r.prepared.dispose();
        hooks.fail(culprit.state, error);
      }
      const reason = hooks.failedAt(culprit.state, size, error);
      hooks.disposeOf(culprit.state, culprit.prepared);
      hooks.skip(culprit.state, c, size, reason);
      left = left.filter((r) => r !== culprit);
      if (left.length === 0) return;
      continue;
    }
    const copyResults: CopyResult[] = copies.map((k, i) => ({
      name: k.name,
      gbps: gigabytesPerSecond(bytes, seconds[left.length + i]!),
    }));
    const ceiling = fastestCopy(copyResults);
    const copyGbps = ceiling?.gbps ?? null;
    left.forEach(({ state, prepared }, i) => {
      hooks.disposeOf(state, prepared);
      const gbps = gigabytesPerSecond(bytes, seconds[i]!);
      state.rows.push({
        target: state.member.target.name,
        kind: state.member.target.kind,
        caseId: c.id,
        size,
        bytesPerElement: bytesPerElement(c),
        seconds: seconds[i]!,
        gbps,
        copyGbps,
        copyName: ceiling?.name ?? null,
        copies: copyResults,
        ratioToCopy: ratio(gbps, copyGbps),
        ...(prepared.note ? { note: prepared.note } : {}),
      });
      hooks.tick(state.member.task.name, `${c.id} ${size}`);
    });
    return;
  }
}

/** The first target whose call throws when called once (then settled), or null. */
async function findThrower<T extends { prepared: Prepared }>(
  left: readonly T[],
): Promise<T | null> {
  for (const r of left) {
    try {
      await r.prepared.op.call();
      await r.prepared.op.settle();
    } catch {
      return r;
    }
  }
  return null;
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

/** Runs one Task alone (a job of one). */
export function runTask(task: Task, send: (m: ChildMessage) => void): Promise<void> {
  return runJob([task], send);
}
