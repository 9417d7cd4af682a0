// A minimal protobuf writer, just enough to emit ONNX ModelProto bytes in memory
// (varints, length-delimited fields, fixed32 floats). No dependency on protobufjs:
// the bench builds one-node models, so a few field helpers cover it.

export type Bytes = Uint8Array;

export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function key(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

export function concat(parts: readonly Bytes[]): Bytes {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Varint field (int32, int64, enum, bool). */
export function fieldVarint(field: number, value: number | bigint | boolean): Bytes {
  return Uint8Array.from([
    ...key(field, 0),
    ...varint(typeof value === 'boolean' ? Number(value) : value),
  ]);
}

/** Length-delimited field (string, bytes, embedded message, packed repeated). */
export function fieldBytes(field: number, payload: Bytes | string): Bytes {
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return concat([Uint8Array.from([...key(field, 2), ...varint(body.length)]), body]);
}

/** fixed32 float field. */
export function fieldFloat(field: number, value: number): Bytes {
  const body = new Uint8Array(4);
  new DataView(body.buffer).setFloat32(0, value, true);
  return concat([Uint8Array.from(key(field, 5)), body]);
}

export function message(...fields: Bytes[]): Bytes {
  return concat(fields);
}
