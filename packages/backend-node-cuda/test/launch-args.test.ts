// Launch arguments against the PTX: every `.entry` of every module has a row in KERNELS
// with the same parameter count, order and types (ptr and u64 are .u64), the block size
// matches, and packArgs writes each argument into its own 8-byte little-endian slot.
import { describe, expect, it } from 'vitest';
import { KERNELS, type KernelName, packArgs, SLOT, THREADS } from '../src/kernels-table.js';
import { PTX } from '../src/ptx.generated.js';

interface Entry {
  module: string;
  params: string[];
  maxntid: number | null;
}

function parseEntries(): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const [module, text] of Object.entries(PTX)) {
    const re = /\.visible \.entry (\w+)\(([^)]*)\)\s*(?:\.maxntid (\d+), 1, 1)?/g;
    for (const m of text.matchAll(re)) {
      const params = [...m[2]!.matchAll(/\.param \.(\w+) (\w+)/g)].map((p, i) => {
        expect(p[2]).toBe(`${m[1]}_param_${i}`);
        return p[1]!;
      });
      entries.set(m[1]!, { module, params, maxntid: m[3] ? Number(m[3]) : null });
    }
  }
  return entries;
}

const PTX_TYPE = { ptr: 'u64', u64: 'u64', u32: 'u32', f32: 'f32' } as const;

describe('kernel parameters', () => {
  const entries = parseEntries();
  it('every .entry in the PTX is a kernel of the table and vice versa', () => {
    expect([...entries.keys()].sort()).toEqual(Object.keys(KERNELS).sort());
  });
  for (const [name, spec] of Object.entries(KERNELS)) {
    it(`${name}: module, parameter types, order and count match its .entry`, () => {
      const entry = entries.get(name);
      expect(entry, `${name} missing from the PTX`).toBeDefined();
      expect(entry!.module).toBe(spec.module);
      expect(entry!.params).toEqual(spec.params.map((p) => PTX_TYPE[p]));
      expect(entry!.maxntid).toBe(THREADS);
    });
  }

  it('packs each argument into its own little-endian 8-byte slot, with its PTX type', () => {
    for (const [name, spec] of Object.entries(KERNELS)) {
      const values = spec.params.map((p, i) =>
        p === 'f32' ? 1.5 + i : p === 'u32' ? 0xfffffff0 + i : (1n << 40n) + BigInt(i),
      );
      const view = new DataView(new ArrayBuffer(32 * SLOT));
      new Uint8Array(view.buffer).fill(0xee);
      expect(packArgs(name as KernelName, values, view)).toBe(spec.params.length);
      spec.params.forEach((p, i) => {
        const at = i * SLOT;
        if (p === 'f32') expect(view.getFloat32(at, true)).toBe(values[i]);
        else if (p === 'u32') expect(view.getUint32(at, true)).toBe(values[i]);
        else expect(view.getBigUint64(at, true)).toBe(values[i]);
        if (p !== 'ptr' && p !== 'u64') expect(view.getUint32(at + 4, true)).toBe(0);
      });
      // nothing written past the last slot
      expect(view.getUint8(spec.params.length * SLOT)).toBe(0xee);
    }
  });

  it('refuses a wrong argument count, a non-integer size and an out-of-range uint32', () => {
    const view = new DataView(new ArrayBuffer(32 * SLOT));
    expect(() => packArgs('pw_relu_forward', [0n, 0n], view)).toThrow(/2 arguments for 3/);
    expect(() => packArgs('pw_relu_forward', [0n, 0n, 1.5], view)).toThrow(/not an integer/);
    expect(() => packArgs('pw_elu_backward', [0n, 0n, 0n, 1, 1, 2 ** 32], view)).toThrow(
      /not a uint32/,
    );
    expect(() => packArgs('pw_relu_forward', [-1n, 0n, 1], view)).toThrow(/not a uint64/);
  });
});
