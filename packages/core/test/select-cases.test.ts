// selectCases, the filter behind `runConformance({ filter })` and `pointwise-conformance
// --filter`: a text matches where it starts a segment of the case id (at the start or
// after a `/`), so `elu/` selects elu's cases and not leakyRelu's, prelu's or relu's.
import { describe, expect, it } from 'vitest';
import type { ConformanceCase } from '../src/conformance/case.js';
import { selectCases } from '../src/conformance/runner.js';

const ids = [
  'relu/forward/sweep/default',
  'leakyRelu/backward-x/sweep/default',
  'prelu/dslope/special-terms',
  'thresholdedRelu/forward/sweep/alpha=0',
  'elu/forward/sweep/default',
  'elu/golden/negative-zero',
  'paramGrad/elu/from-x/48',
  'outputs/elu/backward-from-x',
  'relu/golden/seed-example',
  'errors/INVALID_ARGUMENT/elu-alpha-nan',
];
const cases = ids.map((id) => ({ id, op: id.split('/')[0] }) as unknown as ConformanceCase);
const select = (filter: Parameters<typeof selectCases>[1]) =>
  selectCases(cases, filter).map((c) => c.id);

describe('selectCases', () => {
  it('elu/ selects elu cases only, never the relu family whose names end in "elu"', () => {
    expect(select('elu/')).toEqual([
      'elu/forward/sweep/default',
      'elu/golden/negative-zero',
      'paramGrad/elu/from-x/48',
      'outputs/elu/backward-from-x',
    ]);
  });

  it('matches at the start of any segment: golden, errors/, backward-x, a full id', () => {
    expect(select('golden')).toEqual(['elu/golden/negative-zero', 'relu/golden/seed-example']);
    expect(select('errors/')).toEqual(['errors/INVALID_ARGUMENT/elu-alpha-nan']);
    expect(select('backward-x')).toEqual(['leakyRelu/backward-x/sweep/default']);
    expect(select('relu/forward/sweep/default')).toEqual(['relu/forward/sweep/default']);
    expect(select('lu/')).toEqual([]);
    expect(select('sweep/def')).toEqual([
      'relu/forward/sweep/default',
      'leakyRelu/backward-x/sweep/default',
      'elu/forward/sweep/default',
    ]);
  });

  it('a text that starts with / matches anywhere it occurs', () => {
    expect(select('/elu')).toEqual([
      'paramGrad/elu/from-x/48',
      'outputs/elu/backward-from-x',
      'errors/INVALID_ARGUMENT/elu-alpha-nan',
    ]);
  });

  it('a RegExp and a predicate are applied as given; no filter keeps every case', () => {
    expect(select(/Relu\//)).toEqual([
      'leakyRelu/backward-x/sweep/default',
      'thresholdedRelu/forward/sweep/alpha=0',
    ]);
    expect(select((c) => c.op === 'prelu')).toEqual(['prelu/dslope/special-terms']);
    expect(select(undefined)).toEqual(ids);
  });
});
