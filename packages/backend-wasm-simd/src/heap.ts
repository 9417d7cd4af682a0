// The wasm backend's memory: tensors are blocks of the module's linear memory, and
// a DeviceBuffer is { ptr, bytes, block } with ptr a plain byte offset. Blocks are
// 64-byte aligned and padded (kernels run whole 64-byte chunks past n), grouped in
// size classes (4 per doubling, so at most 25% waste) and reused from free lists.
// Memory grows by doubling, because every grow detaches the old ArrayBuffer. Linear
// memory always extends `tail` bytes past the last block: the kernels load their
// output that far ahead of their stores (asm/common.ts touchAhead). Large blocks start
// staggered (STAGGER_STEP), so that tensors made one after another are not a power of
// two apart (DECISIONS #317).

import { BYTES_PER_ELEMENT, type DType, PointwiseError } from '@pointwise/core';

/** The handle the wasm backend gives core for one tensor. */
export interface WasmBuffer {
  /** Byte offset in linear memory. */
  readonly ptr: number;
  /** Bytes requested (size * bytes per element). */
  readonly bytes: number;
  /** Bytes reserved: the block's size class. */
  readonly block: number;
}

const PAGE = 65536;
const MAX_PAGES = 65536; // wasm32: 4 GiB
const MAX_BYTES = MAX_PAGES * PAGE;
const ALIGN = 64;
/** Blocks of at least this many bytes are staggered (#bump). */
const STAGGER_MIN = 1 << 20;
/**
 * The n-th large block starts n * STAGGER_STEP bytes (17 pages), modulo STAGGER_SPAN or a
 * quarter of the block, past the previous block's end (DECISIONS #317). Blocks of one
 * size class are a power of two long, so without it x, dy and y of a call sat exactly
 * 2^k bytes apart, and every element's three lines met in the same cache sets and DRAM
 * banks: relu forward at 2^24 elements ran at 16.6 GB/s against 19.1-19.4 with any
 * stagger of 3 pages or more, clippedRelu 13.7 against 17.1-18.1 (one thread, the AMD
 * EPYC; 64 B and 4 KiB did not help).
 */
const STAGGER_STEP = 17 * 4096;
const STAGGER_SPAN = 1 << 20;

/** The byte offset a kernel export takes for a tensor's DeviceBuffer. */
export function ptr(buffer: unknown): number {
  return (buffer as WasmBuffer).ptr;
}

/** The block size a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const power = 2 ** Math.ceil(Math.log2(bytes));
  const step = Math.max(ALIGN, power / 8);
  return Math.ceil(bytes / step) * step;
}

export class WasmHeap {
  #memory: WebAssembly.Memory | null;
  readonly #free = new Map<number, number[]>();
  #top: number;
  readonly #tail: number;
  #bytes = 0;
  /** Large blocks bumped so far (their stagger index). */
  #large = 0;
  #buffers = 0;
  #f32: Float32Array;
  #u8: Uint8Array;

  /** `tail`: bytes of memory kept past the last block (the kernels' storeAheadBytes()). */
  constructor(memory: WebAssembly.Memory, heapBase: number, tail: number) {
    this.#memory = memory;
    this.#tail = tail;
    this.#top = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.#f32 = new Float32Array(memory.buffer);
    this.#u8 = new Uint8Array(memory.buffer);
  }

  alloc(dtype: DType, size: number, op = 'alloc'): WasmBuffer {
    this.#live();
    // core validates first; this guards the free lists against NaN sizes from direct calls
    const perElement = BYTES_PER_ELEMENT[dtype];
    if (perElement === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new PointwiseError(
        'INVALID_ARGUMENT',
        {
          op,
          arg: perElement === undefined ? 'dtype' : 'size',
          value: perElement === undefined ? dtype : size,
        },
        'the wasm heap needs a known dtype and a non-negative integer size',
      );
    }
    const bytes = size * perElement;
    const block = sizeClass(bytes);
    const list = this.#free.get(block);
    let ptr = list?.pop();
    if (ptr === undefined) ptr = this.#bump(block, op, size, dtype);
    this.#bytes += bytes;
    this.#buffers++;
    return { ptr, bytes, block };
  }

  free(buffer: WasmBuffer): void {
    if (this.#memory === null) return;
    let list = this.#free.get(buffer.block);
    if (list === undefined) {
      list = [];
      this.#free.set(buffer.block, list);
    }
    list.push(buffer.ptr);
    this.#bytes -= buffer.bytes;
    this.#buffers--;
  }

  memory(): { bytes: number; buffers: number } {
    return { bytes: this.#bytes, buffers: this.#buffers };
  }

  /** Drop linear memory (destroy()): the heap refuses to allocate afterwards. */
  destroy(): void {
    this.#memory = null;
    this.#free.clear();
    this.#f32 = new Float32Array(0);
    this.#u8 = new Uint8Array(0);
    this.#bytes = 0;
    this.#buffers = 0;
  }

  #live(): WebAssembly.Memory {
    if (this.#memory === null) {
      throw new PointwiseError(
        'INSTANCE_DESTROYED',
        { op: 'wasm-simd', value: 'heap' },
        'the backend was destroyed',
      );
    }
    return this.#memory;
  }

  /** Current ArrayBuffer of linear memory (a new one after every grow). */
  get buffer(): ArrayBuffer {
    return this.#live().buffer as ArrayBuffer;
  }

  /** A float32 view of all of linear memory, refreshed after a grow. */
  get f32(): Float32Array {
    const memory = this.#live();
    if (this.#f32.buffer !== memory.buffer) this.#f32 = new Float32Array(memory.buffer);
    return this.#f32;
  }

  get u8(): Uint8Array {
    const memory = this.#live();
    if (this.#u8.buffer !== memory.buffer) this.#u8 = new Uint8Array(memory.buffer);
    return this.#u8;
  }

  #bump(block: number, op: string, size: number, dtype: DType): number {
    let ptr = this.#top;
    if (block >= STAGGER_MIN) {
      this.#large++;
      ptr += (this.#large * STAGGER_STEP) % Math.min(STAGGER_SPAN, block / 4);
    }
    const end = ptr + block;
    const need = end + this.#tail;
    const oom = () =>
      new PointwiseError(
        'OUT_OF_MEMORY',
        { op, arg: 'size', value: size },
        `a ${dtype} tensor of ${size} elements does not fit the wasm32 address space (4 GiB, ${this.#bytes} bytes live)`,
      );
    if (need > MAX_BYTES) throw oom();
    const memory = this.#live();
    const have = memory.buffer.byteLength;
    if (need > have) {
      const havePages = have / PAGE;
      const needPages = Math.ceil(need / PAGE) - havePages;
      // double when possible so grows (which detach every view) stay rare
      const wanted = Math.min(MAX_PAGES - havePages, Math.max(needPages, havePages));
      try {
        memory.grow(wanted);
      } catch {
        try {
          memory.grow(needPages);
        } catch {
          throw oom();
        }
      }
    }
    this.#top = end;
    return ptr;
  }
}
