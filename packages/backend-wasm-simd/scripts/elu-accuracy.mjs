// Exhaustive elu accuracy check for the wasm-simd backend (not part of `pnpm test`).
//
// Runs forward and backward from x over EVERY negative float32 from -0 down to -180 (bit
// patterns 0x80000000..0xC3340000, 1.13e9 values: the kernels' float32 paths run only for
// x > -173.3, and below -180 alpha*exp(x) is under the normal range for every float32
// alpha), plus a sample beyond (every 256th pattern down to -Inf, the NaNs, +0 and every
// 1024th positive pattern), for several alphas and, backward, several dy. Each result is
// compared with the float64 reference rounded to float32 (the SPEC formulas x > 0 ? x :
// alpha*expm1(x) and x > 0 ? dy : dy*(alpha*exp(x)), checked against core's own reference
// at start-up) with core's acceptUlp(2, ...), the rule the conformance suite applies:
// within 2 ulp, or float32 flush/overflow behaviour where alpha*exp(x) or the result is
// not a normal float32. x > 0 lanes must return x / dy bit for bit. It reports, per case,
// the largest ulp distance where the strict rule applies (result and alpha*exp(x) normal
// and finite), how many results passed only by the flush/overflow allowance, and the
// first failure.
//
// Run from the repository root after building the package (it loads ../dist):
//   pnpm --filter @pointwise/backend-wasm-simd build
//   node packages/backend-wasm-simd/scripts/elu-accuracy.mjs            # full, a few minutes
//   node packages/backend-wasm-simd/scripts/elu-accuracy.mjs --step=64  # every 64th float
// Options: --alphas=1,0.5  --dys=1,-3  --step=N  --workers=N. Exit code 1 on any failure.
//
// --proof instead checks the claims in asm/elu.ts that hold for EVERY alpha and dy. It
// emulates the kernels' float32 operations exactly (Math.fround after each one; first it
// checks the emulation against the built kernel, bit for bit, on a sample) and shows:
// forward, max over every x in [-30, 0) of relerr(E) with E the float32 expm1 before the
// multiply by alpha (alpha-independent); backward, for every x in [-174, 0), a bound on
// relerr(F), F = fl(am + fl(am*p))*2^(k+ea), valid for every mantissa am, and where that
// bound is not already below 1.97 the exact maximum over all 2^23 mantissas. Both must be
// below 2 (units of 2^-24): then fl(alpha*E) and fl(dy*F) are within 2 ulp.
// The x range is split across worker threads (default: one per core); each computes
// Math.exp/expm1 once per x and checks every alpha and dy on it.

import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const DEFAULT_ALPHAS = [1, 0.5, 1.7, 0.01, 3.3, 1.0000001, 0.99999994, -1.5, 1e-30, 1e30];
const DEFAULT_DYS = [1, -3, 0.37, 1e-20, 3e35];
const CHUNK = 1 << 22;
const F32_MIN_NORMAL = 2 ** -126;
const F32_MAX = Math.fround(3.4028234663852886e38);

function parseArgs(argv) {
  const opts = { alphas: DEFAULT_ALPHAS, dys: DEFAULT_DYS, step: 1, workers: 0 };
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (key === 'alphas') opts.alphas = value.split(',').map(Number);
    else if (key === 'dys') opts.dys = value.split(',').map(Number);
    else if (key === 'step') opts.step = Math.max(1, Number(value));
    else if (key === 'workers') opts.workers = Number(value);
    else throw new Error(`unknown option ${arg}`);
  }
  opts.alphas = opts.alphas.map(Math.fround);
  opts.dys = opts.dys.map(Math.fround);
  return opts;
}

/** The x bit patterns to test, as [start, end, stride] ranges (end inclusive). */
function ranges(step) {
  return [
    [0x80000000, 0xc3340000, step], // -0 .. -180, every pattern (or every step-th)
    [0xc3340000 + 256, 0xff800000, 256 * step], // beyond, down to -Inf
    [0xff800001, 0xffffffff, 0x100000], // negative NaNs
    [0x00000000, 0x7f800000, 1024 * step], // +0 .. +Inf
    [0x7f800001, 0x7fffffff, 0x100000], // positive NaNs
  ];
}

function* chunks(step) {
  const xi = new Int32Array(CHUNK);
  let n = 0;
  for (const [start, end, stride] of ranges(step)) {
    for (let b = start; b <= end; b += stride) {
      xi[n++] = b | 0;
      if (n === CHUNK) {
        yield { xi, n };
        n = 0;
      }
    }
  }
  if (n > 0) {
    xi.fill(0x80000000 | 0, n); // pad with -0, already tested
    yield { xi, n };
  }
}

