// What the report says about the machine: CPU model and its caches. On Linux the
// caches come from sysfs (cpu0/cache/index*/{level,type,size,shared_cpu_list});
// elsewhere, or when sysfs cannot be read, the last-level cache is unknown. The
// sysfs directory is a parameter so tests can feed a fake one.

import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export const SYSFS_CACHE_DIR = '/sys/devices/system/cpu/cpu0/cache';

export interface CacheLevel {
  level: number;
  /** `Data`, `Instruction` or `Unified`. */
  type: string;
  bytes: number;
  /** CPUs sharing this cache (from shared_cpu_list), null when not given. */
  sharedCpus: number | null;
}

export interface CpuInfo {
  cpuModel: string;
  cpus: number;
  /** Every cache level cpu0 reports, in sysfs order; empty when unknown. */
  caches: CacheLevel[];
  /** The highest-level data or unified cache; null: unknown (no sysfs). */
  llc: CacheLevel | null;
}

/** sysfs cache sizes: `491520K`, `2048K`, `32M`, `1G` or plain bytes; null if unreadable. */
export function parseCacheSize(text: string): number | null {
  const m = /^\s*(\d+)\s*([KMG]?)i?B?\s*$/i.exec(text);
  if (!m) return null;
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K'];
  const bytes = Number(m[1]) * scale;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}

/** `0-1`, `0,2,4-7` -> the number of CPUs; null if unreadable. */
export function parseCpuList(text: string): number | null {
  let count = 0;
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return null;
    count += hi - lo + 1;
  }
  return count > 0 ? count : null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Every readable `index*` entry of a sysfs cache directory; [] if there is none. */
export function readCaches(dir: string = SYSFS_CACHE_DIR): CacheLevel[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((e) => /^index\d+$/.test(e));
  } catch {
    return [];
  }
  entries.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const caches: CacheLevel[] = [];
  for (const entry of entries) {
    const level = Number(readText(join(dir, entry, 'level')));
    const size = readText(join(dir, entry, 'size'));
    const bytes = size === null ? null : parseCacheSize(size);
    if (!Number.isInteger(level) || level < 1 || bytes === null) continue;
    const shared = readText(join(dir, entry, 'shared_cpu_list'));
    caches.push({
      level,
      type: readText(join(dir, entry, 'type')) ?? 'Unified',
      bytes,
      sharedCpus: shared === null ? null : parseCpuList(shared),
    });
  }
  return caches;
}

/** The highest level that holds data (instruction caches never hold tensors). */
export function lastLevelCache(caches: readonly CacheLevel[]): CacheLevel | null {
  let best: CacheLevel | null = null;
  for (const c of caches) {
    if (c.type === 'Instruction') continue;
    if (!best || c.level > best.level || (c.level === best.level && c.bytes > best.bytes)) best = c;
  }
  return best;
}

export function cpuInfo(dir: string = SYSFS_CACHE_DIR): CpuInfo {
  const cpus = os.cpus();
  const caches = process.platform === 'linux' ? readCaches(dir) : [];
  return {
    cpuModel: cpus[0]?.model?.trim() || 'unknown CPU',
    cpus: cpus.length,
    caches,
    llc: lastLevelCache(caches),
  };
}

/** `480 MiB`, `2 MiB`, `48 KiB`, `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `L3 480 MiB (shared by 2 CPUs)` or `LLC unknown`. */
export function llcLabel(llc: CacheLevel | null): string {
  if (!llc) return 'LLC unknown';
  const shared = llc.sharedCpus && llc.sharedCpus > 1 ? ` (shared by ${llc.sharedCpus} CPUs)` : '';
  return `L${llc.level} ${formatBytes(llc.bytes)}${shared}`;
}
