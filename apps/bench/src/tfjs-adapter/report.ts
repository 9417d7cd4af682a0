// Markdown for the tfjs-adapter target: one row per case and size, one column per tfjs
// backend and installer (ratio tfjs / adapter; > 1: the adapter is faster), then the
// machine, the command and the wall time.

import type { AdapterRow } from './measure.js';

function sizeLabel(n: number): string {
  const log = Math.log2(n);
  return Number.isInteger(log) ? `2^${log}` : String(n);
}

export function renderAdapterMarkdown(
  rows: readonly AdapterRow[],
  meta: { cpu: string; command: string; seconds: number },
): string {
  const columns = [...new Set(rows.map((r) => `${r.backend} ${r.variant}`))];
  const keys = [
    ...new Set(
      rows.map((r) =>
        r.case === 'training step' ? 'training step (batch 256)' : `${r.case} ${sizeLabel(r.size)}`,
      ),
    ),
  ];
  const keyOf = (r: AdapterRow) =>
    r.case === 'training step' ? 'training step (batch 256)' : `${r.case} ${sizeLabel(r.size)}`;
  const lines = [
    `| case | ${columns.join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`,
  ];
  for (const key of keys) {
    const cells = columns.map((col) => {
      const r = rows.find((x) => keyOf(x) === key && `${x.backend} ${x.variant}` === col);
      return r
        ? `${r.ratio.toFixed(2)} (${r.tfjsMs.toPrecision(3)} / ${r.adapterMs.toPrecision(3)} ms)`
        : '-';
    });
    lines.push(`| ${key} | ${cells.join(' | ')} |`);
  }
  return [
    `tfjs-adapter: ratio = tfjs ms / tfjs-with-Pointwise ms (> 1: Pointwise faster), medians, one run`,
    `machine: ${meta.cpu}; command: ${meta.command}; ${meta.seconds.toFixed(0)} s`,
    '',
    ...lines,
    '',
  ].join('\n');
}