function totalCount(step) {
  let n = 0;
  for (const [start, end, stride] of ranges(step)) n += Math.floor((end - start) / stride) + 1;
  return n;
}

// ---- worker: a share of the chunks, every alpha and dy ------------------------------

function newStats(label) {
  return { label, maxUlp: 0, hist: [0, 0, 0], allowed: 0, fail: 0, first: null, checked: 0 };
}

const scratch = new Float32Array(2);
const scratchBits = new Int32Array(scratch.buffer);

/** Ordinal distance of two float32 values (not NaN), as core's ulpDistance. */
function ulps(a, b) {
  scratch[0] = a;
  scratch[1] = b;
  let ia = scratchBits[0];
  let ib = scratchBits[1];
  ia = ia < 0 ? -(ia & 0x7fffffff) : ia;
  ib = ib < 0 ? -(ib & 0x7fffffff) : ib;
  return Math.abs(ia - ib);
}

function bits(v) {
  scratch[0] = v;
  return scratchBits[0];
}

async function runWorker({ alphas, dys, step, index, workers }) {
  const { activations, pointwise } = await import('@pointwise/core');
  const { acceptUlp } = await import('@pointwise/core/conformance');
  const { wasmSimdBackend } = await import('../dist/index.js');
  const ref = activations.find((op) => op.spec.name === 'elu').spec.reference;
  // the inline formulas below must be the spec reference, bit for bit
  for (let i = 0; i < 20000; i++) {
    const alpha = alphas[i % alphas.length];
    const r = { alpha };
    const x = Math.fround((Math.random() - 0.9) * 2 ** (Math.random() * 16 - 6));
    const d = dys[i % dys.length];
    const e = Math.exp(x);
    const f = x > 0 ? x : alpha * Math.expm1(x);
    const g = x > 0 ? d : d * (alpha * e);
    if (!Object.is(f, ref.forward(x, r, i)) || !Object.is(g, ref.backward(d, x, r, i))) {
      throw new Error(`inline reference differs from core's at x=${x}`);
    }
  }

  const pw = await pointwise(wasmSimdBackend());
  const dyTensors = dys.map((d) => pw.tensor(new Float32Array(CHUNK).fill(d)));
  const stats = alphas.map((alpha) => [
    newStats(`forward alpha=${alpha}`),
    ...dys.map((d) => newStats(`backward alpha=${alpha} dy=${d}`)),
  ]);
  const total = totalCount(step);
  let done = 0;
  let nextReport = 0.1;

  // The slow path for one element whose result is not the rounded reference exactly.
  const check = (st, got, expected, x, factor, scale, dy) => {
    const rounded = Math.fround(expected);
    if (x > 0) {
      // SPEC: x itself (forward) / dy itself (backward), bit for bit
      if (bits(got) === bits(rounded) || (Number.isNaN(got) && Number.isNaN(rounded))) {
        st.hist[0]++;
        return;
      }
    } else if (Number.isNaN(rounded)) {
      if (Number.isNaN(got)) {
        st.hist[0]++; // NaN x gives NaN (any payload)
        return;
      }
    } else {
      const d = got === rounded ? 0 : Number.isNaN(got) ? 99 : ulps(got, rounded);
      if (d <= 2) {
        st.hist[d]++;
        const strict =
          Math.abs(factor) >= F32_MIN_NORMAL &&
          Math.abs(rounded) >= F32_MIN_NORMAL &&
          Math.abs(rounded) <= F32_MAX &&
          Math.abs(scale) * Math.max(1, Math.abs(factor)) <= F32_MAX;
        if (strict && d > st.maxUlp) st.maxUlp = d;
        return;
      }
      if (acceptUlp(2, got, expected, factor, scale)) {
        st.allowed++; // only the flush/overflow allowances get here, never where strict
        return;
      }
    }
    st.fail++;
    st.first ??= {
      x,
      xBits: `0x${(bits(x) >>> 0).toString(16)}`,
      dy,
      got,
      expected: rounded,
      float64: expected,
      ulp: Number.isNaN(rounded) || Number.isNaN(got) ? 'NaN' : ulps(got, rounded),
    };
  };

  const ex = new Float64Array(CHUNK);
  const em1 = new Float64Array(CHUNK);
  let chunkIndex = 0;
  for (const { xi, n } of chunks(step)) {
    if (chunkIndex++ % workers !== index) continue;
    const xs = new Float32Array(xi.buffer.slice(0));
    for (let j = 0; j < n; j++) {
      ex[j] = Math.exp(xs[j]);
      em1[j] = Math.expm1(xs[j]);
    }
    const xT = pw.tensor(xs);
    for (let ai = 0; ai < alphas.length; ai++) {
      const alpha = alphas[ai];
      const [fwd, ...bwd] = stats[ai];
      const yT = pw.elu(xT, { alpha });
      const ys = yT.readSync();
      yT.dispose();
      // Fast path: x <= 0 and the result is the rounded reference exactly; everything
      // else (x > 0, NaN, any difference) goes through check().
      let same = 0;
      for (let j = 0; j < n; j++) {
        const x = xs[j];
        const got = ys[j];
        if (x <= 0 && got === Math.fround(alpha * em1[j])) same++;
        else
          check(fwd, got, x > 0 ? x : alpha * em1[j], x, x > 0 ? 1 : alpha * ex[j], 1, undefined);
      }
      fwd.hist[0] += same;
      fwd.checked += n;
      for (let k = 0; k < dys.length; k++) {
        const d = dys[k];
        const { dx } = pw.eluBackward(dyTensors[k], { x: xT }, { alpha });
        const out = dx.readSync();
        dx.dispose();
        const st = bwd[k];
        same = 0;
        for (let j = 0; j < n; j++) {
          const x = xs[j];
          const got = out[j];
          if (x <= 0 && got === Math.fround(d * (alpha * ex[j]))) same++;
          else check(st, got, x > 0 ? d : d * (alpha * ex[j]), x, x > 0 ? 1 : alpha * ex[j], d, d);
        }
        st.hist[0] += same;
        st.checked += n;
      }
    }
    xT.dispose();
    done += n * workers;
    if (index === 0 && done / total >= nextReport) {
      parentPort.postMessage({ progress: `${Math.min(100, Math.round((100 * done) / total))}%` });
      nextReport += 0.1;
    }
  }
  for (const t of dyTensors) t.dispose();
  pw.destroy();
  return stats.flat();
}

