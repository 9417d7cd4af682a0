// Runs the conformance suite against one backend and reports every case.
// Test-runner agnostic: the vitest helper and the CLI both build on this.

import type { BackendFactory } from '../backend.js';
import { type Pointwise, pointwise } from '../pointwise.js';
import type { ConformanceCase } from './case.js';
import { conformanceCases } from './cases/index.js';

export interface CaseReport {
  id: string;
  op: string;
  pass: boolean;
  maxUlp?: number;
  message?: string;
  ms: number;
}

export interface BackendReport {
  name: string;
  available: boolean;
  reason?: string;
  passed: number;
  failed: number;
  cases: CaseReport[];
}

export type CaseFilter = string | RegExp | ((c: ConformanceCase) => boolean);

export interface RunOptions {
  /**
   * Only cases whose id matches: a string where it starts a segment of the id (at the start
   * or right after a `/`, so `'elu/'` is elu's cases and not leakyRelu's; a string that
   * starts with `/` matches anywhere), a RegExp tested on the id, or a predicate.
   */
  filter?: CaseFilter;
  /** Called after each case. */
  onProgress?: (event: { done: number; total: number; report: CaseReport }) => void;
}

/** True when `text` occurs in `id` at the start or right after a `/` (anywhere if it starts with `/`). */
function startsASegment(id: string, text: string): boolean {
  for (let at = id.indexOf(text); at !== -1; at = id.indexOf(text, at + 1)) {
    if (at === 0 || id[at - 1] === '/' || text.startsWith('/')) return true;
  }
  return false;
}

export function selectCases(cases: ConformanceCase[], filter?: CaseFilter): ConformanceCase[] {
  if (filter === undefined) return cases;
  if (typeof filter === 'string') return cases.filter((c) => startsASegment(c.id, filter));
  if (filter instanceof RegExp) return cases.filter((c) => filter.test(c.id));
  return cases.filter(filter);
}

/** Run one case, turning a throw into a failure with its message. */
export async function runCase(c: ConformanceCase, pw: Pointwise): Promise<CaseReport> {
  const start = performance.now();
  try {
    const outcome = await c.run(pw);
    return {
      id: c.id,
      op: c.op,
      pass: outcome.pass,
      maxUlp: outcome.maxUlp,
      message: outcome.message,
      ms: performance.now() - start,
    };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      id: c.id,
      op: c.op,
      pass: false,
      message: `threw ${message}`,
      ms: performance.now() - start,
    };
  }
}

/** Run the whole suite (or a filtered part) on a backend. */
export async function runConformance(
  factory: BackendFactory,
  options: RunOptions = {},
): Promise<BackendReport> {
  const availability = await factory.isAvailable();
  if (!availability.available) {
    return {
      name: factory.name,
      available: false,
      reason: availability.reason,
      passed: 0,
      failed: 0,
      cases: [],
    };
  }
  const pw = await pointwise(factory);
  const cases = selectCases(conformanceCases(factory), options.filter);
  const reports: CaseReport[] = [];
  try {
    for (const c of cases) {
      const report = await runCase(c, pw);
      reports.push(report);
      options.onProgress?.({ done: reports.length, total: cases.length, report });
    }
  } finally {
    pw.destroy();
  }
  const passed = reports.filter((r) => r.pass).length;
  return {
    name: factory.name,
    available: true,
    passed,
    failed: reports.length - passed,
    cases: reports,
  };
}
