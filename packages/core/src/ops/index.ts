// The op registry: every op definition, in the order of SPEC. A Pointwise instance
// gets its methods from this list; the conformance suite reads it too.

import { clippedRelu } from './clippedRelu.js';
import { dropout } from './dropout.js';
import { elu } from './elu.js';
import { leakyRelu } from './leakyRelu.js';
import { prelu } from './prelu.js';
import { relu } from './relu.js';
import { shiftedRelu } from './shiftedRelu.js';
import { sparseDropout } from './sparseDropout.js';
import { thresholdedRelu } from './thresholdedRelu.js';

export const activations = [
  relu,
  leakyRelu,
  prelu,
  thresholdedRelu,
  shiftedRelu,
  clippedRelu,
  elu,
] as const;
export const ops = [...activations, dropout, sparseDropout] as const;

/** The activation names in SPEC order, as literal types (apps build menus from them). */
export const ACTIVATION_NAMES = [
  'relu',
  'leakyRelu',
  'prelu',
  'thresholdedRelu',
  'shiftedRelu',
  'clippedRelu',
  'elu',
] as const;
/** Every op name (the kernel registry's keys) in SPEC order. */
export const OP_NAMES = [...ACTIVATION_NAMES, 'dropout', 'sparseDropout'] as const;

export {
  clippedRelu,
  dropout,
  elu,
  leakyRelu,
  prelu,
  relu,
  shiftedRelu,
  sparseDropout,
  thresholdedRelu,
};