// ---- --proof: exact emulation of the kernels' float32 operations ----------------------

const fr = Math.fround;
const asF32 = (b) => {
  scratchBits[0] = b | 0;
  return scratch[0];
};
// the constants of asm/elu.ts, by bit pattern
const L2E = asF32(0x3fb8aa3b);
const LN2_HI = asF32(0x3f317200);
const LN2_LO = asF32(0x35bfbe8e);
const SHIFT = asF32(0xbdacd9e8);
const FQ = [0x3effffff, 0x3e2aaa58, 0x3d2aab3a, 0x3c0913b9, 0x3ab5f602].map(asF32);
const BQ = [0x3f000003, 0x3e2aaa6c, 0x3d2aa1d1, 0x3c08f89b, 0x3ac009b7].map(asF32);
const FWD_MAGIC = 12583039; // 1.5*2^23 + 127

/** expm1Poly: r + r^2*((c2 + c3 r) + r^2*((c4 + c5 r) + r^2 c6)), in the kernel's order. */
function poly(r, c) {
  const r2 = fr(r * r);
  const a = fr(fr(r * c[1]) + c[0]);
  const b = fr(fr(r * c[3]) + c[2]);
  const q = fr(fr(r2 * fr(fr(r2 * c[4]) + b)) + a);
  return fr(r + fr(r2 * q));
}

/** [k, r] for t = u + magic: kf = t - magic, r = (x - kf*HI) - kf*LO. */
function reduce(x, u, magic) {
  const t = fr(u + magic);
  const kf = fr(t - magic);
  return [kf, fr(fr(x - fr(kf * LN2_HI)) - fr(kf * LN2_LO))];
}

/** Forward E for x <= 0 (not NaN): y = fl(alpha*E). */
function forwardE(x) {
  const xc = x < -30 ? -30 : x;
  const [kf, r] = reduce(xc, fr(xc * L2E), FWD_MAGIC);
  const s = 2 ** kf;
  return fr(fr(s * poly(r, FQ)) + fr(s - 1));
}

/** Backward: k and p = e^r - 1 (before the multiply by am) for x, with the call's magic. */
function backwardP(x, magic) {
  const [kf, r] = reduce(x, fr(fr(x * L2E) + SHIFT), magic);
  return [kf, poly(r, BQ)];
}

