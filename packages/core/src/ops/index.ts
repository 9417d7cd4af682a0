// The op registry: every op definition, in the order of SPEC. A Pointwise instance
// gets its methods from this list; the conformance suite reads it too.

import { clippedRelu } from './clippedRelu.js';
import { dropout } from './dropout.js';
import { elu } from './elu.js';
import { leakyRelu } from './leakyRelu.js';
import { prelu } from './prelu.js';
import { relu } from './relu.js';
import { sparseDropout } from './sparseDropout.js';
import { thresholdedRelu } from './thresholdedRelu.js';

export const activations = [relu, leakyRelu, prelu, thresholdedRelu, clippedRelu, elu] as const;
export const ops = [...activations, dropout, sparseDropout] as const;

export { clippedRelu, dropout, elu, leakyRelu, prelu, relu, sparseDropout, thresholdedRelu };
