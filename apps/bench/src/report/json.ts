// JSON rendering of a report: the report itself plus the summarized rows (best
// peer, ratios), stable keys so other tools can diff runs.

import { type BenchReport, summarize } from './model.js';

export function renderJson(report: BenchReport): string {
  return `${JSON.stringify({ ...report, summary: summarize(report) }, null, 2)}\n`;
}
