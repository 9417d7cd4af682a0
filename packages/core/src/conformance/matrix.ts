// Formats conformance reports as an op × backend matrix for terminals, with the
// reasons for unavailable backends and the first failures underneath. Backends whose
// package is not installed get no column: they are named once, in a footnote.

import { OP_NAMES } from '../ops/index.js';
import type { BackendReport } from './runner.js';

/** One row per op, then the backend-wide cases. */
export const MATRIX_ROWS = [...OP_NAMES, 'tensors', 'memory', 'lifetime'] as const;

export interface MatrixOptions {
  /** How many failure messages to list per backend (default 10). */
  maxFailures?: number;
}

function cell(report: BackendReport, op: string): string {
  if (!report.available) return 'unavailable';
  const cases = report.cases.filter((c) => c.op === op);
  if (cases.length === 0) return '-';
  const failed = cases.filter((c) => !c.pass).length;
  const ulp = Math.max(0, ...cases.map((c) => c.maxUlp ?? 0));
  const ulpNote = op === 'elu' ? ` (≤${ulp} ulp)` : '';
  return failed === 0 ? `pass ${cases.length}${ulpNote}` : `FAIL ${failed}/${cases.length}`;
}

/** True when the backend's package could not be found (probeBackend's reason). */
export function isNotInstalled(report: BackendReport): boolean {
  return !report.available && / is not installed$/.test(report.reason ?? '');
}

/** The footnote naming every backend whose package is not installed ('' when none). */
export function notInstalledFootnote(reports: BackendReport[]): string {
  const missing = reports.filter(isNotInstalled).map((r) => r.name);
  if (missing.length === 0) return '';
  const pkgs = missing.map((n) => `@pointwise/backend-${n}`).join(' ');
  return `not installed (skipped): ${missing.join(', ')}; add ${pkgs} to test ${missing.length === 1 ? 'it' : 'them'}`;
}

export function formatMatrix(all: BackendReport[], options: MatrixOptions = {}): string {
  const reports = all.filter((r) => !isNotInstalled(r));
  const header = ['op', ...reports.map((r) => r.name)];
  const rows = MATRIX_ROWS.map((op) => [op, ...reports.map((r) => cell(r, op))]);
  const totals = [
    'total',
    ...reports.map((r) => (r.available ? `${r.passed}/${r.passed + r.failed}` : 'unavailable')),
  ];
  const table = [header, ...rows, totals];
  const widths = header.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((v, col) => v.padEnd(widths[col]!)).join('  ');
  const out = [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    widths.map((w) => '-'.repeat(w)).join('  '),
    line(totals),
  ];
  for (const r of reports) {
    if (!r.available) out.push('', `${r.name}: unavailable: ${r.reason}`);
    const failures = r.cases.filter((c) => !c.pass);
    if (failures.length) {
      out.push('', `${r.name}: ${failures.length} failing case(s):`);
      for (const f of failures.slice(0, options.maxFailures ?? 10))
        out.push(`  ✗ ${f.id}: ${f.message ?? ''}`);
      if (failures.length > (options.maxFailures ?? 10))
        out.push(`  … and ${failures.length - (options.maxFailures ?? 10)} more (use --json)`);
    }
  }
  const footnote = notInstalledFootnote(all);
  if (footnote) out.push('', footnote);
  return out.join('\n');
}
