// Shared base of every Pointwise CUDA kernel, compiled two ways: by nvcc to PTX (the
// kernels the GPU runs) and by a plain C++ compiler for the host test harness. A kernel
// is a block function over (block index, a loop over thread indices): on the device each
// thread runs its own index and `phase` ends with __syncthreads(); on the host the same
// function runs every thread index in order, phase by phase. State that must survive a
// phase lives in shared arrays indexed by thread, never in a captured local.
#pragma once

#ifdef __CUDACC__
#define PW_HD __host__ __device__ __forceinline__
#define PW_SHARED __shared__
#else
#include <cmath>
#include <cstdint>
#include <cstring>
#define PW_HD inline
#define PW_SHARED
#endif

typedef unsigned int u32;
typedef unsigned long long u64;
typedef int i32;
typedef unsigned char u8;

// Launch geometry, fixed: results never depend on the GPU model.
#define PW_THREADS 256
// float4 vectors per thread per tile
#define PW_VECS 4
// elements per tile (one block): 4096
#define PW_TILE (PW_THREADS * PW_VECS * 4)

#ifdef __CUDACC__
typedef float4 pw_f4;
typedef uint4 pw_u4;
#else
struct alignas(16) pw_f4 {
  float x, y, z, w;
};
struct alignas(16) pw_u4 {
  u32 x, y, z, w;
};
#endif

PW_HD u32 pw_bits(float f) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(f);
#else
  u32 u;
  std::memcpy(&u, &f, 4);
  return u;
#endif
}

PW_HD float pw_float(u32 u) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, 4);
  return f;
#endif
}

PW_HD u32 pw_mulhi(u32 a, u32 b) {
#ifdef __CUDA_ARCH__
  return __umulhi(a, b);
#else
  return (u32)(((u64)a * (u64)b) >> 32);
#endif
}

PW_HD bool pw_aligned16(const void* p) { return ((u64)p & 15u) == 0; }

// ---- comparisons on float32 bit patterns (exact on every device: no DAZ, no NaN surprises)

// x is NaN
PW_HD bool pw_isnan(u32 u) { return (u & 0x7fffffffu) > 0x7f800000u; }
// x > 0: +min subnormal .. +Inf
PW_HD bool pw_gt0(u32 u) { return u - 1u < 0x7f800000u; }
// x < 0: -min subnormal .. -Inf
PW_HD bool pw_lt0(u32 u) { return u - 0x80000001u < 0x7f800000u; }
// x <= 0: +-0 or x < 0 (false for NaN)
PW_HD bool pw_le0(u32 u) { return (u & 0x7fffffffu) == 0 || pw_lt0(u); }
// total order key of a non-NaN float, +0 and -0 equal
PW_HD i32 pw_ord(u32 u) { return (u & 0x80000000u) ? -(i32)(u & 0x7fffffffu) : (i32)u; }
// x <= a (false when x or a is NaN: a device parameter may be a NaN of either sign)
PW_HD bool pw_le(u32 x, u32 a) { return !pw_isnan(x) && !pw_isnan(a) && pw_ord(x) <= pw_ord(a); }
// x >= a (false when x or a is NaN)
PW_HD bool pw_ge(u32 x, u32 a) { return !pw_isnan(x) && !pw_isnan(a) && pw_ord(x) >= pw_ord(a); }

// ---- the block abstraction

struct PwBlock {
  u64 id;
#ifdef __CUDACC__
  __device__ PwBlock() : id(blockIdx.x) {}
  // every thread runs f(own index); no barrier
  template <class F> __device__ void each(F f) { f(threadIdx.x); }
  // every thread runs f(own index), then the block synchronises
  template <class F> __device__ void phase(F f) {
    f(threadIdx.x);
    __syncthreads();
  }
#else
  explicit PwBlock(u64 b) : id(b) {}
  template <class F> void each(F f) {
    for (u32 t = 0; t < PW_THREADS; t++) f(t);
  }
  template <class F> void phase(F f) {
    for (u32 t = 0; t < PW_THREADS; t++) f(t);
  }
#endif
};

// PW_KERNEL(name, body, params...) defines the kernel `name(params...)`. On the device
// it is an extern "C" __global__ entry; on the host, `name(u32 grid, params...)` runs
// `body` for blocks 0 .. grid-1 in order. `blk` is the block in `body`.
#ifdef __CUDACC__
#define PW_KERNEL(name, body, ...)                                                  \
  extern "C" __global__ void __launch_bounds__(PW_THREADS) name(__VA_ARGS__) {      \
    PwBlock blk;                                                                    \
    body;                                                                           \
  }
#else
#define PW_KERNEL(name, body, ...)                                                  \
  extern "C" void name(u32 pw_grid, __VA_ARGS__) {                                  \
    for (u64 pw_b = 0; pw_b < pw_grid; pw_b++) {                                    \
      PwBlock blk(pw_b);                                                            \
      body;                                                                         \
    }                                                                               \
  }
#endif