async function proofWorker({ index, workers, part }) {
  const u = 2 ** -24;
  if (part === 'match') {
    // the emulation against the built kernel: forward with alpha = 1 (y = E), backward with
    // dy = 1 and alpha = am in [0.5, 1) (ea = 0, dx = F), on every 97th x down to -85
    const { pointwise } = await import('@pointwise/core');
    const { wasmSimdBackend } = await import('../dist/index.js');
    const pw = await pointwise(wasmSimdBackend());
    const ams = [0.5, 0.666833699, 0.75, 0.99999994].map(fr);
    let compared = 0;
    let mismatches = 0;
    const xi = new Int32Array(CHUNK);
    const one = pw.tensor(new Float32Array(CHUNK).fill(1));
    for (let start = 0x80000000 + index * 97; start <= 0xc2aa0000; start += CHUNK * 97 * workers) {
      let n = 0;
      for (let b = start; b <= 0xc2aa0000 && n < CHUNK; b += 97 * workers) xi[n++] = b | 0;
      xi.fill(0x80000000 | 0, n);
      const xs = new Float32Array(xi.buffer.slice(0));
      const xT = pw.tensor(xs);
      const yT = pw.elu(xT, { alpha: 1 });
      const ys = yT.readSync();
      yT.dispose();
      for (let j = 0; j < n; j++)
        if (!Object.is(ys[j], forwardE(xs[j])) && ys[j] !== forwardE(xs[j])) mismatches++;
      for (const am of ams) {
        const { dx } = pw.eluBackward(one, { x: xT }, { alpha: am });
        const out = dx.readSync();
        dx.dispose();
        for (let j = 0; j < n; j++) {
          const [kf, p] = backwardP(xs[j], 12582912 + 127);
          if (out[j] !== fr(fr(am + fr(am * p)) * 2 ** kf)) mismatches++;
        }
      }
      xT.dispose();
      compared += n;
    }
    pw.destroy();
    return { compared, mismatches };
  }
  if (part === 'forward') {
    let worst = 0;
    let at = 0;
    for (let b = 0x80000001 + index; b <= 0xc1f00000; b += workers) {
      const x = asF32(b);
      const e = Math.expm1(x);
      const rel = Math.abs(forwardE(x) - e) / Math.abs(e) / u;
      if (rel > worst) {
        worst = rel;
        at = x;
      }
    }
    return { worst, at };
  }
  // backward: relerr(F) <= (|p - (E-1)| + u|p| + u|1+p|)/E for every am (E = e^r exact:
  // the rounding of am*p is at most u|am*p|, that of am + am*p at most u|am(1+p)|); where
  // that bound is not below BOUND_LIMIT, all 2^23 mantissas exactly
  const BOUND_LIMIT = 1.95;
  const bounded = { worst: 0, at: 0 };
  const exact = { worst: 0, at: 0, am: 0, count: 0 };
  for (const magic of [12582912 + 127, 12582912 + 128]) {
    // both parities of the call's magic (127 + ea): they round ties of t differently
    for (let b = 0x80000000 + index; b <= 0xc32e0000; b += workers) {
      const x = asF32(b);
      const [kf, p] = backwardP(x, magic);
      const E = Math.exp(x - kf * Math.LN2); // float64: ~1e-14 relative at worst, negligible
      const bound = (Math.abs(p - (E - 1)) + u * Math.abs(p) + u * Math.abs(1 + p)) / E / u;
      if (bound < BOUND_LIMIT) {
        if (bound > bounded.worst) Object.assign(bounded, { worst: bound, at: x });
        continue;
      }
      exact.count++;
      for (let m = 0; m < 1 << 23; m++) {
        const am = asF32(0x3f000000 | m);
        const rel = Math.abs(fr(am + fr(am * p)) - am * E) / (am * E) / u;
        if (rel > exact.worst) Object.assign(exact, { worst: rel, at: x, am });
      }
    }
  }
  return { bounded, exact };
}

