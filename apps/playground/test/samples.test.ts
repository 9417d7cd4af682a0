// Node tests of the page's seeded inputs: the N(0,1) samples the sparsity view
// feeds (moments, determinism per seed), the plot points (range ends, kinks
// included, sorted) and the mask hash.
import { describe, expect, it } from 'vitest';
import { fnv1aHex, normalSamples, plotXs } from '../src/samples.js';

describe('normalSamples', () => {
  it('is N(0,1): mean near 0, variance near 1, about 68% within one sigma', () => {
    const xs = normalSamples(3, 1 << 16);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    const within = xs.filter((x) => Math.abs(x) <= 1).length / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
  });

  it('depends only on the seed, and the seed matters', () => {
    expect(normalSamples(7, 1001)).toEqual(normalSamples(7, 1001));
    expect(normalSamples(7, 1001)).not.toEqual(normalSamples(8, 1001));
    // A shorter run is a prefix of a longer one (odd lengths too).
    expect(normalSamples(7, 5)).toEqual(normalSamples(7, 8).subarray(0, 5));
  });
});

describe('plotXs', () => {
  it('spans [min, max], is sorted without duplicates and contains the kinks', () => {
    const xs = plotXs(-5, 5, 1001, [0, 0.7, 9]);
    expect(xs[0]).toBe(-5);
    expect(xs.at(-1)).toBe(5);
    expect(xs).toContain(Math.fround(0.7));
    expect(xs).toContain(0);
    expect(xs).not.toContain(9);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
  });
});

describe('fnv1aHex', () => {
  it('matches the FNV-1a test vectors', () => {
    expect(fnv1aHex(new Uint8Array())).toBe('811c9dc5');
    expect(fnv1aHex(new TextEncoder().encode('a'))).toBe('e40c292c');
    expect(fnv1aHex(new TextEncoder().encode('foobar'))).toBe('bf9cf968');
  });
});
