// Typed-array views shared by the js kernels (a float32 buffer seen as int32 bits,
// a learnable scalar read from its buffer).

export function asInt32(buffer: unknown): Int32Array {
  const f = buffer as Float32Array;
  return new Int32Array(f.buffer, f.byteOffset, f.length);
}

/** A learnable scalar: the host number, or the one float32 in its device buffer. */
export function scalarParam(value: number, buffer: unknown): number {
  return buffer === null ? value : (buffer as Float32Array)[0]!;
}
