// Formats exhaustive reports: an op × backend table of "D of N differ" (elu with its
// worst ulp), then, per backend, every task with differences and its first differing
// inputs as hex with expected and got. And the JSON form for --json.

import type { ExhaustiveReport, TaskResult } from './run.js';

const count = (n: number) => n.toLocaleString('en-US');

function cell(report: ExhaustiveReport, op: string): string {
  if (!report.available) return 'unavailable';
  const tasks = report.tasks.filter((t) => t.op === op);
  if (tasks.length === 0) return '-';
  const checked = tasks.reduce((s, t) => s + t.checked, 0);
  const differ = tasks.reduce((s, t) => s + t.differ, 0);
  const partial = tasks.some((t) => t.checked < t.total) ? ' (partial)' : '';
  const ulp = op === 'elu' ? ` (worst ${Math.max(0, ...tasks.map((t) => t.worstUlp))} ulp)` : '';
  return `${count(differ)} of ${count(checked)} differ${ulp}${partial}`;
}

function describeTask(t: TaskResult): string[] {
  const lines = [`  ✗ ${t.id}: ${count(t.differ)} of ${count(t.checked)} differ`];
  for (const d of t.first)
    lines.push(
      `      input ${d.input}${d.fixed ? ` (fixed ${d.fixed})` : ''}: expected ${d.expected}, got ${d.got}`,
    );
  return lines;
}

export function formatExhaustive(reports: ExhaustiveReport[]): string {
  const ops = [...new Set(reports.flatMap((r) => r.tasks.map((t) => t.op)))];
  const header = ['op', ...reports.map((r) => r.name)];
  const rows = ops.map((op) => [op, ...reports.map((r) => cell(r, op))]);
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row
      .map((v, c) => v.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  for (const r of reports) {
    if (!r.available) out.push('', `${r.name}: unavailable: ${r.reason}`);
    const bad = r.tasks.filter((t) => t.differ > 0);
    if (bad.length)
      out.push(
        '',
        `${r.name}: ${bad.length} sweep(s) with differences:`,
        ...bad.flatMap(describeTask),
      );
    if (r.interrupted) out.push('', `${r.name}: interrupted: the counts above cover what ran`);
  }
  return out.join('\n');
}

export function exhaustiveJson(reports: ExhaustiveReport[]): unknown {
  return {
    backends: reports.map((r) => ({
      name: r.name,
      available: r.available,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      interrupted: r.interrupted,
      differ: r.tasks.reduce((s, t) => s + t.differ, 0),
      tasks: r.tasks.map((t) => ({
        id: t.id,
        op: t.op,
        total: t.total,
        checked: t.checked,
        differ: t.differ,
        worstUlp: t.worstUlp,
        seconds: Math.round(t.seconds * 100) / 100,
        first: t.first,
      })),
    })),
  };
}
