// Node tests of the page's text helpers and pure logic: shortF32 (shortest decimal
// that reads back as the same float32), axis ticks, the URL hash (round trip, core's
// defaults, what is ignored), default ranges, the kink label placement (no overlaps)
// and the seeded two-moons data.
import { activations, f32 } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import { codeFor, compactNumber, shortF32, TICK_INCREMENTS, tickLabels } from '../src/format.js';
import {
  coreDefault,
  defaultRange,
  initialParams,
  initialState,
  OP_PARAMS,
  type PageOp,
} from '../src/state.js';
import { seededUniform, twoMoons } from '../src/training.js';
import { decodeState, encodeState, PAGE_OPS, readHash } from '../src/urlState.js';
import { axisUnit } from '../src/views/chartAxes.js';
import { placeKinkLabels } from '../src/views/chartMarks.js';

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

describe('URL defaults and ignored settings', () => {
  it('gives an op without its parameter in the hash core’s default for that op', () => {
    expect(readHash('#op=elu', initialState()).state.params.alpha).toBe(1);
    expect(readHash('#op=thresholdedRelu', initialState()).state.params.alpha).toBe(1);
    expect(readHash('#op=leakyRelu', initialState()).state.params.alpha).toBe(0.01);
    expect(readHash('#op=elu&alpha=0.3', initialState()).state.params.alpha).toBe(0.3);
    expect(readHash('#op=elu', initialState()).ignored).toEqual([]);
  });

  it('lists each ignored entry with the reason and keeps the defaults', () => {
    const { state, ignored } = readHash('#op=gelu&backend=nope&ceiling=-3', initialState());
    expect(state).toEqual(initialState());
    expect(ignored).toHaveLength(3);
    expect(ignored[0]).toMatch(
      /^op=gelu: not an op of this page \(relu, .*sparseDropoutWithReplacement\)/,
    );
    expect(ignored[1]).toMatch(
      /^backend=nope: not a backend of this page \(js, wasm-simd, webgpu\)/,
    );
    expect(ignored[2]).toMatch(/^ceiling=-3: .*PARAM_OUT_OF_RANGE.*ceiling.*; using 6$/);
    const more = readHash('#alpha=x&min=3&max=1&compare=relu,gelu&seed=-1&foo=2', initialState());
    expect(more.ignored.map((l) => l.split(':')[0])).toEqual([
      'foo=2',
      'alpha=x',
      'seed=-1',
      'min=3&max=1',
      'compare=gelu',
    ]);
    expect(more.state.compare).toEqual(['relu']);
    expect(more.state.range).toEqual({ min: -5, max: 5 });
    expect(readHash('#min=-1e39&max=1', initialState()).ignored[0]).toMatch(/outside float32/);
  });
});

describe('defaults from core', () => {
  it('starts every control at core’s default (shiftedRelu threshold 0, ceiling 6, slope 0.25)', () => {
    const p = initialParams();
    expect(p.threshold).toBe(0);
    expect(p.ceiling).toBe(6);
    expect(p.slope).toBe(0.25);
    expect(p.ratio).toBe(0.5); // dense dropout's
    expect(coreDefault('sparseDropoutWithReplacement', 'ratio')).toBe(0);
    expect(coreDefault('relu', 'alpha')).toBeUndefined();
    for (const { name, spec } of activations) {
      const r = (spec as any).resolve(name, {}, [1]);
      for (const key of OP_PARAMS[name as PageOp]) {
        const value = r[key] instanceof Float32Array ? r[key][0] : r[key];
        expect(f32(coreDefault(name as PageOp, key)!), `${name}.${key}`).toBe(value);
      }
    }
  });

  it('opens each op on a range that holds its kinks with a margin (clippedRelu: 0 and 6)', () => {
    expect(defaultRange('clippedRelu', initialParams()).max).toBeGreaterThanOrEqual(8);
    for (const op of PAGE_OPS) {
      const params = initialParams();
      const alpha = coreDefault(op, 'alpha');
      if (alpha !== undefined) params.alpha = alpha;
      const range = defaultRange(op, params);
      expect(range.min).toBeLessThanOrEqual(-5);
      expect(range.max).toBeGreaterThanOrEqual(5);
      const a = activations.find((x) => x.name === op);
      if (!a) continue;
      const spec = a.spec as any;
      const given = alpha === undefined ? {} : { alpha };
      for (const k of spec.kinks(spec.resolve(op, given, [1])) as number[]) {
        expect(k - range.min, op).toBeGreaterThanOrEqual(1);
        expect(range.max - k, op).toBeGreaterThanOrEqual(1);
      }
    }
    const far = initialParams();
    far.ceiling = 40;
    expect(defaultRange('clippedRelu', far).max).toBeGreaterThan(40);
  });
});

describe('axis ticks', () => {
  it('writes ticks distinct and short from 1e-45 to 1e38', () => {
    expect(tickLabels([-1e-6, -5e-7, 0, 5e-7, 1e-6], 5e-7)).toEqual([
      '-1e-6',
      '-5e-7',
      '0',
      '5e-7',
      '1e-6',
    ]);
    expect(tickLabels([-1e30, -5e29, 0, 5e29, 1e30], 5e29)).toEqual([
      '-1e30',
      '-5e29',
      '0',
      '5e29',
      '1e30',
    ]);
    expect(tickLabels([0.2, 0.4, 0.6000000000000001], 0.2)).toEqual(['0.2', '0.4', '0.6']);
    expect(tickLabels([-0.2, 1e-17, 0.2], 0.2)).toEqual(['-0.2', '0', '0.2']);
    expect(tickLabels([1, 1.5, 2], 0.5)).toEqual(['1', '1.5', '2']);
    expect(compactNumber(2.5e-38, 2)).toBe('2.5e-38');
    expect(compactNumber(123456, 3)).toBe('1.23e5');
    expect(TICK_INCREMENTS[0]).toBe(1e-46);
    expect(TICK_INCREMENTS.at(-1)).toBe(5e39);
  });

  it('draws spans under 1e-10 in a power-of-ten unit (uPlot refuses spans under 1e-16)', () => {
    expect(axisUnit([-5, 5])).toBe(1);
    expect(axisUnit([-1e-6, 1e-6])).toBe(1);
    expect(axisUnit([f32(-1e-38), f32(1e-38)])).toBe(1e-38);
    expect(axisUnit([0, 2 ** -149])).toBe(1e-45);
    expect(axisUnit([3, 3])).toBe(1);
    expect(axisUnit([null, Number.NaN])).toBe(1);
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
