// The report every output is rendered from (terminal table, JSON, markdown, SVG):
// run metadata (machine, CPU, last-level cache), all rows, overhead and the targets
// that could not run. `summarize` adds, per Pointwise row, the best peer at the same
// case and size, and for a threaded row (`wasm-simd x2`) its ratio to one thread.

import os from 'node:os';
import type { BenchArgs } from '../args.js';
import { type CacheLevel, cpuInfo, formatBytes, llcLabel } from '../machine.js';
import type { Overhead, Row, Skip } from '../protocol.js';
import { formatSize, type Residency, residency } from '../sizes.js';
import { best, ratio } from '../stats.js';

export const REPORT_SCHEMA = 'pointwise-bench/2';

export interface MachineReport {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  /** The last-level cache (highest data/unified level of cpu0); null: unknown. */
  llc: CacheLevel | null;
  /** Every cache level cpu0 reports (Linux sysfs); [] when unknown. */
  caches: CacheLevel[];
  totalMemoryBytes: number;
  loadavg: number[];
}

export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  startedAt: string;
  machine: MachineReport;
  /** Each size of the run against the LLC: cache-resident, at its edge, DRAM-resident. */
  sizes: { size: number; tensorBytes: number; residency: Residency }[];
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
  /**
   * The same, each read against its own copy: this row's x copy over the best peer's x
   * copy (both copies timed interleaved with their op), so a change in the machine's
   * memory bandwidth between the two targets' turns cancels; null where either has none.
   */
  ratioToBestPeerByCopy: number | null;
  /** `X xN` rows: GB/s over target X's at the same case and size; null otherwise. */
  ratioToOneThread: number | null;
}

export function machineInfo(sysfsCacheDir?: string): MachineReport {
  const cpu = cpuInfo(sysfsCacheDir);
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpu.cpus,
    cpuModel: cpu.cpuModel,
    llc: cpu.llc,
    caches: cpu.caches,
    totalMemoryBytes: os.totalmem(),
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function sizesOf(sizes: readonly number[], llc: CacheLevel | null): BenchReport['sizes'] {
  return sizes.map((size) => ({
    size,
    tensorBytes: 4 * size,
    residency: residency(size, llc?.bytes ?? null),
  }));
}

/** The lines above every report: machine, CPU and LLC, sizes and what they are, notes. */
export function headerLines(
  report: Pick<BenchReport, 'startedAt' | 'machine' | 'sizes' | 'args'>,
): string[] {
  const m = report.machine;
  return [
    `Pointwise bench · ${report.startedAt} · Node ${m.node} · ${m.platform}/${m.arch} · ${m.cpus} × ${m.cpuModel} · ${llcLabel(m.llc)} · ${formatBytes(m.totalMemoryBytes)} RAM · load ${m.loadavg.join(' ')}`,
    `sizes ${report.sizes.map((s) => `${formatSize(s.size)} (${s.residency})`).join(', ')} · ${report.args.samples} samples (median) of >= ${report.args.minSampleMs} ms`,
    ...report.args.notes,
  ];
}

/** `wasm-simd x2` or `wasm-simd auto` -> `wasm-simd`; null for a target without a thread count. */
export function oneThreadTarget(target: string): string | null {
  return /^(.+) (x\d+|auto)$/.exec(target)?.[1] ?? null;
}

export function summarize(report: Pick<BenchReport, 'rows' | 'overhead'>): SummaryRow[] {
  return report.rows.map((row) => {
    const peers = report.rows.filter(
      (r) => r.kind === 'peer' && r.caseId === row.caseId && r.size === row.size,
    );
    const top = best(peers.map((p) => p.gbps));
    const topPeer = peers.find((p) => p.gbps === top) ?? null;
    const over = report.overhead.find((o) => o.target === row.target && o.caseId === row.caseId);
    const base = oneThreadTarget(row.target);
    const single = base
      ? report.rows.find((r) => r.target === base && r.caseId === row.caseId && r.size === row.size)
      : undefined;
    return {
      ...row,
      microsPerCall: over?.microsPerCall ?? null,
      bestPeer: topPeer?.target ?? null,
      bestPeerGbps: top,
      ratioToBestPeer: row.kind === 'backend' ? ratio(row.gbps, top) : null,
      ratioToBestPeerByCopy:
        row.kind === 'backend' && row.ratioToCopy != null && topPeer?.ratioToCopy != null
          ? ratio(row.ratioToCopy, topPeer.ratioToCopy)
          : null,
      ratioToOneThread: single ? ratio(row.gbps, single.gbps) : null,
    };
  });
}

export { formatSize };

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
  'copies GB/s',
  'us/call@64',
  'best peer',
  'vs peer',
  'vs peer by copy',
  'vs 1 thread',
  'note',
];

/** Columns right-aligned in the table (the numbers). */
export const NUMERIC = new Set([
  'GB/s',
  'x copy',
  'copy GB/s',
  'us/call@64',
  'vs peer',
  'vs peer by copy',
  'vs 1 thread',
]);

/**
 * Every copy of the row with its own GB/s, the fastest (the ceiling `x copy` is read
 * against) marked `*`: `set 22.10 · memory.copy 23.05 · simd 25.31*`; `-` with none.
 */
export function copiesCell(s: Pick<Row, 'copies' | 'copyName'>): string {
  if (!s.copies || s.copies.length === 0) return '-';
  return s.copies
    .map((c) => `${c.name} ${fixed(c.gbps, 2)}${c.name === s.copyName ? '*' : ''}`)
    .join(' · ');
}

export function tableCells(s: SummaryRow): string[] {
  return [
    s.caseId,
    formatSize(s.size),
    s.target,
    fixed(s.gbps, 2),
    fixed(s.ratioToCopy, 2),
    fixed(s.copyGbps, 2),
    copiesCell(s),
    fixed(s.microsPerCall, 1),
    s.bestPeer ? `${s.bestPeer} ${fixed(s.bestPeerGbps, 2)}` : '-',
    s.kind === 'backend' ? fixed(s.ratioToBestPeer, 2) : '-',
    s.kind === 'backend' && s.bestPeer ? fixed(s.ratioToBestPeerByCopy, 2) : '-',
    oneThreadTarget(s.target) ? fixed(s.ratioToOneThread, 2) : '-',
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
