// What a conformance case is: an id, the op it checks, and an async body run
// against a Pointwise instance. Cases build their own inputs, dispose every
// tensor they create, and return pass/fail with the largest ulp error seen.

import { type ErrorCode, PointwiseError } from '../errors.js';
import type { Pointwise } from '../pointwise.js';
import type { Tensor } from '../tensor.js';

export interface CaseOutcome {
  pass: boolean;
  /** Largest ulp distance from the float32-rounded reference (where meaningful). */
  maxUlp?: number;
  /** Why it failed (or notes when it passed). */
  message?: string;
}

export interface ConformanceCase {
  /** Stable id, e.g. `elu/forward/sweep/alpha=2.5`. */
  id: string;
  /** The op (registry name) or area (`memory`) the case belongs to. */
  op: string;
  description: string;
  run(pw: Pointwise): Promise<CaseOutcome>;
}

/** Disposes every tensor registered through `keep` once the body settles. */
export async function withTensors<T>(
  body: (keep: <U extends Tensor>(t: U) => U) => Promise<T>,
): Promise<T> {
  const live: Tensor[] = [];
  const keep = <U extends Tensor>(t: U): U => {
    live.push(t);
    return t;
  };
  try {
    return await body(keep);
  } finally {
    for (const t of live) t.dispose();
  }
}

/** Combine several partial outcomes: fails if any fails, keeps the worst ulp. */
export function combine(parts: CaseOutcome[]): CaseOutcome {
  const failed = parts.filter((p) => !p.pass);
  const ulps = parts.map((p) => p.maxUlp).filter((u): u is number => u !== undefined);
  return {
    pass: failed.length === 0,
    maxUlp: ulps.length ? Math.max(...ulps) : undefined,
    message: failed.length ? failed.map((p) => p.message).join('; ') : undefined,
  };
}

/**
 * Runs `call`, which must throw a PointwiseError with `code` naming `arg`: null when
 * it does, else what happened instead. A tensor the call returned is disposed.
 */
export function expectError(call: () => unknown, code: ErrorCode, arg: string): string | null {
  try {
    const result = call();
    if (result && typeof result === 'object' && 'dispose' in result) (result as Tensor).dispose();
    return `expected ${code} naming ${arg}, but the call succeeded`;
  } catch (error) {
    if (!(error instanceof PointwiseError)) return `expected ${code}, got ${String(error)}`;
    if (error.code !== code || error.arg !== arg)
      return `expected ${code} naming ${arg}, got ${error.code} naming ${error.arg}: ${error.message}`;
    return null;
  }
}

/** One call that must be refused: what it is, the call, the code and the argument it must name. */
export type RefusedCall = [what: string, call: () => unknown, code: ErrorCode, arg: string];

/**
 * Runs every call, each of which must be refused with its code naming its argument, and
 * checks that together they changed nothing: memory() and the watched tensors' bits are
 * as they were before.
 */
export async function expectRefusedUnchanged(
  pw: Pointwise,
  calls: readonly RefusedCall[],
  watched: readonly Tensor[],
): Promise<CaseOutcome> {
  const contents = await Promise.all(watched.map((t) => t.read()));
  await pw.flush();
  const before = pw.memory();
  for (const [what, call, code, arg] of calls) {
    const problem = expectError(call, code, arg);
    if (problem) return { pass: false, message: `${what}: ${problem}` };
  }
  await pw.flush();
  const after = pw.memory();
  if (after.bytes !== before.bytes || after.buffers !== before.buffers)
    return {
      pass: false,
      message: `refused calls changed memory: ${before.buffers} -> ${after.buffers} buffers`,
    };
  for (let i = 0; i < watched.length; i++) {
    const now = await watched[i]!.read();
    const was = contents[i]!;
    const a = now as ArrayLike<unknown>;
    const b = was as ArrayLike<unknown>;
    const same = a.length === b.length && Array.from(a).every((v, k) => Object.is(v, b[k]));
    if (!same) return { pass: false, message: `a refused call changed a tensor (${i})` };
  }
  return { pass: true };
}
