// destroy() releases the backend's memory: in a child Node process with --expose-gc,
// a wasm-simd instance (and a js one) that is destroyed while the user still holds
// the instance and its tensors lets the garbage collector reclaim the module's linear
// memory / the tensors' arrays, and the process exits on its own.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

const script = `
import { pointwise } from '@pointwise/core';
import { jsBackend } from '@pointwise/backend-js';
import { wasmSimdBackend } from ${JSON.stringify(dist)};

const pw = await pointwise(wasmSimdBackend());
const memory = new WeakRef(pw.backend.wasm.exports.memory);
const x = pw.tensor(new Float32Array(1 << 20).fill(1));
pw.relu(x);
pw.destroy();

const js = await pointwise(jsBackend());
const big = js.tensor(new Float32Array(1 << 20).fill(2));
const array = new WeakRef(big.bufferFor('test', 'x'));
js.destroy();

for (let i = 0; i < 10 && (memory.deref() || array.deref()); i++) {
  await new Promise((r) => setTimeout(r, 10));
  globalThis.gc();
}
// the user's references are still alive here
console.log(JSON.stringify({
  wasmReleased: memory.deref() === undefined,
  jsReleased: array.deref() === undefined,
  stillHeld: [typeof pw.relu, x.size, big.size],
}));
`;

describe('destroy()', () => {
  it('releases linear memory (wasm-simd) and tensor arrays (js) while the user holds the instance', () => {
    const result = spawnSync(
      process.execPath,
      ['--expose-gc', '--input-type=module', '-e', script],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(report).toEqual({
      wasmReleased: true,
      jsReleased: true,
      stillHeld: ['function', 1 << 20, 1 << 20],
    });
  });
});
