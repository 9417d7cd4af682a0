// Runs in Chromium (bundled by ../threaded.test.ts): tfjs-wasm on a cross-origin-isolated
// page picks its threaded SIMD build, whose memory is shared. Reports the route, whether
// the in-place leakyRelu / prelu gradients and LeakyRelu forward give the formula's bits
// on special values and a length that is not a multiple of 4, leaks, and whether
// uninstall() gives tfjs's own outputs back.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installPointwise, wasmGradientRoute } from '../../src/index.js';

const same = (u: number, v: number) => (Number.isNaN(u) && Number.isNaN(v)) || Object.is(u, v);

async function main(): Promise<Record<string, unknown>> {
  setWasmPaths('/wasm/');
  const out: Record<string, unknown> = {
    threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    isolated: self.crossOriginIsolated,
    backend: await tf.setBackend('wasm'),
  };
  const wasm = (tf.backend() as unknown as { wasm: { wasmMemory?: WebAssembly.Memory } }).wasm;
  out.sharedMemory = wasm.wasmMemory?.buffer instanceof SharedArrayBuffer;
  const n = 100003;
  const xs = new Float32Array(n);
  const dys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = Math.sin(i) * 4;
    dys[i] = Math.cos(i * 0.7);
  }
  xs.set([-0, Number.NaN, 1e-40, -1e-40, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0]);
  const x = tf.tensor(xs);
  const dy = tf.tensor(dys);
  const run = () => {
    const a = tf.grad((v: tf.Tensor) => tf.leakyRelu(v, 0.2))(x, dy);
    const alpha = tf.tensor([0.25]);
    const [p, da] = tf.grads((v: tf.Tensor, al: tf.Tensor) => tf.prelu(v, al))([x, alpha], dy);
    const y = tf.leakyRelu(x, 0.2);
    const r = [a, p!, y].map((t) => Float32Array.from(t.dataSync()));
    tf.dispose([a, alpha, p!, da!, y]);
    return r;
  };
  const own = run();
  const before = tf.memory().numTensors;
  const inst = installPointwise(tf);
  out.route = wasmGradientRoute(tf.backend());
  const got = run();
  const a = Math.fround(0.2);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x0 = xs[i]!;
    const d = dys[i]!;
    if (!same(got[0]![i]!, x0 > 0 ? d : Math.fround(a * d))) bad++;
    if (!same(got[1]![i]!, x0 > 0 ? d : Math.fround(0.25 * d))) bad++;
    if (!same(got[2]![i]!, x0 < 0 ? Math.fround(a * x0) : x0)) bad++;
  }
  out.bad = bad;
  out.leaked = tf.memory().numTensors - before;
  inst.uninstall();
  const again = run();
  out.uninstallSame = again.every((arr, k) => arr.every((v, i) => same(v, own[k]![i]!)));
  tf.dispose([x, dy]);
  return out;
}

main()
  .catch((e: unknown) => ({ error: String((e as Error)?.stack ?? e) }))
  .then((out) => {
    (window as unknown as { __out: unknown }).__out = out;
    document.title = 'done';
  });
