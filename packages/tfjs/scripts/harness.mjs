// What both measure scripts share: the op cases, the inputs per size, the timing of
// one case (median of 5 batches) and a table row per case of tfjs's own kernels
// against the Pointwise overrides.

/** Each case as (x, alpha, dy, y) => the output tensor, forward and gradient. */
export function opCases(tf) {
  return {
    relu: (x) => tf.relu(x),
    relu6: (x) => tf.relu6(x),
    leakyRelu: (x) => tf.leakyRelu(x, 0.2),
    prelu: (x, a) => tf.prelu(x, a),
    elu: (x) => tf.elu(x),
    step: (x) => tf.step(x),
    clip: (x) => tf.clipByValue(x, 0, 3),
    'relu grad': (x, _a, dy) => tf.grad((v) => tf.relu(v))(x, dy),
    'relu6 grad': (x, _a, dy) => tf.grad((v) => tf.relu6(v))(x, dy),
    'leakyRelu grad': (x, _a, dy) => tf.grad((v) => tf.leakyRelu(v, 0.2))(x, dy),
    'prelu grad': (x, a, dy) => tf.grads((v, s) => tf.prelu(v, s))([x, a], dy),
    'elu grad': (_x, _a, dy, y) => tf.engine().runKernel('EluGrad', { dy, y }),
  };
}

/**
 * Times every case at every size, before and after `install()` (which returns the
 * installation to uninstall). `readBack`: an asynchronous backend, each batch read
 * back at its end and each timing preceded by a whole warm-up timing; otherwise one
 * warm-up call. `digits`: decimals of the ms columns; `extra`: leading row fields.
 */
export async function compare(tf, { sizes, cases, install, readBack, digits, extra = {} }) {
  async function time(fn, size) {
    const reps = Math.max(3, Math.min(40, Math.round(2 ** 22 / size)));
    const samples = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      if (readBack) {
        for (let i = 0; i < reps - 1; i++) tf.dispose(fn());
        const last = fn();
        await last.data();
        tf.dispose(last);
      } else for (let i = 0; i < reps; i++) tf.dispose(fn());
      samples.push((performance.now() - t0) / reps);
    }
    samples.sort((a, b) => a - b);
    return samples[2];
  }
  async function warmUp(call, size) {
    if (readBack) await time(call, size);
    else tf.dispose(call());
  }

  const rows = [];
  for (const size of sizes) {
    const shape = [size / 64, 64];
    const x = tf.randomUniform(shape, -4, 4, 'float32', 1);
    const dy = tf.randomUniform(shape, -1, 1, 'float32', 2);
    const a = tf.fill([64], 0.25);
    const y = tf.elu(x);
    for (const [name, f] of Object.entries(cases)) {
      const call = () => f(x, a, dy, y);
      await warmUp(call, size);
      const base = await time(call, size);
      const inst = install();
      await warmUp(call, size);
      const pwt = await time(call, size);
      inst.uninstall();
      rows.push({
        ...extra,
        size,
        op: name,
        tfjs_ms: base.toFixed(digits),
        pointwise_ms: pwt.toFixed(digits),
        speedup: (base / pwt).toFixed(2),
      });
    }
    tf.dispose([x, dy, a, y]);
  }
  return rows;
}
