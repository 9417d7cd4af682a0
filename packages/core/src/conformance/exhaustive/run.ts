// Runs the exhaustive plan on one backend: every sweep task over all 2^32 inputs (or
// the CI slice's windows), then the dropout tasks. Reports progress per chunk, stops
// between chunks when asked (the report then holds what was done), and resumes from
// a saved state (inputs done and the tally so far, per task).

import type { BackendFactory } from '../../backend.js';
import { type Pointwise, pointwise } from '../../pointwise.js';
import { emptyTally, type Tally } from './compare.js';
import { planDropout, runDropoutTask } from './dropout.js';
import { ALL_INPUTS, type BitRange, planSweeps, type SweepTask, sliceWindows } from './plan.js';
import { sweepRanges } from './sweep.js';

export interface TaskResult extends Tally {
  id: string;
  op: string;
  /** Inputs the task covers (2^32 for a full sweep). */
  total: number;
  seconds: number;
}

export interface ExhaustiveReport {
  name: string;
  available: boolean;
  reason?: string;
  /** True when the run was stopped before every task finished. */
  interrupted: boolean;
  tasks: TaskResult[];
}

/** Saved progress, keyed by `backend/task id`: inputs done and the tally so far. */
export type ResumeState = Record<string, { done: number; tally: Tally; seconds: number }>;

export interface ExhaustiveOptions {
  /** Op names to run (default: every op, dropout and sparseDropout included). */
  ops?: readonly string[];
  /** The CI slice: default params, 2^24-input windows around kinks, small dropout. */
  slice?: boolean;
  /** Inputs per window of the slice (default 2^24). */
  window?: number;
  chunk?: number;
  /** Restrict the sweeps to these task ids (after planning). */
  taskFilter?: (id: string) => boolean;
  state?: ResumeState;
  /** Called after every chunk / dropout task, and when a task starts. */
  onProgress?: (event: { task: string; done: number; total: number }) => void;
  /** Called when a task finishes (or is stopped), e.g. to save the state. */
  onTaskEnd?: (result: TaskResult) => void;
  stopped?: () => boolean;
  /** Label for the state keys (default: the factory's name). */
  label?: string;
}

/** Drop the first `n` inputs of `ranges`. */
export function skipInputs(ranges: BitRange[], n: number): BitRange[] {
  const out: BitRange[] = [];
  let skip = n;
  for (const r of ranges) {
    if (skip >= r.count) {
      skip -= r.count;
      continue;
    }
    out.push({ start: r.start + skip, count: r.count - skip });
    skip = 0;
  }
  return out;
}

/** The sweep tasks and their ranges, as the options select them. */
export function exhaustivePlan(
  options: ExhaustiveOptions,
): { task: SweepTask; ranges: BitRange[] }[] {
  return planSweeps({ ops: options.ops, defaultsOnly: options.slice })
    .filter((t) => options.taskFilter?.(t.id) ?? true)
    .map((task) => ({
      task,
      ranges: options.slice
        ? sliceWindows(task, options.window)
        : [{ start: 0, count: ALL_INPUTS }],
    }));
}

export async function runExhaustive(
  factory: BackendFactory,
  options: ExhaustiveOptions = {},
): Promise<ExhaustiveReport> {
  const name = options.label ?? factory.name;
  const availability = await factory.isAvailable();
  if (!availability.available)
    return { name, available: false, reason: availability.reason, interrupted: false, tasks: [] };
  const state = options.state ?? {};
  const pw = await pointwise(factory);
  const tasks: TaskResult[] = [];
  let interrupted = false;
  try {
    for (const { task, ranges } of exhaustivePlan(options)) {
      const total = ranges.reduce((s, r) => s + r.count, 0);
      const key = `${name}/${task.id}`;
      const saved = state[key] ?? { done: 0, tally: emptyTally(), seconds: 0 };
      state[key] = saved;
      const result = (): TaskResult => ({
        id: task.id,
        op: task.op,
        total,
        ...saved.tally,
        seconds: saved.seconds,
      });
      if (saved.done < total) {
        options.onProgress?.({ task: task.id, done: saved.done, total });
        const t0 = performance.now();
        let last = t0;
        await sweepRanges(pw, task, skipInputs(ranges, saved.done), saved.tally, {
          chunk: options.chunk,
          stopped: options.stopped,
          onChunk: (n) => {
            saved.done += n;
            const now = performance.now();
            saved.seconds += (now - last) / 1000;
            last = now;
            options.onProgress?.({ task: task.id, done: saved.done, total });
          },
        });
      }
      tasks.push(result());
      options.onTaskEnd?.(result());
      if (saved.done < total) {
        interrupted = true;
        break;
      }
    }
    if (!interrupted) interrupted = !(await dropoutTasks(pw, name, options, state, tasks));
  } finally {
    pw.destroy();
  }
  return { name, available: true, interrupted, tasks };
}

/** The dropout tasks; false when stopped before the last one. */
async function dropoutTasks(
  pw: Pointwise,
  name: string,
  options: ExhaustiveOptions,
  state: ResumeState,
  out: TaskResult[],
): Promise<boolean> {
  for (const task of planDropout(options.slice === true)) {
    if (options.ops && !options.ops.includes(task.kind)) continue;
    if (options.taskFilter && !options.taskFilter(task.id)) continue;
    const key = `${name}/${task.id}`;
    const saved = state[key] ?? { done: 0, tally: emptyTally(), seconds: 0 };
    state[key] = saved;
    if (saved.done < task.size) {
      if (options.stopped?.()) return false;
      options.onProgress?.({ task: task.id, done: 0, total: task.size });
      const t0 = performance.now();
      await runDropoutTask(pw, task, saved.tally);
      saved.seconds = (performance.now() - t0) / 1000;
      saved.done = task.size;
      options.onProgress?.({ task: task.id, done: task.size, total: task.size });
    }
    const result = {
      id: task.id,
      op: task.kind,
      total: task.size,
      ...saved.tally,
      seconds: saved.seconds,
    };
    out.push(result);
    options.onTaskEnd?.(result);
  }
  return true;
}
