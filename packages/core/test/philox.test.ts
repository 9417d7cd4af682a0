// Philox4x32-10 known answers from SPEC section 2 (PyTorch's engine), and the
// dropout draw rule built on it.
import { describe, expect, it } from 'vitest';
import {
  dropoutKeepMask,
  dropoutThreshold,
  makeDropoutDraw,
  mulhi32,
  philox4x32,
  splitU64,
} from '../src/philox.js';

const hex = (words: Uint32Array) =>
  [...words].map((w) => w.toString(16).padStart(8, '0')).join(' ');

describe('philox4x32-10', () => {
  it.each([
    [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      '408f276d 41c83b0e a20bc7c6 6d5451fd',
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      'd16cfe09 94fdcceb 5001e420 24126ea1',
    ],
  ])('counter %j key %j', (counter, key, expected) => {
    expect(
      hex(philox4x32(counter[0]!, counter[1]!, counter[2]!, counter[3]!, key[0]!, key[1]!)),
    ).toBe(expected);
  });

  it('mulhi32 matches BigInt arithmetic', () => {
    const samples = [
      0, 1, 0xffff, 0x10000, 0xd2511f53, 0xcd9e8d57, 0xffffffff, 0x80000000, 0x12345678,
    ];
    for (const a of samples) {
      for (const b of samples) {
        expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
      }
    }
  });
});

describe('dropout draw', () => {
  it('threshold is round(ratio * 2^24)', () => {
    expect(dropoutThreshold(0)).toBe(0);
    expect(dropoutThreshold(1)).toBe(16777216);
    expect(dropoutThreshold(0.5)).toBe(8388608);
    expect(dropoutThreshold(1 / 3)).toBe(5592405);
  });

  it('element i uses word i mod 4 of block floor(i/4) with the stream in the high counter words', () => {
    const draw = makeDropoutDraw(0.5, 0x1234_5678_9abc_def0n, 7n);
    const mask = dropoutKeepMask(draw, new Uint8Array(12));
    for (let i = 0; i < 12; i++) {
      const words = philox4x32(Math.floor(i / 4), 0, 7, 0, 0x9abcdef0, 0x12345678);
      expect(mask[i]).toBe(words[i % 4]! >>> 8 < 8388608 ? 0 : 1);
    }
  });

  it('a window starting mid-tensor equals the same slice of the whole mask', () => {
    const draw = makeDropoutDraw(0.3, 99n, 3n);
    const whole = dropoutKeepMask(draw, new Uint8Array(103));
    const window = dropoutKeepMask(draw, new Uint8Array(50), 41);
    expect([...window]).toEqual([...whole.subarray(41, 91)]);
  });

  it('splits numbers and bigints into the same 32-bit halves, whatever was split before', () => {
    for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 0x1_2345_6789, 2 ** 53 - 1]) {
      const fromNumber = splitU64(v);
      const fromBigint = splitU64(BigInt(v));
      expect(fromNumber).toEqual(fromBigint);
      expect(fromNumber.hi * 2 ** 32 + fromNumber.lo).toBe(v);
    }
    expect(splitU64(0xffff_ffff_0000_0001n)).toEqual({ lo: 1, hi: 0xffffffff });
    expect(splitU64(0x0000_0001_ffff_ffffn)).toEqual({ lo: 0xffffffff, hi: 1 });
    expect(splitU64(0xffff_ffff_0000_0001n)).toEqual({ lo: 1, hi: 0xffffffff });
  });
});
