// The report every output is rendered from (terminal table, JSON, markdown, SVG):
// run metadata, all rows, overhead and the targets that could not run. `summarize`
// adds, per Pointwise row, the best peer at the same case and size.

import os from 'node:os';
import type { BenchArgs } from '../args.js';
import type { Overhead, Row, Skip } from '../protocol.js';
import { best, ratio } from '../stats.js';

export const REPORT_SCHEMA = 'pointwise-bench/1';

export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  startedAt: string;
  machine: {
    node: string;
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    loadavg: number[];
  };
  args: Omit<BenchArgs, 'help'>;
  rows: Row[];
  overhead: Overhead[];
  skipped: Skip[];
  unavailable: { target: string; reason: string }[];
}

export interface SummaryRow extends Row {
  /** Microseconds per call at 64 elements for this target and case. */
  microsPerCall: number | null;
  bestPeer: string | null;
  bestPeerGbps: number | null;
  /** This backend's GB/s over the best peer's, null for peer rows or when no peer ran. */
  ratioToBestPeer: number | null;
}

export function machineInfo(): BenchReport['machine'] {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function summarize(report: Pick<BenchReport, 'rows' | 'overhead'>): SummaryRow[] {
  return report.rows.map((row) => {
    const peers = report.rows.filter(
      (r) => r.kind === 'peer' && r.caseId === row.caseId && r.size === row.size,
    );
    const top = best(peers.map((p) => p.gbps));
    const topPeer = peers.find((p) => p.gbps === top) ?? null;
    const over = report.overhead.find((o) => o.target === row.target && o.caseId === row.caseId);
    return {
      ...row,
      microsPerCall: over?.microsPerCall ?? null,
      bestPeer: topPeer?.target ?? null,
      bestPeerGbps: top,
      ratioToBestPeer: row.kind === 'backend' ? ratio(row.gbps, top) : null,
    };
  });
}

/** `2^20` for powers of two, the plain number otherwise. */
export function formatSize(size: number): string {
  const log = Math.log2(size);
  return Number.isInteger(log) ? `2^${log}` : String(size);
}

export function fixed(value: number | null | undefined, digits: number): string {
  return value == null || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits);
}

export const HEADERS = [
  'case',
  'size',
  'target',
  'GB/s',
  'x copy',
  'copy GB/s',
  'us/call@64',
  'best peer',
  'vs peer',
  'note',
];

export function tableCells(s: SummaryRow): string[] {
  return [
    s.caseId,
    formatSize(s.size),
    s.target,
    fixed(s.gbps, 2),
    fixed(s.ratioToCopy, 2),
    fixed(s.copyGbps, 2),
    fixed(s.microsPerCall, 1),
    s.bestPeer ? `${s.bestPeer} ${fixed(s.bestPeerGbps, 2)}` : '-',
    s.kind === 'backend' ? fixed(s.ratioToBestPeer, 2) : '-',
    s.note ?? '',
  ];
}

/**
 * Backends whose package is not installed (named once, in a footnote) apart from the
 * targets that are installed but cannot run here (listed with their reason).
 */
export function splitUnavailable(report: Pick<BenchReport, 'unavailable'>): {
  notInstalled: string[];
  unavailable: BenchReport['unavailable'];
} {
  const missing = (u: { reason: string }) => / is not installed$/.test(u.reason);
  return {
    notInstalled: report.unavailable.filter(missing).map((u) => u.target),
    unavailable: report.unavailable.filter((u) => !missing(u)),
  };
}
