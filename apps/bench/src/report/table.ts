// The readable table printed at the end of a run (fixed-width, plain text) under the
// header (machine, CPU, last-level cache, sizes), plus the lists of unavailable
// targets and skipped cases so nothing disappears silently. Backends whose package
// is not installed are named once, in a footnote line.

import {
  type BenchReport,
  HEADERS,
  headerLines,
  NUMERIC,
  splitUnavailable,
  summarize,
  tableCells,
} from './model.js';

export function renderTable(report: BenchReport): string {
  const body = summarize(report).map(tableCells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (NUMERIC.has(HEADERS[i]) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [
    ...headerLines(report),
    '',
    line(HEADERS),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
  ];
  const { notInstalled, unavailable } = splitUnavailable(report);
  for (const u of unavailable) out.push(`unavailable: ${u.target}: ${u.reason}`);
  for (const s of report.skipped) out.push(`skipped: ${s.target} ${s.caseId}: ${s.reason}`);
  if (notInstalled.length > 0) out.push(`not installed (skipped): ${notInstalled.join(', ')}`);
  return out.join('\n');
}
