// The tfjs-adapter target: flags, the alternating install/uninstall around each timed
// batch, and a tiny real run on tfjs-cpu (every op, forward and gradient, and the
// training step, each with a finite ratio) rendered as markdown; the fused-activation
// rows on tfjs-cpu (both sides timed, Pointwise's values within the contract).

import { installPointwise } from '@pointwise/tfjs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseAdapterArgs, runAdapterBench } from '../src/tfjs-adapter/cli.js';
import { type FusedValues, measureFused } from '../src/tfjs-adapter/fused.js';
import { type AdapterRow, compare } from '../src/tfjs-adapter/measure.js';
import { renderAdapterMarkdown, renderFusedValues } from '../src/tfjs-adapter/report.js';

describe('tfjs-adapter target', () => {
  it('parses its flags and rejects bad ones', () => {
    expect(parseAdapterArgs([])).toMatchObject({
      backends: ['cpu', 'wasm'],
      sizes: [2 ** 16, 2 ** 20, 2 ** 24],
    });
    expect(
      parseAdapterArgs(['--backends', 'wasm', '--sizes', '2^10,4096', '--samples', '3']),
    ).toMatchObject({
      backends: ['wasm'],
      sizes: [1024, 4096],
      samples: 3,
      training: true,
    });
    expect(parseAdapterArgs(['--training', '0']).training).toBe(false);
    expect(parseAdapterArgs(['--backends', 'webgpu']).backends).toEqual(['webgpu']);
    expect(() => parseAdapterArgs(['--backends', 'webgl'])).toThrow(/webgl/);
    expect(() => parseAdapterArgs(['--sizes', '100'])).toThrow(/100/);
    expect(() => parseAdapterArgs(['--bogus', '1'])).toThrow(/--bogus/);
  });

  it('times the adapter side with Pointwise installed and the tfjs side without', async () => {
    await tf.setBackend('cpu');
    const seen: boolean[] = [];
    let installs = 0;
    // records, per call, whether Pointwise's Relu is the registered cpu kernel
    const original = tf.getKernel('Relu', 'cpu');
    const call = () => {
      seen.push(tf.getKernel('Relu', 'cpu') !== original);
    };
    await compare(
      call,
      {
        name: 'default',
        install: () => {
          installs++;
          return installPointwise(tf, { backends: ['cpu'] });
        },
      },
      { samples: 4, minSampleMs: 0 },
    );
    expect(installs).toBe(5); // one warm-up, then one per sample
    expect(seen.filter((pw) => pw).length).toBe(5);
    expect(seen.filter((pw) => !pw).length).toBeGreaterThanOrEqual(6);
    expect(tf.getKernel('Relu', 'cpu')).toBe(original);
  });

  it('measures every op, forward and gradient, and a training step on tfjs-cpu', async () => {
    const rows = await runAdapterBench(
      {
        backends: ['cpu'],
        sizes: [1024],
        samples: 1,
        minSampleMs: 1,
        training: true,
        fused: false,
      },
      () => {},
    );
    expect(rows.map((r) => r.case)).toEqual([
      'relu forward',
      'relu gradient',
      'relu6 forward',
      'relu6 gradient',
      'leakyRelu forward',
      'leakyRelu gradient',
      'prelu forward',
      'prelu gradient',
      'elu forward',
      'elu gradient',
      'clipByValue forward',
      'clipByValue gradient',
      'training step',
    ]);
    for (const r of rows) {
      expect(r.backend).toBe('cpu');
      expect(Number.isFinite(r.ratio) && r.ratio > 0).toBe(true);
      expect(r.ratio).toBeCloseTo(r.tfjsMs / r.adapterMs, 10);
    }
    const md = renderAdapterMarkdown(rows, { cpu: 'test cpu', command: 'cmd', seconds: 1 });
    expect(md).toContain('| case | cpu default |');
    expect(md).toContain('| relu gradient 2^10 |');
    expect(md).toContain('| training step (batch 256) |');
    expect(md).toContain('machine: test cpu');
  }, 120_000);

  it('wrapping the fused Dense / Conv2D activations on tfjs-cpu: timed, and the values compared', async () => {
    await tf.setBackend('cpu');
    const original = tf.getKernel('Elu', 'cpu');
    const rows: AdapterRow[] = [];
    const values: FusedValues[] = [];
    await measureFused(
      tf,
      'cpu',
      { samples: 1, minSampleMs: 1 },
      (r) => rows.push(r),
      (v) => values.push(v),
    );
    expect(tf.getKernel('Elu', 'cpu')).toBe(original);
    const cases = ['fused dense relu', 'fused dense elu', 'fused conv2d relu', 'fused conv2d elu'];
    expect(rows.map((r) => r.case)).toEqual(cases);
    expect(values.map((v) => v.case)).toEqual(cases);
    for (const r of rows) expect(Number.isFinite(r.ratio) && r.ratio > 0).toBe(true);
    for (const v of values) {
      // the wrapped side is Pointwise's: relu exact, elu within the contract's 2 ulp
      expect(v.pointwiseMaxUlp).toBeLessThanOrEqual(v.case.endsWith('elu') ? 2 : 0);
      expect(v.size).toBe(v.case.includes('dense') ? 64 * 256 : 32 * 32 * 32);
    }
    // tfjs-cpu's fused relu is Math.max(0, z): the same values
    expect(values.filter((v) => v.case.endsWith('relu')).map((v) => v.differing)).toEqual([0, 0]);
    const md = renderFusedValues(values);
    expect(md).toContain('| cpu | fused conv2d elu | 32768 |');
  }, 120_000);
});
