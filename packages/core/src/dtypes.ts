// Element types a tensor may hold, and the typed arrays that carry them on the host.
// float32 is the compute type; uint8 holds dropout masks; int32 / int64 hold
// sparse-dropout ids and lengths.

export type DType = 'float32' | 'uint8' | 'int32' | 'int64';

export interface HostArrayOf {
  float32: Float32Array;
  uint8: Uint8Array;
  int32: Int32Array;
  int64: BigInt64Array;
}

export type HostArray = HostArrayOf[DType];

/** Every dtype a tensor may have. */
export const DTYPES: readonly DType[] = ['float32', 'uint8', 'int32', 'int64'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4,
  uint8: 1,
  int32: 4,
  int64: 8,
};

export function allocHostArray<D extends DType>(dtype: D, size: number): HostArrayOf[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size) as HostArrayOf[D];
    case 'uint8':
      return new Uint8Array(size) as HostArrayOf[D];
    case 'int32':
      return new Int32Array(size) as HostArrayOf[D];
    case 'int64':
      return new BigInt64Array(size) as HostArrayOf[D];
    default:
      // core validates dtypes first; this guards backends called directly
      throw new TypeError(`unknown dtype ${String(dtype)}`);
  }
}

/** The dtype a host typed array maps to, or null if it is not one Pointwise stores. */
export function dtypeOfHostArray(data: unknown): DType | null {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return null;
}
