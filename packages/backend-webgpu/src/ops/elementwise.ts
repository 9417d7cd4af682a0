// The element-wise kernel shape shared by the activations: one float32 (as u32
// bits) per invocation, inputs and output bound as chunks of at most the binding
// limit, a forward in place (y = x) bound once as read_write. An op supplies only
// `fn f(...) -> u32` over bit patterns; params arrive as uniform words P0..P13.

import {
  type Bound,
  range,
  type UniformPatch,
  type WebGpuBuffer,
  type WebGpuDevice,
} from '../backend.js';
import { COMMON, MAIN_ARGS, UNIFORM } from './wgsl.js';

/** WGSL names of the uniform words after (n, base). */
export const PARAMS = `
fn P0() -> u32 { return u.w0.z; }
fn P1() -> u32 { return u.w0.w; }
fn P2() -> u32 { return u.w1.x; }
fn P3() -> u32 { return u.w1.y; }
fn P4() -> u32 { return u.w1.z; }
fn P5() -> u32 { return u.w1.w; }
fn P6() -> u32 { return u.w2.x; }
fn P7() -> u32 { return u.w2.y; }
fn P8() -> u32 { return u.w2.z; }
`;

function source(inputs: number, alias: number, extras: number, fn: string): string {
  const decls: string[] = [];
  let binding = 1;
  for (let i = 0; i < inputs; i++) {
    if (i !== alias)
      decls.push(`@group(0) @binding(${binding++}) var<storage, read> in${i}: array<u32>;`);
  }
  decls.push(`@group(0) @binding(${binding++}) var<storage, read_write> o: array<u32>;`);
  for (let e = 0; e < extras; e++)
    decls.push(`@group(0) @binding(${binding++}) var<storage, read> e${e}: array<u32>;`);
  const args = Array.from({ length: inputs }, (_, i) => (i === alias ? 'o[i]' : `in${i}[i]`));
  return `${UNIFORM}${decls.join('\n')}
${COMMON}${PARAMS}
${fn}
@compute @workgroup_size(256)
fn main(${MAIN_ARGS}) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
  if (i >= u.w0.x) { return; }
  o[i] = f(${args.join(', ')}, u.w0.y + i);
}
`;
}

/**
 * Enqueue `o[i] = f(inputs[0][i], …, globalIndex)` over `size` elements. `extras`
 * are whole read-only buffers (`e0`, …), e.g. prelu's slopes. `devicePatches` take
 * param words from device buffers (`P0` is word 2).
 */
export function runElementwise(
  dev: WebGpuDevice,
  op: string,
  key: string,
  fn: string,
  size: number,
  inputs: WebGpuBuffer[],
  output: WebGpuBuffer,
  params: number[],
  extras: WebGpuBuffer[] = [],
  devicePatches: readonly UniformPatch[] = [],
): void {
  dev.check(op);
  if (size === 0) return;
  const alias = inputs.findIndex((b) => b.buffer === output.buffer);
  const kinds = [
    'uniform',
    ...inputs.filter((_, i) => i !== alias).map(() => 'read'),
    'write',
    ...extras.map(() => 'read'),
  ] as const;
  const kernel = dev.kernel(
    `${key}/${inputs.length}/${alias}/${extras.length}`,
    kinds as never,
    () => source(inputs.length, alias, extras.length, fn),
  );
  const chunk = dev.chunkElements(4);
  for (let base = 0; base < size; base += chunk) {
    const len = Math.min(chunk, size - base);
    const bound: Bound[] = [];
    inputs.forEach((b, i) => {
      if (i !== alias) bound.push(range(b, base, len, 4));
    });
    bound.push(range(output, base, len, 4));
    for (const e of extras) bound.push({ buffer: e });
    dev.dispatch(kernel, Math.ceil(len / 256), [len, base, ...params], bound, devicePatches);
  }
}
