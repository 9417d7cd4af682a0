// Kernels: the four passes of sparse dropout (see sparseDropout.cuh); ids are copied as
// opaque 32- or 64-bit words.
#include "sparseDropout.cuh"

PW_KERNEL(pw_sparse_decide,
          (pw_sparse_decide_block(blk, PwDraw{threshold, seedLo, seedHi, streamLo, streamHi},
                                  lengths, segments, keep, outLengths, blockSums)),
          const i32* lengths, u64 segments, u32 threshold, u32 seedLo, u32 seedHi, u32 streamLo,
          u32 streamHi, u8* keep, i32* outLengths, u64* blockSums)
PW_KERNEL(pw_sparse_scan_blocks, (pw_sparse_scan_blocks_block(blk, blockSums, blocks, totals)),
          u64* blockSums, u64 blocks, u64* totals)
PW_KERNEL(pw_sparse_offsets,
          (pw_sparse_offsets_block(blk, lengths, outLengths, blockSums, segments, inOff, outOff)),
          const i32* lengths, const i32* outLengths, const u64* blockSums, u64 segments,
          u64* inOff, u64* outOff)
PW_KERNEL(pw_sparse_scatter32,
          (pw_sparse_scatter_block<u32>(blk, values, inOff, outOff, keep, segments, total,
                                        replacement, out)),
          const u32* values, const u64* inOff, const u64* outOff, const u8* keep, u64 segments,
          u64 total, u32 replacement, u32* out)
PW_KERNEL(pw_sparse_scatter64,
          (pw_sparse_scatter_block<u64>(blk, values, inOff, outOff, keep, segments, total,
                                        replacement, out)),
          const u64* values, const u64* inOff, const u64* outOff, const u8* keep, u64 segments,
          u64 total, u64 replacement, u64* out)