async function proof(workers) {
  const self = fileURLToPath(import.meta.url);
  const run = (part) =>
    Promise.all(
      Array.from(
        { length: workers },
        (_, index) =>
          new Promise((resolve, reject) => {
            const w = new Worker(self, { workerData: { proof: true, part, index, workers } });
            w.on('message', (m) => resolve(m.result));
            w.on('error', reject);
          }),
      ),
    );
  const started = Date.now();
  const match = await run('match');
  const compared = match.reduce((s, m) => s + m.compared, 0);
  const mismatches = match.reduce((s, m) => s + m.mismatches, 0);
  console.log(`emulation vs kernel: ${compared.toLocaleString()} x, ${mismatches} mismatch(es)`);
  const fwd = (await run('forward')).reduce((a, b) => (b.worst > a.worst ? b : a));
  console.log(
    `forward: max relerr(E) over every x in [-30, 0) = ${fwd.worst.toFixed(4)} * 2^-24 (at x = ${fwd.at})`,
  );
  const parts = await run('backward');
  const bounded = parts.map((p) => p.bounded).reduce((a, b) => (b.worst > a.worst ? b : a));
  const exact = parts.map((p) => p.exact).reduce((a, b) => (b.worst > a.worst ? b : a));
  const count = parts.reduce((s, p) => s + p.exact.count, 0);
  console.log(
    `backward: relerr(F) over every x in [-174, 0) and every am: at most ${bounded.worst.toFixed(4)} * 2^-24 ` +
      `by the am-free bound (worst at x = ${bounded.at}); for the ${count} x where that bound was not ` +
      `below 1.95, exactly over all 2^23 am: ${exact.worst.toFixed(4)} (x = ${exact.at}, am = ${exact.am})`,
  );
  const bwd = { worst: Math.max(bounded.worst, exact.worst) };
  const ok = mismatches === 0 && fwd.worst < 2 && bwd.worst < 2;
  console.log(
    `${ok ? 'PROVED' : 'NOT PROVED'}: both below 2 * 2^-24, so every alpha and dy stays within 2 ulp ` +
      `(${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  process.exitCode = ok ? 0 : 1;
}

// ---- main: split the x range across workers, print the table ------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const workers = Math.max(1, opts.workers || availableParallelism());
  const count = totalCount(opts.step);
  console.log(
    `elu accuracy: ${count.toLocaleString()} x values (step ${opts.step}) x ${opts.alphas.length} alphas; ` +
      `forward + backward with dy in [${opts.dys.join(', ')}]; ${workers} worker(s)`,
  );
  const started = Date.now();
  const self = fileURLToPath(import.meta.url);
  const parts = await Promise.all(
    Array.from(
      { length: workers },
      (_, index) =>
        new Promise((resolve, reject) => {
          const data = { alphas: opts.alphas, dys: opts.dys, step: opts.step, index, workers };
          const w = new Worker(self, { workerData: data });
          w.on('message', (m) => {
            if (m.progress) console.error(`  ${m.progress}`);
            else resolve(m.stats);
          });
          w.on('error', reject);
          w.on('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
        }),
    ),
  );
  // merge the workers' stats per case
  const results = parts[0].map((s, i) => {
    const all = parts.map((p) => p[i]);
    return {
      label: s.label,
      maxUlp: Math.max(...all.map((t) => t.maxUlp)),
      hist: [0, 1, 2].map((d) => all.reduce((sum, t) => sum + t.hist[d], 0)),
      allowed: all.reduce((sum, t) => sum + t.allowed, 0),
      fail: all.reduce((sum, t) => sum + t.fail, 0),
      first: all.find((t) => t.first)?.first ?? null,
    };
  });
  results.sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));
  let failures = 0;
  const pad = Math.max(...results.map((s) => s.label.length));
  console.log(
    `\n${'case'.padEnd(pad)}  max ulp  results at 0 / 1 / 2 ulp (or bit-exact)  allowed  fail`,
  );
  for (const s of results) {
    failures += s.fail;
    const hist = s.hist.map((h) => h.toLocaleString()).join(' / ');
    console.log(
      `${s.label.padEnd(pad)}  ${String(s.maxUlp).padStart(7)}  ${hist.padEnd(38)} ${String(s.allowed).padStart(8)}  ${s.fail}`,
    );
    if (s.first) console.log(`    first failure: ${JSON.stringify(s.first)}`);
  }
  const worst = Math.max(...results.map((s) => s.maxUlp));
  console.log(
    `\n${failures === 0 ? 'PASS' : 'FAIL'}: max ${worst} ulp where the 2-ulp rule applies, ` +
      `${failures} failure(s), ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
}

if (isMainThread) {
  if (process.argv.includes('--proof')) await proof(availableParallelism());
  else await main();
} else if (workerData.proof) {
  parentPort.postMessage({ result: await proofWorker(workerData) });
} else {
  const stats = await runWorker(workerData);
  parentPort.postMessage({ stats });
}
