// The H200 run (bundled by scripts/bundle-device.mjs; run by scripts/device-run.sh): the
// whole conformance suite on node-cuda, a bit-for-bit comparison with backend-js on large
// tensors (exact ops and masks), and the bench of every bench case (tools/bench-cases) at 2^24 and 2^28
// elements as a ratio of cuMemcpyDtoD of the same bytes, timed with CUDA events.
// Writes <out>/node-cuda.json and prints a summary. Usage: node runner.mjs <out-dir> [--quick]
// [--host-harness]: the last runs everything on the kernels compiled for the CPU
// (test/host, needs g++), to check this script itself on a machine without a GPU.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsBackend } from '@pointwise/backend-js';
import { type Pointwise, pointwise, sameF32, type Tensor } from '@pointwise/core';
import { runConformance } from '@pointwise/core/conformance';
import {
  type BenchCase,
  benchShape,
  copyBytes,
  expandCases,
  OP_NAMES,
  PARAMS,
  preluSlopes,
  uniformInputs,
} from '../../../../tools/bench-cases/src/index.js';
import type { CudaBackend } from '../../src/backend.js';
import type { CudaDevice } from '../../src/cuda-device.js';
import { nodeCudaBackend } from '../../src/index.js';
import { hostCudaBackend } from '../../test/host/backend.js';

const out = process.argv[2] ?? '.';
const quick = process.argv.includes('--quick');
const factory = process.argv.includes('--host-harness') ? hostCudaBackend() : nodeCudaBackend();
const SIZES = quick ? [2 ** 20] : [2 ** 24, 2 ** 28];
const REPS = quick ? 3 : 20;
const result: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
const log = (line: string) => process.stdout.write(`${line}\n`);

