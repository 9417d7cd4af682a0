// The fused SGD step: param = f32(param - f32(lr * grad)), in place, on whole 64-byte
// chunks (the heap pads every block to them). wasm never fuses a multiply and a
// subtract, so each element gets exactly two roundings, as the contract says.

import { paddedBytes } from './common';

export function sgdStep(param: usize, grad: usize, n: i32, lr: f32): void {
  const end = param + paddedBytes(n);
  const d = grad - param;
  const l = f32x4.splat(lr);
  for (let p = param; p < end; p += 64) {
    v128.store(p, f32x4.sub(v128.load(p), f32x4.mul(l, v128.load(p + d))));
    v128.store(p, f32x4.sub(v128.load(p, 16), f32x4.mul(l, v128.load(p + d, 16))), 16);
    v128.store(p, f32x4.sub(v128.load(p, 32), f32x4.mul(l, v128.load(p + d, 32))), 32);
    v128.store(p, f32x4.sub(v128.load(p, 48), f32x4.mul(l, v128.load(p + d, 48))), 48);
  }
}
