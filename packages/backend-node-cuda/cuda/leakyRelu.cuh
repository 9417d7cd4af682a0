// leakyRelu per element: y = x < 0 ? alpha*x : x; dx = source > 0 ? dy : alpha*dy
// (from y too when alpha > 0: y has x's sign, and y = -0 only where x < 0 or x = -0).
// The products are single IEEE multiplies (no FMA contraction, subnormals kept).
#pragma once
#include "map.cuh"

struct PwLeakyForward {
  float alpha;
  PW_HD float operator()(u64, float x, float, double&) const {
    return pw_lt0(pw_bits(x)) ? alpha * x : x;
  }
};

struct PwLeakyBackward {
  float alpha;
  PW_HD float operator()(u64, float dy, float s, double&) const {
    return pw_gt0(pw_bits(s)) ? dy : alpha * dy;
  }
};
