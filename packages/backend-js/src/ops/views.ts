// Typed-array views shared by the js kernels (a float32 buffer seen as int32 bits).

export function asInt32(buffer: unknown): Int32Array {
  const f = buffer as Float32Array;
  return new Int32Array(f.buffer, f.byteOffset, f.length);
}
