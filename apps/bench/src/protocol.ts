// Messages between the CLI (parent) and its child processes: one per size for the
// targets measured together (a backend and its peers, DECISIONS #315), one per size
// for any other backend or peer, and another for the cases left after a peer traps.
// The parent forks dist/worker.js with its Tasks; the child sends progress ticks and
// finally one result (rows + overhead of every target, or the reason one could not run).

import type { BenchCase } from '@pointwise/bench-cases';

export interface Task {
  /** `backend` goes through core's probeBackends; `peer` loads one peer library. */
  kind: 'backend' | 'peer';
  /** Backend name (js, wasm-simd, …) or peer target (tfjs-cpu, tfjs-wasm, ort). */
  name: string;
  cases: BenchCase[];
  sizes: number[];
  samples: number;
  minSampleMs: number;
  /** Measure per-call overhead at 64 elements first (default true; the parent asks once per target). */
  overhead?: boolean;
}

export interface Row {
  target: string;
  kind: 'backend' | 'peer';
  caseId: string;
  size: number;
  bytesPerElement: number;
  /** Median seconds per call. */
  seconds: number;
  gbps: number;
  /**
   * The fastest copy of the same bytes on the same target, same run (null: no copy
   * hook): the ceiling `ratioToCopy` is read against.
   */
  copyGbps: number | null;
  /** Which copy that was (`set`, `memory.copy`, `simd`, `gpu`); null with no copy hook. */
  copyName?: string | null;
  /** Every copy measured for this row with its own GB/s, in measurement order. */
  copies?: CopyResult[];
  ratioToCopy: number | null;
  note?: string;
}

export interface CopyResult {
  name: string;
  gbps: number;
}

export interface Overhead {
  target: string;
  kind: 'backend' | 'peer';
  caseId: string;
  /** Microseconds per call at 64 elements. */
  microsPerCall: number;
}

export interface Skip {
  target: string;
  caseId: string;
  reason: string;
}

export type ChildMessage =
  | { type: 'progress'; done: number; label: string }
  | { type: 'unavailable'; target: string; reason: string }
  | {
      type: 'result';
      rows: Row[];
      overhead: Overhead[];
      skipped: Skip[];
      /**
       * (case, size) pairs not run because the peer trapped before them: run them in a
       * fresh process. `target` names the peer when the child measured several together.
       */
      unfinished?: { caseId: string; size: number; target?: string }[];
    }
  | { type: 'error'; target: string; message: string };

/** Number of progress ticks a task produces: one per (case, size) plus one per case at 64. */
export function ticksFor(task: Pick<Task, 'cases' | 'sizes'>): number {
  return task.cases.length * (task.sizes.length + 1);
}

/** Sorts rows in place in case order (as `cases` lists them), then by size, as the tables read. */
export function sortInCaseOrder(rows: Row[], cases: readonly BenchCase[]): void {
  const order = new Map(cases.map((c, i) => [c.id, i]));
  rows.sort((a, b) => order.get(a.caseId)! - order.get(b.caseId)! || a.size - b.size);
}

/** Adds a skip unless the same target, case and reason is already listed. */
export function addSkipOnce(skipped: Skip[], skip: Skip): void {
  const seen = skipped.some(
    (s) => s.target === skip.target && s.caseId === skip.caseId && s.reason === skip.reason,
  );
  if (!seen) skipped.push(skip);
}
