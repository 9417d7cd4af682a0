// The machine header's inputs: sysfs cache parsing (fed a fake sysfs directory),
// the last-level cache pick, the fallback when there is no sysfs, and the labels.

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cpuInfo,
  formatBytes,
  lastLevelCache,
  llcLabel,
  parseCacheSize,
  parseCpuList,
  readCaches,
} from '../src/machine.js';

type Entry = { level?: string; type?: string; size?: string; shared_cpu_list?: string };

async function fakeSysfs(entries: Record<string, Entry>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pw-sysfs-'));
  for (const [name, files] of Object.entries(entries)) {
    await mkdir(join(dir, name));
    for (const [file, text] of Object.entries(files))
      await writeFile(join(dir, name, file), `${text}\n`);
  }
  return dir;
}

// this machine's layout: 48K L1d, 64K L1i, 2 MiB L2, 480 MiB L3 shared by 2 CPUs
const XEON = {
  index0: { level: '1', type: 'Data', size: '48K', shared_cpu_list: '0' },
  index1: { level: '1', type: 'Instruction', size: '64K', shared_cpu_list: '0' },
  index2: { level: '2', type: 'Unified', size: '2048K', shared_cpu_list: '0' },
  index3: { level: '3', type: 'Unified', size: '491520K', shared_cpu_list: '0-1' },
};

describe('sysfs cache parsing', () => {
  it('reads sizes in K, M, G and plain bytes, and refuses anything else', () => {
    expect(parseCacheSize('491520K')).toBe(480 * 2 ** 20);
    expect(parseCacheSize('2048K')).toBe(2 * 2 ** 20);
    expect(parseCacheSize('32M')).toBe(32 * 2 ** 20);
    expect(parseCacheSize('1G')).toBe(2 ** 30);
    expect(parseCacheSize('32768')).toBe(32768);
    for (const bad of ['', 'K', '12X', '-4K', '0K', '1.5M']) expect(parseCacheSize(bad)).toBeNull();
  });

  it('counts CPUs in shared_cpu_list ranges', () => {
    expect(parseCpuList('0')).toBe(1);
    expect(parseCpuList('0-1')).toBe(2);
    expect(parseCpuList('0,2,4-7')).toBe(6);
    for (const bad of ['', 'a', '3-1', '0-']) expect(parseCpuList(bad)).toBeNull();
  });

  it('reads every index* entry in numeric order and picks L3 as the last level', async () => {
    const dir = await fakeSysfs({
      ...XEON,
      index10: { level: '4', type: 'Instruction', size: '8M' },
      power: {},
    });
    const caches = readCaches(dir);
    expect(caches.map((c) => `${c.level}${c.type[0]}`)).toEqual(['1D', '1I', '2U', '3U', '4I']);
    expect(caches[3]).toEqual({ level: 3, type: 'Unified', bytes: 480 * 2 ** 20, sharedCpus: 2 });
    // an instruction cache holds no tensors, whatever its level
    expect(lastLevelCache(caches)).toEqual(caches[3]);
  });

  it('skips entries without a readable level or size', async () => {
    const dir = await fakeSysfs({
      index0: { level: '1', type: 'Data', size: '32K' },
      index1: { level: '2', type: 'Unified' },
      index2: { level: 'x', type: 'Unified', size: '1M' },
    });
    const caches = readCaches(dir);
    expect(caches).toEqual([{ level: 1, type: 'Data', bytes: 32768, sharedCpus: null }]);
    expect(lastLevelCache(caches)?.bytes).toBe(32768);
  });

  it('falls back to os.cpus() and "LLC unknown" without sysfs', () => {
    const info = cpuInfo(join(tmpdir(), 'pw-no-such-sysfs'));
    expect(info.caches).toEqual([]);
    expect(info.llc).toBeNull();
    expect(info.cpuModel.length).toBeGreaterThan(0);
    expect(info.cpus).toBeGreaterThan(0);
    expect(llcLabel(info.llc)).toBe('LLC unknown');
    expect(lastLevelCache([])).toBeNull();
  });

  it.runIf(process.platform === 'linux')('cpuInfo reads a given sysfs directory', async () => {
    const info = cpuInfo(await fakeSysfs(XEON));
    expect(info.llc?.bytes).toBe(480 * 2 ** 20);
    expect(llcLabel(info.llc)).toBe('L3 480 MiB (shared by 2 CPUs)');
  });

  it('labels sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(48 * 1024)).toBe('48 KiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(llcLabel({ level: 2, type: 'Unified', bytes: 2 ** 20, sharedCpus: 1 })).toBe('L2 1 MiB');
  });
});
