// Elu and EluGrad: Pointwise's elu (expm1 in float64, within 2 ulp; -0 kept) with
// tfjs's fixed alpha 1, and its backward from y (dy * (y + 1) where y <= 0).
// PointwiseElu / PointwiseEluGrad are elu with any alpha, backward from x.

import { jsKernels } from '@pointwise/backend-js';
import { alphaForward, alphaGrad } from './alpha.js';
import { gradFloat, type NewKernel, type Override, unaryFloat } from './common.js';
import { refuseNonFloat } from './refuse.js';

export const eluOverride: Override = {
  kernelName: 'Elu',
  make: (original) =>
    unaryFloat('Elu', original, (x, y, size) =>
      jsKernels.elu.forward({ x, y, size, params: { alpha: 1 } }),
    ),
};

export const eluGradOverride: Override = {
  kernelName: 'EluGrad',
  make: () =>
    gradFloat('EluGrad', 'y', (dy, y, dx, size) =>
      jsKernels.elu.backward({ dy, source: y, from: 'y', dx, size, params: { alpha: 1 } }),
    ).kernelFunc,
};

export const eluAlpha: NewKernel = {
  kernelName: 'PointwiseElu',
  kernelFunc: unaryFloat('PointwiseElu', refuseNonFloat('elu'), alphaForward('elu')),
};

export const eluAlphaGrad: NewKernel = alphaGrad('PointwiseEluGrad', 'elu');
