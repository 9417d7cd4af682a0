// The wasm copies of the copy ceiling (DECISIONS #290): `memory.copy` (the engine's own
// bulk copy) and a SIMD loop shaped like the wasm-simd kernels (64 bytes per iteration,
// four v128 loads then four stores), without and with a 4-byte load of the destination
// TOUCH_AHEAD bytes ahead (the kernels' touchAhead, on or off per machine). The module is
// a few hundred bytes encoded here by hand, so the bench needs no wasm toolchain; it
// imports its memory.

/** How far ahead of its stores the SIMD copy loads the destination (the kernels' default). */
export const TOUCH_AHEAD = 1024;

/** The exported functions: copy `n` bytes from `src` to `dst` (n a multiple of 64 for simd). */
export interface WasmCopies {
  memoryCopy(dst: number, src: number, n: number): void;
  simdCopy(dst: number, src: number, n: number): void;
  simdTouchCopy(dst: number, src: number, n: number): void;
}

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

const I32 = 0x7f;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_LOAD = 0x28;
const I32_GE_U = 0x4f;
const I32_LT_U = 0x49;
const DROP = 0x1a;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR_IF = 0x0d;
const END = 0x0b;
const VOID = 0x40;

/** v128.load / v128.store at `offset` (align 16). */
const v128Load = (offset: number) => [0xfd, 0x00, 4, ...uleb(offset)];
const v128Store = (offset: number) => [0xfd, 0x0b, 4, ...uleb(offset)];

/** The module's bytes: (import "e" "m" memory), exports memoryCopy, simdCopy, simdTouchCopy. */
export function copyModuleBytes(touchAhead = TOUCH_AHEAD): Uint8Array<ArrayBuffer> {
  const [dst, src, n, end] = [0, 1, 2, 3];
  // biome-ignore format: wasm instructions, one per line
  const memoryCopyBody = [
    0, // no locals
    LOCAL_GET, dst, LOCAL_GET, src, LOCAL_GET, n,
    0xfc, 0x0a, 0, 0, // memory.copy 0 0
    END,
  ];
  // biome-ignore format: wasm instructions, one per line
  const moveChunk = (offset: number) => [
    LOCAL_GET, dst, LOCAL_GET, src, ...v128Load(offset), ...v128Store(offset),
  ];
  // biome-ignore format: wasm instructions, one per line
  const simdBody = (touch: boolean) => [
    1, 1, I32, // one i32 local: end
    LOCAL_GET, src, LOCAL_GET, n, I32_ADD, LOCAL_SET, end,
    BLOCK, VOID,
    LOCAL_GET, src, LOCAL_GET, end, I32_GE_U, BR_IF, 0,
    LOOP, VOID,
    // touch the destination ahead (the kernels' touchAhead), value dropped
    ...(touch ? [LOCAL_GET, dst, I32_LOAD, 2, ...uleb(touchAhead), DROP] : []),
    ...moveChunk(0), ...moveChunk(16), ...moveChunk(32), ...moveChunk(48),
    LOCAL_GET, dst, I32_CONST, 0xc0, 0x00, I32_ADD, LOCAL_SET, dst,
    LOCAL_GET, src, I32_CONST, 0xc0, 0x00, I32_ADD, LOCAL_TEE, src,
    LOCAL_GET, end, I32_LT_U, BR_IF, 0,
    END,
    END,
    END,
  ];
  // biome-ignore format: wasm instructions, one per line
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, I32, I32, I32, 0]),
    ...section(2, [1, ...name('e'), ...name('m'), 0x02, 0x00, 1]),
    ...section(3, [3, 0, 0, 0]),
    ...section(7, [
      3,
      ...name('memoryCopy'), 0x00, 0,
      ...name('simdCopy'), 0x00, 1,
      ...name('simdTouchCopy'), 0x00, 2,
    ]),
    ...section(10, [
      3,
      ...uleb(memoryCopyBody.length), ...memoryCopyBody,
      ...uleb(simdBody(false).length), ...simdBody(false),
      ...uleb(simdBody(true).length), ...simdBody(true),
    ]),
  ];
  return new Uint8Array(bytes);
}

let compiled: WebAssembly.Module | null = null;

/** Instantiates the copies on `memory` (the module is compiled once per process). */
export function wasmCopies(memory: WebAssembly.Memory): WasmCopies {
  compiled ??= new WebAssembly.Module(copyModuleBytes());
  const instance = new WebAssembly.Instance(compiled, { e: { m: memory } });
  return instance.exports as unknown as WasmCopies;
}
