// Entry point bundled by scripts/pack-device-run.sh for a machine with a real GPU
// and no Node.js install: runs the full conformance suite on webgpu (Dawn, Vulkan)
// and times relu / dropout against a buffer-to-buffer copy of the same bytes at
// 2^26 elements. Prints one JSON report. Usage there: ./run.sh (see pack script).
import { pointwise } from '@pointwise/core';
import { runConformance } from '@pointwise/core/conformance';
import { webgpuBackend } from '../src/index.ts';

const factory = webgpuBackend({ dawnFlags: ['enable-dawn-features=disable_robustness'] });
const report = { date: new Date().toISOString(), availability: await factory.isAvailable() };
if (report.availability.available) {
  const conf = await runConformance(factory);
  report.conformance = {
    passed: conf.passed,
    failed: conf.failed,
    failures: conf.cases.filter((c) => !c.pass).map((c) => `${c.id}: ${c.message}`),
  };
  const pw = await pointwise(factory);
  const device = pw.backend.device;
  const n = Number(process.env.DEVICE_RUN_ELEMENTS ?? 2 ** 26);
  const time = async (fn, reps = 20) => {
    fn();
    await pw.flush();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    await pw.flush();
    return (performance.now() - t0) / reps;
  };
  const src = device.createBuffer({ size: n * 4, usage: 0x4 | 0x8 });
  const dst = device.createBuffer({ size: n * 4, usage: 0x4 | 0x8 });
  const copyMs = await time(() => {
    const e = device.createCommandEncoder();
    e.copyBufferToBuffer(src, 0, dst, 0, n * 4);
    device.queue.submit([e.finish()]);
  });
  const x = pw.tensor(new Float32Array(n).map((_, i) => (i % 7) - 3));
  const dy = pw.tensor(new Float32Array(n).fill(0.5));
  const cases = {
    'relu.forward': [() => pw.relu(x).dispose(), 8],
    'relu.backward': [() => pw.reluBackward(dy, { x }).dx.dispose(), 12],
    'dropout.forward+mask': [
      () => {
        const r = pw.dropoutWithReplacement(x, { ratio: 0.5, seed: 1n, stream: 2n });
        r.y.dispose();
        r.mask?.dispose();
      },
      9,
    ],
  };
  const copyGBs = (n * 8) / copyMs / 1e6;
  report.bench = { elements: n, copyMs, copyGBs, ops: {} };
  for (const [name, [fn, bytesPerElement]] of Object.entries(cases)) {
    const ms = await time(fn);
    const gbs = (n * bytesPerElement) / ms / 1e6;
    report.bench.ops[name] = { ms, GBs: gbs, xCopy: gbs / copyGBs };
  }
  pw.destroy();
}
console.log(JSON.stringify(report, null, 2));
