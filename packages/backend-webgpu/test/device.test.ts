// Device-level behaviour: reductions are deterministic (same bits run after run and
// for two layouts of the same values), device loss becomes DEVICE_LOST and a new
// instance works afterwards, destroy() lets a Node process exit, and interop wraps
// a user's GPUBuffer as a tensor and exposes a result's GPUBuffer.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pointwise } from '@pointwise/core';
import { describe, expect, it } from 'vitest';
import { floatData } from '../../../tools/test-support/src/index.js';
import { gpuBufferOf, gpuDeviceOf, webgpuBackend, wrapGPUBuffer } from '../src/index.js';

describe('deterministic reductions', () => {
  it('dslope: same bits twice, and for NCHW vs the same values channels-last', async () => {
    const pw = await pointwise(webgpuBackend());
    const [N, C, H] = [8, 3, 40000];
    const x = floatData(N * C * H, 3).map((v) => (Number.isFinite(v) ? v : -1));
    const dy = floatData(N * C * H, 4).map((v) => (Number.isFinite(v) ? v : 0.5));
    const xl = new Float32Array(x.length);
    const dyl = new Float32Array(x.length);
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++)
        for (let h = 0; h < H; h++) {
          xl[(n * H + h) * C + c] = x[(n * C + c) * H + h]!;
          dyl[(n * H + h) * C + c] = dy[(n * C + c) * H + h]!;
        }
    const slope = [0.1, -0.3, 2.5];
    const run = async (
      xs: Float32Array,
      ds: Float32Array,
      shape: number[],
      channelAxis: number,
    ) => {
      const g = pw.preluBackward(
        pw.tensor(ds, shape),
        { x: pw.tensor(xs, shape) },
        { slope, channelAxis },
      );
      return Array.from(new Uint32Array((await g.dslope!.read()).buffer));
    };
    const a = await run(x, dy, [N, C, H], 1);
    const b = await run(x, dy, [N, C, H], 1);
    const c = await run(xl, dyl, [N * H, C], -1);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    pw.destroy();
  });
});

describe('device lifetime', () => {
  it('a lost device gives DEVICE_LOST, and a new instance works afterwards', async () => {
    const pw = await pointwise(webgpuBackend());
    const x = pw.tensor([1, -2, 3]);
    (gpuDeviceOf(pw) as GPUDevice).destroy();
    await new Promise((r) => setTimeout(r, 50));
    await expect(async () => pw.relu(x)).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    const again = await pointwise(webgpuBackend());
    expect(Array.from(await again.relu(again.tensor([1, -2, 3])).read())).toEqual([1, 0, 3]);
    again.destroy();
  });

  it('a process that runs ops and destroys exits on its own', async () => {
    const script = fileURLToPath(new URL('./fixtures/exit.mjs', import.meta.url));
    const start = Date.now();
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [script], { timeout: 20_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    expect(out.trim()).toBe('0,0,3,ok');
    expect(Date.now() - start).toBeLessThan(15_000);
  });
  it('instances destroyed with work in flight: no crash, pending reads settle, the process exits', async () => {
    const script = fileURLToPath(new URL('./fixtures/churn.mjs', import.meta.url));
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', script], { timeout: 120_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    const lines = out.trim().split('\n');
    expect(lines.at(-1)).toBe('ok');
    // a read issued before destroy() either finished or was refused with the lifetime code
    for (const line of lines.slice(0, -1))
      expect(line).toMatch(/^(resolved|rejected INSTANCE_DESTROYED): \d+$/);
  });
});

describe('interop', () => {
  it('wraps a GPUBuffer as a tensor and exposes a result’s GPUBuffer', async () => {
    const pw = await pointwise(webgpuBackend());
    const device = gpuDeviceOf(pw) as GPUDevice;
    const buffer = device.createBuffer({ size: 16, usage: 0x80 | 0x4 | 0x8 });
    device.queue.writeBuffer(buffer, 0, new Float32Array([-1, 2, -3, 4]));
    const x = wrapGPUBuffer(pw, buffer, 'float32', [4]);
    const y = pw.relu(x);
    expect(gpuBufferOf(y)).not.toBe(buffer);
    const copy = device.createBuffer({ size: 16, usage: 0x80 | 0x4 | 0x8 });
    const encoder = device.createCommandEncoder();
    await pw.flush();
    encoder.copyBufferToBuffer(gpuBufferOf(y) as GPUBuffer, 0, copy, 0, 16);
    device.queue.submit([encoder.finish()]);
    const z = wrapGPUBuffer(pw, copy, 'float32', [4]);
    expect(Array.from(await z.read())).toEqual([0, 2, 0, 4]);
    x.dispose();
    expect(buffer.size).toBe(16); // the user's buffer is left alone
    pw.destroy();
  });
});
