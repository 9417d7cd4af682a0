// clippedRelu per element: y = x <= 0 ? +0 : (x >= c ? c : x); dx = (s <= 0 or s >= c) ?
// +0 : dy; the dceiling term of element i is (x >= c ? dy : 0), summed by the tree.
#pragma once
#include "map.cuh"

struct PwClippedForward {
  u32 c;
  PW_HD float operator()(u64, float x, float, double&) const {
    const u32 b = pw_bits(x);
    return pw_le0(b) ? pw_float(0u) : (pw_ge(b, c) ? pw_float(c) : x);
  }
};

struct PwClippedBackward {
  u32 c;
  PW_HD float operator()(u64, float dy, float s, double& acc) const {
    const u32 b = pw_bits(s);
    const bool top = pw_ge(b, c);
    if (top) acc += (double)dy;
    return (pw_le0(b) || top) ? pw_float(0u) : dy;
  }
};
