// isAvailable() and its reasons. Here (no NVIDIA driver) the real probe says the driver
// library is missing, pointwise() rejects with BACKEND_UNAVAILABLE, and core's probe (the
// conformance CLI's) reports the same reason. A probe stub of libcuda.so.1
// (fixtures/probe-libcuda.c, compiled here) gives the other reasons: no device, driver
// older than the PTX needs, compute capability below 7.5, a missing device ordinal.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PointwiseError, pointwise, probeBackend } from '@pointwise/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_TOO_OLD, nodeCudaBackend, pointwiseBackend } from '../src/index.js';
import { hostCompiler } from './host/build.js';

const root = new URL('..', import.meta.url).pathname;
const realDriver = ['/usr/lib/x86_64-linux-gnu/libcuda.so.1', '/usr/lib64/libcuda.so.1'].some(
  existsSync,
);

function stubLibrary(defines: string[] = [], name = 'probe-libcuda.so'): string {
  const dir = join(root, '.host-cache');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, name);
  execFileSync(hostCompiler()!, [
    ...defines,
    '-x',
    'c',
    '-shared',
    '-fPIC',
    join(root, 'test/fixtures/probe-libcuda.c'),
    '-o',
    out,
  ]);
  return out;
}

afterEach(() => {
  delete process.env.POINTWISE_PROBE_STUB;
});

describe.skipIf(realDriver)('without an NVIDIA driver (this machine)', () => {
  it('is unavailable because libcuda.so.1 is not found, under both export names', async () => {
    for (const factory of [nodeCudaBackend(), pointwiseBackend()]) {
      expect(factory.name).toBe('node-cuda');
      const status = await factory.isAvailable();
      expect(status.available).toBe(false);
      expect((status as { reason: string }).reason).toMatch(
        /^libcuda\.so\.1 \(the NVIDIA CUDA driver library\) not found: .*cannot open shared object file/,
      );
    }
  });
  it('pointwise() rejects with BACKEND_UNAVAILABLE and the reason', async () => {
    const error = await pointwise(nodeCudaBackend()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PointwiseError);
    expect((error as PointwiseError).code).toBe('BACKEND_UNAVAILABLE');
    expect((error as PointwiseError).message).toMatch(/libcuda\.so\.1/);
  });
  it('core probeBackend (the conformance CLI) lists it unavailable with that reason', async () => {
    const probe = await probeBackend('node-cuda', () => import('../src/index.js'));
    expect(probe.available).toBe(false);
    expect((probe as { reason: string }).reason).toMatch(/libcuda\.so\.1.*not found/);
  });
  it('create() without a driver throws BACKEND_UNAVAILABLE too', async () => {
    await expect(nodeCudaBackend().create()).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
    });
  });
});

describe('reasons, from a probe stub of the driver library', () => {
  const lib = stubLibrary();
  const reason = async (mode: string, device?: number) => {
    process.env.POINTWISE_PROBE_STUB = mode;
    const status = await nodeCudaBackend({ libraryPath: lib, device }).isAvailable();
    return status.available ? 'available' : status.reason;
  };
  it('a working driver and a 9.0 GPU: available', async () => {
    expect(await reason('ok')).toBe('available');
  });
  it('cuInit says no device', async () => {
    expect(await reason('no-device')).toBe('no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)');
  });
  it('a CUDA 12.8 driver: driver too old for this PTX (needs R580+)', async () => {
    const text = await reason('old-driver');
    expect(text.startsWith(DRIVER_TOO_OLD)).toBe(true);
    expect(DRIVER_TOO_OLD).toBe('driver too old for this PTX (needs R580+)');
    expect(text).toMatch(/supports CUDA 12\.8, the kernels need CUDA 13\.0/);
  });
  it('zero devices, or a device ordinal that does not exist', async () => {
    expect(await reason('zero-devices')).toBe('no CUDA device');
    expect(await reason('ok', 3)).toBe('no CUDA device 3 (1 device present)');
  });
  it('compute capability 7.0 is below the 7.5 floor', async () => {
    expect(await reason('old-gpu')).toBe(
      'Probe Stub GPU has compute capability 7.0; node-cuda needs 7.5 or newer',
    );
  });
  it('a library path that does not exist is named in the reason', async () => {
    const status = await nodeCudaBackend({
      libraryPath: '/nonexistent/libcuda.so.1',
    }).isAvailable();
    expect((status as { reason: string }).reason).toMatch(
      /^\/nonexistent\/libcuda\.so\.1 .*not found/,
    );
  });
  it('a driver library without an entry point we bind: driver too old', async () => {
    const old = stubLibrary(['-DPOINTWISE_STUB_WITHOUT_LAUNCH'], 'probe-libcuda-old.so');
    const status = await nodeCudaBackend({ libraryPath: old }).isAvailable();
    expect((status as { reason: string }).reason).toMatch(
      /^driver too old for this PTX \(needs R580\+\): .* has no cuLaunchKernel/,
    );
  });
});
