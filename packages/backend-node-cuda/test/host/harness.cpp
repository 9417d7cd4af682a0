// Host memory for the test harness (test-only, never shipped): the kernels in cuda/*.cu,
// compiled for the host with the same sources, get 256-byte aligned host blocks as their
// "device" memory, as cuMemAlloc would give.
#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" uint64_t pw_host_alloc(uint64_t bytes) {
  const uint64_t rounded = (bytes + 255) / 256 * 256;
  return (uint64_t)std::aligned_alloc(256, rounded);
}

extern "C" void pw_host_free(uint64_t ptr) { std::free((void*)ptr); }

extern "C" void pw_host_upload(uint64_t dst, const void* src, uint64_t bytes) {
  std::memcpy((void*)dst, src, bytes);
}

extern "C" void pw_host_download(void* dst, uint64_t src, uint64_t bytes) {
  std::memcpy(dst, (const void*)src, bytes);
}

extern "C" void pw_host_copy(uint64_t dst, uint64_t src, uint64_t bytes) {
  std::memmove((void*)dst, (const void*)src, bytes);
}
