// The worker pool's lifetime: destroy() terminates the workers and a Node process exits
// on its own (child processes: with destroy, and with a pool left running, which is
// unref'd), and a worker that dies turns into DEVICE_LOST on the next call, not a hang.

import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { PointwiseError, pointwise } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import type { WasmSimdBackend } from '../src/backend.js';
import { wasmSimdBackend } from '../src/index.js';
import { STREAM_MIN } from '../src/pool.js';

const dist = new URL('../dist/index.js', import.meta.url).pathname;

function child(body: string) {
  const script = `
import { pointwise } from '@pointwise/core';
import { wasmSimdBackend } from ${JSON.stringify(dist)};
const pw = await pointwise(wasmSimdBackend({ threads: 3 }));
const x = pw.tensor(new Float32Array(1 << 20).fill(-1));
const y = pw.elu(x);
const ok = (await y.read()).every((v) => Math.abs(v + 0.6321) < 1e-3);
const workers = pw.backend.wasm.dispatch.workers;
${body}
console.log(JSON.stringify({ ok, threads: pw.backend.threads, workers: workers.length }));
`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url).pathname,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('worker pool lifetime', () => {
  it('destroy() terminates the workers and the process exits on its own', () => {
    const r = child(`
pw.destroy();
const exits = await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
if (exits.length !== 2) throw new Error('expected 2 worker exits');
`);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ ok: true, threads: 3, workers: 2 });
  });

  it('a pool left running (no destroy) does not keep the process alive', () => {
    const r = child('');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ ok: true, threads: 3, workers: 2 });
  });

  it('a call does not wait for a worker that never joins it (decision 143)', async () => {
    const pw = await pointwise(wasmSimdBackend({ threads: 2 }));
    const b = pw.backend as WasmSimdBackend;
    const xs = Float32Array.from({ length: 2 * STREAM_MIN }, (_, i) => (i % 5) - 2);
    const x = pw.tensor(xs);
    pw.relu(x).dispose();
    // let the worker park, then stop it before the next job: it can never join, and the
    // call must not wait for it (before the fix it waited out the 60 s deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
    const worker = b.wasm.dispatch.workers[0] as Worker;
    const exited = once(worker, 'exit');
    void worker.terminate();
    const started = Date.now();
    const y = pw.relu(x);
    expect(Date.now() - started).toBeLessThan(30_000);
    const got = y.readSync() as Float32Array;
    expect(got.findIndex((v, i) => !Object.is(v, xs[i]! > 0 ? xs[i] : 0))).toBe(-1);
    await exited;
    pw.destroy();
  });

  it('a worker that dies is DEVICE_LOST on the next call', async () => {
    const pw = await pointwise(wasmSimdBackend({ threads: 2 }));
    const b = pw.backend as WasmSimdBackend;
    const x = pw.tensor(new Float32Array(2 * STREAM_MIN).fill(-1));
    pw.relu(x).dispose();
    const worker = b.wasm.dispatch.workers[0] as Worker;
    const exited = once(worker, 'exit');
    await worker.terminate();
    await exited;
    let caught: unknown;
    try {
      pw.relu(x);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PointwiseError);
    expect((caught as PointwiseError).code).toBe('DEVICE_LOST');
    expect((caught as PointwiseError).message).toMatch(/worker 1 exited/);
    // and it stays so, small calls included, until destroy()
    const small = pw.tensor([1, -1]);
    expect(() => pw.relu(small)).toThrow(/DEVICE_LOST/);
    expect(() => pw.shiftedReluBackward(small, { x: small })).toThrow(/DEVICE_LOST/);
    expect(() => pw.prelu(small)).toThrow(/DEVICE_LOST/);
    pw.destroy();
  });
});
