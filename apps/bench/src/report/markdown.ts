// Markdown rendering of a report: a short header with the machine (CPU, last-level
// cache), the sizes and flags, the results table, and the unavailable/skipped lists
// (for READMEs and PR comments).

import {
  type BenchReport,
  HEADERS,
  headerLines,
  NUMERIC,
  splitUnavailable,
  summarize,
  tableCells,
} from './model.js';

const escapePipes = (cell: string): string => cell.replace(/\|/g, '\\|');

export function renderMarkdown(report: BenchReport): string {
  const [machine, ...rest] = headerLines(report);
  const lines = [
    '# Pointwise bench',
    '',
    machine.replace(/^Pointwise bench · /, ''),
    '',
    ...rest.flatMap((l) => [l, '']),
    'GB/s counts the bytes each op must move; "x copy" is the ratio to the fastest copy of the same bytes on the same target, same run (`dst.set(src)`, wasm `memory.copy` and a SIMD loop on CPU targets), "copy GB/s" that copy\'s own speed and "copies GB/s" each copy\'s, the fastest marked *; "vs peer" is GB/s over the best peer\'s GB/s, "vs peer by copy" the row\'s x copy over that peer\'s x copy (each copy timed beside its own op, so a drift of the machine\'s bandwidth between the two targets\' turns cancels); "vs 1 thread" is a threaded row\'s GB/s over the single-thread row of the same case and size.',
    '',
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map((h) => (NUMERIC.has(h) ? '---:' : '---')).join(' | ')} |`,
    ...summarize(report).map((s) => `| ${tableCells(s).map(escapePipes).join(' | ')} |`),
  ];
  const { notInstalled, unavailable } = splitUnavailable(report);
  if (unavailable.length > 0) {
    lines.push('', 'Unavailable:', '');
    for (const u of unavailable) lines.push(`- ${u.target}: ${u.reason}`);
  }
  if (notInstalled.length > 0)
    lines.push('', `Not installed (skipped): ${notInstalled.join(', ')}.`);
  if (report.skipped.length > 0) {
    lines.push('', 'Skipped:', '');
    for (const s of report.skipped) lines.push(`- ${s.target} ${s.caseId}: ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
