// Sizes against the last-level cache: the DRAM-resident size `--full` adds, the
// residency label of each size, the memory check, and the quick run's one peer.

import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { tasksFor } from '../src/cli.js';
import { dramSize, fitsMemory, fullSizes, peakBytes, residency } from '../src/sizes.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const here = () => ({ llcBytes: 480 * MiB, totalMemoryBytes: 23 * GiB });

describe('DRAM-resident size', () => {
  it('is the smallest power of two whose one float32 tensor is at least the LLC', () => {
    expect(dramSize(480 * MiB)).toBe(2 ** 27); // 512 MiB per tensor, as issue 12 says here
    expect(dramSize(512 * MiB)).toBe(2 ** 27);
    expect(dramSize(513 * MiB)).toBe(2 ** 28);
    expect(dramSize(32 * MiB)).toBe(2 ** 23);
    expect(dramSize(96 * MiB)).toBe(2 ** 25);
    expect(dramSize(8 * MiB)).toBe(2 ** 21);
  });

  it('is capped at 2^28 (one wasm32 memory) and 2^27 when the LLC is unknown', () => {
    expect(dramSize(4 * GiB)).toBe(2 ** 28);
    expect(dramSize(null)).toBe(2 ** 27);
  });

  it('labels each size against the LLC', () => {
    expect(residency(2 ** 16, 480 * MiB)).toBe('cache');
    expect(residency(2 ** 20, 480 * MiB)).toBe('cache');
    // 2^24: a backward and its copy move 384 MiB, near the 480 MiB L3
    expect(residency(2 ** 24, 480 * MiB)).toBe('LLC edge');
    expect(residency(2 ** 27, 480 * MiB)).toBe('DRAM');
    expect(residency(2 ** 24, 32 * MiB)).toBe('DRAM');
    expect(residency(2 ** 16, null)).toBe('unknown');
  });

  it('is run only when its peak memory fits in half the machine', () => {
    expect(fitsMemory(2 ** 27, 23 * GiB)).toBe(true);
    expect(fitsMemory(2 ** 27, 8 * GiB)).toBe(false);
    // four targets in one process share the copy baseline's 12 B, not the rest
    expect(peakBytes(2 ** 20, 4)).toBe((12 + 4 * 36) * 2 ** 20);
    expect(fitsMemory(2 ** 27, 23 * GiB, 4)).toBe(false);
    expect(fitsMemory(2 ** 26, 23 * GiB, 4)).toBe(true);
    const kept = fullSizes([2 ** 16, 2 ** 20, 2 ** 24], 480 * MiB, 23 * GiB);
    expect(kept.sizes).toEqual([2 ** 16, 2 ** 20, 2 ** 24, 2 ** 27]);
    expect(kept.notes).toEqual(['DRAM-resident size 2^27: 512 MiB per tensor >= LLC 480 MiB']);
    const skipped = fullSizes([2 ** 16, 2 ** 20, 2 ** 24], 480 * MiB, 8 * GiB);
    expect(skipped.sizes).toEqual([2 ** 16, 2 ** 20, 2 ** 24]);
    expect(skipped.notes[0]).toMatch(
      /^DRAM-resident size 2\^27: .* skipped: needs about 6 GiB, more than 50% of this machine's 8 GiB$/,
    );
  });

  it('says when the cap keeps the size below the LLC, and merges a size already there', () => {
    const capped = fullSizes([2 ** 16], 2 * GiB, 64 * GiB);
    expect(capped.sizes).toEqual([2 ** 16, 2 ** 28]);
    expect(capped.notes[0]).toContain('capped');
    expect(fullSizes([2 ** 16, 2 ** 24], 32 * MiB, 8 * GiB).sizes).toEqual([
      2 ** 16,
      2 ** 23,
      2 ** 24,
    ]);
  });
});

describe('presets', () => {
  it('--full adds the DRAM-resident size; explicit --sizes are kept as given', () => {
    const full = parseArgs(['--full'], here);
    expect(full.sizes).toEqual([2 ** 16, 2 ** 20, 2 ** 24, 2 ** 27]);
    expect(full.notes).toHaveLength(1);
    expect(full.defaultPeer).toBeNull();
    const chosen = parseArgs(['--full', '--sizes', '2^16'], here);
    expect(chosen.sizes).toEqual([2 ** 16]);
    expect(chosen.notes).toEqual([]);
  });

  it('the quick run adds tfjs-wasm at its largest size only', () => {
    const quick = parseArgs([], here);
    expect(quick.sizes).toEqual([2 ** 16, 2 ** 20]);
    expect(quick.peers).toEqual([]);
    expect(quick.defaultPeer).toEqual({ target: 'tfjs-wasm', size: 2 ** 20 });
    const tasks = tasksFor(quick);
    const peers = tasks.filter((t) => t.kind === 'peer');
    expect(peers.map((t) => [t.name, t.sizes])).toEqual([['tfjs-wasm', [2 ** 20]]]);
    // backends run every size
    expect(tasks.filter((t) => t.kind === 'backend').every((t) => t.sizes.length === 2)).toBe(true);
    expect(parseArgs(['--sizes', '2^12,2^18']).defaultPeer?.size).toBe(2 ** 18);
  });

  it('explicit --peers run at every size; --peers none runs none', () => {
    const explicit = parseArgs(['--backends', 'js', '--peers', 'tfjs']);
    expect(explicit.defaultPeer).toBeNull();
    expect(tasksFor(explicit).map((t) => [t.name, t.sizes.length])).toEqual([
      ['js', 2],
      ['tfjs-cpu', 2],
      ['tfjs-wasm', 2],
    ]);
    const none = parseArgs(['--backends', 'js', '--peers', 'none']);
    expect(none.peers).toEqual([]);
    expect(none.defaultPeer).toBeNull();
    expect(tasksFor(none).map((t) => t.name)).toEqual(['js']);
    expect(() => parseArgs(['--peers', 'none,tfjs'])).toThrow(/--peers/);
  });

  it('--peers tfjs-wasm (or tfjs-cpu) runs that one tfjs target, once even if named twice', () => {
    const one = parseArgs(['--backends', 'js', '--peers', 'tfjs-wasm']);
    expect(tasksFor(one).map((t) => t.name)).toEqual(['js', 'tfjs-wasm']);
    const twice = parseArgs(['--backends', 'js', '--peers', 'tfjs,tfjs-cpu']);
    expect(tasksFor(twice).map((t) => t.name)).toEqual(['js', 'tfjs-cpu', 'tfjs-wasm']);
  });
});
