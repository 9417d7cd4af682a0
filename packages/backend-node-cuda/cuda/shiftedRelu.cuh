// shiftedRelu per element (SPEC: relu with a learnable threshold t): y = x <= t ? +0 :
// f32(x - t); dx = s <= t' ? +0 : dy, where from x t' = t and from y t' = 0 (y <= 0 holds
// exactly where x <= t); the dthreshold term is -dy where the gradient passes, so the
// tree sum is exactly -(sum of passed dy). The difference is one IEEE subtraction.
#pragma once
#include "map.cuh"

struct PwShiftedForward {
  float t;
  PW_HD float operator()(u64, float x, float, double&) const {
    return pw_le(pw_bits(x), pw_bits(t)) ? pw_float(0u) : x - t;
  }
};

struct PwShiftedBackward {
  u32 limit;  // bits of t (from x) or of +0 (from y)
  PW_HD float operator()(u64, float dy, float s, double& acc) const {
    if (pw_le(pw_bits(s), limit)) return pw_float(0u);
    acc += -(double)dy;
    return dy;
  }
};
