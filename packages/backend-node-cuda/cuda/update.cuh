// The fused SGD step per element: param = f32(param - f32(lr * grad)), two IEEE roundings
// (built with -fmad=false on the GPU and -ffp-contract=off on the host: never an FMA).
#pragma once
#include "map.cuh"

struct PwSgdStep {
  float lr;
  PW_HD float operator()(u64, float p, float g, double&) const { return p - lr * g; }
};
