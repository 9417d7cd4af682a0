// elu per element, evaluated in double and rounded once to float32 (within 1 ulp of the
// float64 reference; SPEC allows 2): y = x > 0 ? x : alpha*expm1(x); from x dx = x > 0 ?
// dy : dy*(alpha*exp(x)); from y dx = y > 0 ? dy : dy*(y + alpha). The x > 0 branch is a
// select on the bit pattern, so x and dy pass unchanged.
#pragma once
#include "map.cuh"

struct PwEluForward {
  float alpha;
  PW_HD float operator()(u64, float x, float, double&) const {
    return pw_gt0(pw_bits(x)) ? x : (float)((double)alpha * expm1((double)x));
  }
};

struct PwEluBackward {
  float alpha;
  u32 fromY;
  PW_HD float operator()(u64, float dy, float s, double&) const {
    if (pw_gt0(pw_bits(s))) return dy;
    const double f = fromY ? (double)s + (double)alpha : (double)alpha * exp((double)s);
    return (float)((double)dy * f);
  }
};
