// Node tests of the page's text helpers and pure logic: shortF32 (shortest decimal
// that reads back as the same float32), the URL hash round trip, the kink label
// placement (no overlaps) and the seeded two-moons data.
import { f32 } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import { codeFor, shortF32 } from '../src/format.js';
import { initialState } from '../src/state.js';
import { seededUniform, twoMoons } from '../src/training.js';
import { decodeState, encodeState } from '../src/urlState.js';
import { placeKinkLabels } from '../src/views/plot.js';

describe('shortF32', () => {
  it('writes float32 values shortly: 0.1, not 0.10000000149011612', () => {
    expect(String(f32(0.1))).toBe('0.10000000149011612');
    expect(shortF32(f32(0.1))).toBe('0.1');
    expect(shortF32(f32(-1.3))).toBe('-1.3');
    expect(shortF32(0)).toBe('0');
    expect(shortF32(-0)).toBe('-0');
  });

  it('round-trips to the same float32 and no shorter decimal does', () => {
    const u = seededUniform(5);
    for (let i = 0; i < 2000; i++) {
      const v = f32((u() - 0.5) * 10 ** Math.floor(u() * 20 - 10));
      const text = shortF32(v);
      expect(f32(Number(text))).toBe(v);
      const digits = text
        .replace(/^-/, '')
        .replace(/e.*$/, '')
        .replace('.', '')
        .replace(/^0+/, '')
        .replace(/0+$/, '').length;
      if (digits > 1) expect(f32(Number(v.toPrecision(digits - 1)))).not.toBe(v);
    }
  });
});

describe('codeFor', () => {
  it('writes the call with the params object, none when empty', () => {
    expect(codeFor('relu', {})).toBe('pw.relu(x)');
    expect(codeFor('elu', { alpha: 0.5 })).toBe('pw.elu(x, { alpha: 0.5 })');
  });
});

describe('URL state', () => {
  it('round-trips op, backend, params, range and compared ops', () => {
    const s = initialState();
    s.op = 'thresholdedRelu';
    s.backend = 'wasm-simd';
    s.params.alpha = 0.7;
    s.params.seed = 99;
    s.range = { min: -2, max: 3.5 };
    s.compare = ['elu', 'relu'];
    expect(decodeState(encodeState(s), initialState())).toEqual(s);
  });

  it('ignores malformed entries', () => {
    const s = decodeState('#op=nope&alpha=x&min=1', initialState());
    expect(s).toEqual(initialState());
  });
});

describe('placeKinkLabels', () => {
  it('puts labels that would overlap on separate rows', () => {
    const labels = placeKinkLabels(
      [
        { text: 'a', x: 100, width: 60 },
        { text: 'b', x: 110, width: 60 },
        { text: 'c', x: 300, width: 60 },
      ],
      10,
      15,
    );
    for (const a of labels)
      for (const b of labels) {
        if (a === b) continue;
        const overlap =
          a.left < b.left + b.width &&
          b.left < a.left + a.width &&
          a.top < b.top + b.height &&
          b.top < a.top + a.height;
        expect(overlap, `${a.text} / ${b.text}`).toBe(false);
      }
    expect(labels.find((l) => l.text === 'c')!.top).toBe(10);
  });
});

describe('twoMoons', () => {
  it('is deterministic per seed with balanced labels', () => {
    const a = twoMoons(128, 3);
    expect(twoMoons(128, 3)).toEqual(a);
    expect(twoMoons(128, 4).x).not.toEqual(a.x);
    expect(a.label.reduce((s, v) => s + v, 0)).toBe(64);
  });
});
