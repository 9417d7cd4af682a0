// Sizes measured against the machine's last-level cache (docs/DECISIONS.md #121):
// which sizes of a run are cache-resident, at the LLC's edge or DRAM-resident, the
// DRAM-resident size `--full` adds (the smallest power of two whose one float32
// tensor is at least the LLC), and whether it fits in memory.

import { formatBytes } from './machine.js';

/** `2^20` for powers of two, the plain number otherwise. */
export function formatSize(size: number): string {
  const log = Math.log2(size);
  return Number.isInteger(log) ? `2^${log}` : String(size);
}

/** The cache-resident size every full run has (256 KiB per tensor). */
export const CACHE_SIZE = 2 ** 16;
/** The largest size parseSize accepts: backward's 3 tensors of 1 GiB fit one wasm32 memory. */
export const MAX_SIZE = 2 ** 28;
/** DRAM size when the LLC is unknown: 512 MiB per tensor, above any one cache domain today. */
export const UNKNOWN_LLC_DRAM_SIZE = 2 ** 27;
/**
 * Peak bytes per element one target process may hold (host inputs 8, tensors x, dy,
 * dx 12, mask 1, the copy baseline's two buffers 12, tf.grad's intermediates): 48.
 */
export const PEAK_BYTES_PER_ELEMENT = 48;
/** Of those, the copy baseline's: a process measuring targets together holds them once. */
const COPY_BYTES_PER_ELEMENT = 12;
/** A size is run only when its peak is at most this share of os.totalmem(). */
export const MEMORY_SHARE = 0.5;
/** The most bytes one call moves per element (backward: dy, x read, dx written). */
const HEAVIEST_CALL_BYTES = 12;

export type Residency = 'cache' | 'LLC edge' | 'DRAM' | 'unknown';

/**
 * cache: the heaviest call and its interleaved copy (2 x 12 B per element) fit in half
 * the LLC; DRAM: one float32 tensor is at least the LLC (so a forward call streams 2x
 * the LLC, a backward 3x, an op+copy pair 4x to 6x); in between: the LLC's edge.
 */
export function residency(size: number, llcBytes: number | null): Residency {
  if (llcBytes === null) return 'unknown';
  if (4 * size >= llcBytes) return 'DRAM';
  if (2 * HEAVIEST_CALL_BYTES * size <= llcBytes / 2) return 'cache';
  return 'LLC edge';
}

/** The smallest power of two n with 4n >= LLC bytes, at most MAX_SIZE. */
export function dramSize(llcBytes: number | null): number {
  if (llcBytes === null) return UNKNOWN_LLC_DRAM_SIZE;
  let n = 2 ** 16;
  while (4 * n < llcBytes && n < MAX_SIZE) n *= 2;
  return n;
}

export function peakBytes(size: number, targets = 1): number {
  const perTarget = PEAK_BYTES_PER_ELEMENT - COPY_BYTES_PER_ELEMENT;
  return (COPY_BYTES_PER_ELEMENT + perTarget * targets) * size;
}

/** Whether `targets` measured together in one process fit at `size` (one: the size runs at all). */
export function fitsMemory(size: number, totalBytes: number, targets = 1): boolean {
  return peakBytes(size, targets) <= MEMORY_SHARE * totalBytes;
}

export interface SizePlan {
  sizes: number[];
  /** Why a size the preset wanted is not run, or how it was chosen. */
  notes: string[];
}

/**
 * `--full`: the preset sizes, plus the DRAM-resident size from the LLC when it fits in
 * memory (said in a note either way).
 */
export function fullSizes(
  preset: readonly number[],
  llcBytes: number | null,
  totalBytes: number,
): SizePlan {
  const dram = dramSize(llcBytes);
  const sizes = new Set(preset);
  const notes: string[] = [];
  const why =
    llcBytes === null
      ? `LLC unknown, so ${formatSize(dram)} (${formatBytes(4 * dram)} per tensor)`
      : 4 * dram >= llcBytes
        ? `${formatSize(dram)}: ${formatBytes(4 * dram)} per tensor >= LLC ${formatBytes(llcBytes)}`
        : `${formatSize(dram)} (capped: ${formatBytes(4 * dram)} per tensor < LLC ${formatBytes(llcBytes)}, so not DRAM-resident)`;
  if (fitsMemory(dram, totalBytes)) {
    sizes.add(dram);
    notes.push(`DRAM-resident size ${why}`);
  } else {
    notes.push(
      `DRAM-resident size ${why} skipped: needs about ${formatBytes(peakBytes(dram))}, more than ${MEMORY_SHARE * 100}% of this machine's ${formatBytes(totalBytes)}`,
    );
  }
  return { sizes: [...sizes].sort((a, b) => a - b), notes };
}
