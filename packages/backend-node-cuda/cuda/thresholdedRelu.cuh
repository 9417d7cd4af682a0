// thresholdedRelu per element: y = x <= alpha ? +0 : x; dx = source <= alpha ? +0 : dy.
// The compare is on the total order of the bit patterns (NaN is never <= alpha).
#pragma once
#include "map.cuh"

struct PwThresholdedForward {
  u32 alpha;
  PW_HD float operator()(u64, float x, float, double&) const {
    return pw_le(pw_bits(x), alpha) ? pw_float(0u) : x;
  }
};

struct PwThresholdedBackward {
  u32 alpha;
  PW_HD float operator()(u64, float dy, float s, double&) const {
    return pw_le(pw_bits(s), alpha) ? pw_float(0u) : dy;
  }
};
