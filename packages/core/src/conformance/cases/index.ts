// Every conformance case, in a stable order: golden vectors, activations, exact products
// and differences on random pairs, elu with rounding
// gradients, dropout, sparse dropout, errors, memory, lifetime, api, device parameters,
// preallocated outputs, paramGrad: false, training (recorded params, bound ops, tensor
// writes / clones / views, sgdStep).

import type { BackendFactory } from '../../backend.js';
import type { ConformanceCase } from '../case.js';
import { activationCases } from './activations.js';
import { apiCases } from './api.js';
import { deviceParamCases } from './deviceParams.js';
import { dropoutCases } from './dropout.js';
import { eluGradientCases } from './eluGradients.js';
import { errorCases } from './errors.js';
import { goldenCases } from './golden.js';
import { lifetimeCases } from './lifetime.js';
import { memoryCases } from './memory.js';
import { outputCases } from './outputs.js';
import { paramGradCases } from './paramGrad.js';
import { productCases } from './products.js';
import { sparseDropoutCases } from './sparseDropout.js';
import { trainingCases } from './training.js';

/** All cases; `factory` lets the foreign-tensor case open a second instance of the same backend. */
export function conformanceCases(factory: BackendFactory | null = null): ConformanceCase[] {
  return [
    ...goldenCases(),
    ...activationCases(),
    ...productCases(),
    ...eluGradientCases(),
    ...dropoutCases(),
    ...sparseDropoutCases(),
    ...errorCases(() => factory),
    ...memoryCases(),
    ...lifetimeCases(() => factory),
    ...apiCases(() => factory),
    ...deviceParamCases(() => factory),
    ...outputCases(() => factory),
    ...paramGradCases(),
    ...trainingCases(() => factory),
  ];
}
