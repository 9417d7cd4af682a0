// Peer rows are like for like: elu backward from y (Pointwise `{ y }`) faces tfjs's EluGrad
// kernel, which computes dy * (y + 1) from y; elu backward from x faces tf.grad, which runs
// the forward too. Every backward row's note says what it computes and from what.

import { casesFor, expandCases, OP_NAMES } from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import { tfjsTarget } from '../src/peers/tfjs.js';
import { pointwiseTarget } from '../src/targets/pointwise.js';

async function notes(target: Awaited<ReturnType<typeof tfjsTarget>>, ids: string[]) {
  const out: Record<string, string | undefined> = {};
  for (const c of expandCases([...OP_NAMES]).filter((k) => ids.includes(k.id))) {
    const prepared = await target.prepare(c, 256);
    out[c.id] = 'skip' in prepared ? `skip: ${prepared.skip}` : prepared.note;
    if (!('skip' in prepared)) {
      await prepared.op.call();
      prepared.dispose();
    }
  }
  return out;
}

describe('elu backward rows', () => {
  it('are a row from x and a row from y', () => {
    expect(casesFor('elu').map((c) => [c.id, c.direction, c.fromY ?? false])).toEqual([
      ['elu.forward', 'forward', false],
      ['elu.backward', 'backward', false],
      ['elu.backward+y', 'backward', true],
    ]);
  });

  it('tfjs: EluGrad from y faces the row from y; tf.grad (with its forward) the row from x', async () => {
    const tf = await tfjsTarget('tfjs-cpu');
    expect(await notes(tf, ['elu.backward', 'elu.backward+y'])).toEqual({
      'elu.backward': 'tf.grad from x (dx; includes the forward)',
      'elu.backward+y': 'EluGrad kernel from y (dx; no forward)',
    });
    tf.close();
  });

  it('Pointwise: every backward note names what it reads (x, y, a mask) and computes', async () => {
    const target = await pointwiseTarget('js');
    if ('unavailable' in target) throw new Error(target.unavailable);
    const got: Record<string, string | undefined> = {};
    for (const c of expandCases([...OP_NAMES]).filter((k) => k.direction === 'backward')) {
      const prepared = await target.prepare(c, 256);
      if ('skip' in prepared) throw new Error(prepared.skip);
      await prepared.op.call();
      got[c.id] = prepared.note;
      prepared.dispose();
    }
    target.close();
    expect(got).toEqual({
      'relu.backward': 'from x; dx',
      'leakyRelu.backward': 'from x; dx',
      'prelu.backward': 'from x; dx and dslope',
      'thresholdedRelu.backward': 'from x; dx',
      'shiftedRelu.backward': 'from x; dx and dthreshold',
      'clippedRelu.backward': 'from x; dx and dceiling',
      'elu.backward': 'from x; dx',
      'elu.backward+y': 'from y; dx',
      'dropout.backward+mask': 'stored mask; dx only (paramGrad: false)',
      'dropout.backward': 'regenerated mask; dx only (paramGrad: false)',
      'dropout.backward+mask+dreplacement': 'stored mask; dx and dreplacement',
    });
  });
});
