// relu per element, on bit patterns: y = x <= 0 ? +0 : x (NaN passes, -0 -> +0);
// dx = source <= 0 ? +0 : dy (source is x or y: y <= 0 exactly where x <= 0).
#pragma once
#include "map.cuh"

struct PwReluForward {
  PW_HD float operator()(u64, float x, float, double&) const {
    return pw_le0(pw_bits(x)) ? pw_float(0u) : x;
  }
};

struct PwReluBackward {
  PW_HD float operator()(u64, float dy, float s, double&) const {
    return pw_le0(pw_bits(s)) ? pw_float(0u) : dy;
  }
};