async function conformance() {
  const t0 = performance.now();
  const report = await runConformance(factory);
  const failed = report.cases.filter((c) => !c.pass).map((c) => ({ id: c.id, message: c.message }));
  log(
    `conformance: ${report.passed} passed, ${report.failed} failed (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  for (const f of failed) log(`  FAIL ${f.id}: ${f.message}`);
  result.conformance = { passed: report.passed, failed: report.failed, failures: failed };
}

async function bitsOf(t: Tensor): Promise<ArrayLike<number>> {
  return (await t.read()) as ArrayLike<number>;
}

/** Exact ops and masks on a large tensor, node-cuda against backend-js, bit for bit. */
async function compareWithJs(cuda: Pointwise) {
  const js = await pointwise(jsBackend());
  const size = quick ? 2 ** 18 + 3 : 2 ** 24 + 3;
  const x = uniformInputs(size, 1).map((v, i) =>
    i % 97 === 5 ? Number.NaN : i % 89 === 7 ? -0 : v * 3,
  );
  const dy = uniformInputs(size, 2);
  const slope = Float32Array.from({ length: 7 }, (_, c) => c * 0.1 - 0.3);
  const run = (pw: Pointwise) => {
    const xt = pw.tensor(x, [size]);
    const dt = pw.tensor(dy, [size]);
    const x3 = pw.tensor(x.subarray(0, 7 * 4096 * 3), [3, 7, 4096]);
    const d3 = pw.tensor(dy.subarray(0, 7 * 4096 * 3), [3, 7, 4096]);
    const drop = pw.dropoutWithReplacement(xt, { ratio: 0.3, seed: 123n, stream: 9n, scale: true });
    return {
      relu: pw.relu(xt),
      reluBackward: pw.reluBackward(dt, { x: xt }).dx,
      leakyRelu: pw.leakyRelu(xt, { alpha: 0.01 }),
      leakyReluBackward: pw.leakyReluBackward(dt, { x: xt }, { alpha: 0.01 }).dx,
      thresholdedRelu: pw.thresholdedRelu(xt, { alpha: 0.5 }),
      clippedRelu: pw.clippedRelu(xt, { ceiling: 2 }),
      clippedReluBackward: pw.clippedReluBackward(dt, { x: xt }, { ceiling: 2 }).dx,
      prelu: pw.prelu(x3, { slope }),
      preluBackward: pw.preluBackward(d3, { x: x3 }, { slope }).dx,
      dropoutY: drop.y,
      dropoutMask: drop.mask!,
      dropoutBackward: pw.dropoutWithReplacementBackward(dt, { ratio: 0.3, seed: 123n, stream: 9n })
        .dx,
    };
  };
  const a = run(cuda);
  const b = run(js);
  const mismatches: string[] = [];
  for (const key of Object.keys(b) as (keyof typeof b)[]) {
    const got = await bitsOf(a[key]);
    const want = await bitsOf(b[key]);
    let bad = -1;
    for (let i = 0; i < want.length; i++) {
      if (!sameF32(got[i]!, want[i]!)) {
        bad = i;
        break;
      }
    }
    if (bad >= 0 || got.length !== want.length) mismatches.push(`${key}[${bad}]`);
  }
  js.destroy();
  log(
    `compare with backend-js at ${size}: ${mismatches.length === 0 ? 'bit-identical' : `MISMATCH ${mismatches.join(', ')}`}`,
  );
  result.compareWithJs = { size, mismatches };
}

type Call = () => Tensor[];

function callFor(
  pw: Pointwise,
  c: BenchCase,
  x: Tensor<'float32'>,
  dy: Tensor<'float32'>,
  mask: Tensor<'uint8'>,
  slope: Float32Array,
): Call {
  const p = PARAMS as Record<string, object>;
  if (c.op === 'dropout') {
    const d = PARAMS.dropout;
    if (c.direction === 'forward') {
      return () => {
        const r = pw.dropoutWithReplacement(x, { ...d, returnMask: c.mask === true });
        return r.mask ? [r.y, r.mask] : [r.y];
      };
    }
    return () => {
      const r = pw.dropoutWithReplacementBackward(dy, c.mask ? { ...d, mask } : d);
      return [r.dx, r.dreplacement];
    };
  }
  const params = c.op === 'prelu' ? { slope } : (p[c.op] ?? {});
  const any = pw as unknown as Record<string, (...args: unknown[]) => unknown>;
  if (c.direction === 'forward') return () => [any[c.op]!(x, params) as Tensor];
  return () => Object.values(any[`${c.op}Backward`]!(dy, { x }, params) as Record<string, Tensor>);
}

async function bench(pw: Pointwise) {
  const backend = pw.backend as CudaBackend;
  const device = backend.device as Partial<CudaDevice> & CudaBackend['device'];
  // GPU time from CUDA events; wall time on the host harness
  const time =
    device.time?.bind(device) ??
    (async (run: () => void) => {
      const t0 = performance.now();
      run();
      await pw.flush();
      return performance.now() - t0;
    });
  const rows: Record<string, unknown>[] = [];
  for (const size of SIZES) {
    const shape = benchShape(size);
    const x = pw.tensor(uniformInputs(size, 1), shape);
    const dy = pw.tensor(uniformInputs(size, 2), shape);
    const mask = pw.dropoutWithReplacement(x, PARAMS.dropout).mask!;
    const slope = preluSlopes();
    const scratch = backend.pool.allocBytes(13 * size);
    const timeIt = async (run: () => void) => {
      run();
      await pw.flush();
      return (
        (await time(() => {
          for (let r = 0; r < REPS; r++) run();
        })) / REPS
      );
    };
    for (const c of expandCases(OP_NAMES)) {
      const call = callFor(pw, c, x, dy, mask, slope);
      const opMs = await timeIt(() => {
        for (const t of call()) t.dispose();
      });
      const bytes = copyBytes(c, size);
      // a copy moving the same bytes: reads and writes bytes/2 each
      const copyMs = await timeIt(() =>
        device.copy(scratch.ptr, scratch.ptr + BigInt(Math.ceil(bytes / 2 / 256) * 256), bytes / 2),
      );
      const row = { id: c.id, size, opMs, copyMs, ratio: copyMs / opMs, opGBs: bytes / opMs / 1e6 };
      rows.push(row);
      log(
        `${c.id.padEnd(28)} 2^${Math.log2(size)}  ${(opMs * 1000).toFixed(1).padStart(9)} us  ${row.opGBs.toFixed(0).padStart(5)} GB/s  ${row.ratio.toFixed(2)}x copy`,
      );
    }
    backend.pool.free(scratch);
    for (const t of [x, dy, mask]) t.dispose();
  }
  result.bench = rows;
}

async function main() {
  const status = await factory.isAvailable();
  if (!status.available) {
    log(`node-cuda unavailable: ${status.reason}`);
    result.unavailable = status.reason;
    writeFileSync(join(out, 'node-cuda.json'), JSON.stringify(result, null, 2));
    process.exitCode = 2;
    return;
  }
  const pw = await pointwise(factory);
  const info = ((pw.backend as CudaBackend).device as Partial<CudaDevice>).info;
  if (info) {
    result.device = {
      name: info.name,
      driverVersion: info.driverVersion,
      computeCapability: info.computeCapability,
    };
    log(
      `device: ${info.name}, CUDA driver ${info.driverVersion}, compute capability ${info.computeCapability.join('.')}`,
    );
  } else log(`device: ${pw.backendName} (host harness: timings are CPU wall time)`);
  try {
    await conformance();
    await compareWithJs(pw);
    await bench(pw);
  } finally {
    pw.destroy();
    writeFileSync(join(out, 'node-cuda.json'), JSON.stringify(result, null, 2));
  }
}

await main();
