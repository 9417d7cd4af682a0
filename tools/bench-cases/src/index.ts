// @pointwise/bench-cases: the benchmark's case list, byte accounting and deterministic
// inputs, shared by apps/bench and backend-node-cuda's device runner so a row means the
// same work on every machine.

export { bytesPerElement, copyBytes, gigabytesPerSecond } from './bytes.js';
export {
  type BenchCase,
  casesFor,
  type Direction,
  expandCases,
  OP_NAMES,
  type OpName,
  PARAMS,
  PRELU_CHANNELS,
} from './cases.js';
export { benchShape, preluSlopes, uniformInputs } from './inputs.js';
