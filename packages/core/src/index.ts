// Public entry of @pointwise/core: the user API, the backend interface for
// backend authors, op specs with their float64 references, Philox and errors.

export type {
  ActivationSpec,
  BackwardOptions,
  ForwardOptions,
  SavedForward,
} from './activation.js';
export type { Availability, Backend, BackendFactory, DeviceBuffer, MemoryInfo } from './backend.js';
export {
  BACKEND_NAMES,
  type BackendImporter,
  type BackendName,
  type BackendProbe,
  backendPackageName,
  probeBackend,
  probeBackends,
} from './backends.js';
export type {
  ActivationName,
  ActivationParamsOf,
  BoundActivation,
} from './boundActivation.js';
export {
  allocHostArray,
  BYTES_PER_ELEMENT,
  type DType,
  dtypeOfHostArray,
  type HostArray,
  type HostArrayOf,
} from './dtypes.js';
export { ERROR_CODES, type ErrorCode, PointwiseError } from './errors.js';
export {
  F32_MIN_NORMAL,
  f32,
  f32Bits,
  f32FromBits,
  f32Ordinal,
  f32Step,
  sameF32,
  ulpDistance,
} from './float32.js';
export type * from './kernels.js';
export type { Accuracy, CrossReference, OpContext, OpDefinition } from './op.js';
export type { ClippedReluParams } from './ops/clippedRelu.js';
export {
  DROPOUT_PARAM_KEYS,
  type DropoutResolved,
  type DropoutWithReplacementParams,
  dropoutBackwardReference,
  dropoutReference,
  resolveDropout,
} from './ops/dropout.js';
export type { EluParams } from './ops/elu.js';
export { ACTIVATION_NAMES, activations, OP_NAMES, ops } from './ops/index.js';
export type { LeakyReluParams } from './ops/leakyRelu.js';
export { channelOf, type PreluParams } from './ops/prelu.js';
export type { ReluParams } from './ops/relu.js';
export type { ShiftedReluParams } from './ops/shiftedRelu.js';
export {
  type SparseDropoutWithReplacementParams,
  sparseDropoutReference,
} from './ops/sparseDropout.js';
export type { ThresholdedReluParams } from './ops/thresholdedRelu.js';
export {
  type DropoutDraw,
  dropoutKeepMask,
  dropoutThreshold,
  makeDropoutDraw,
  mulhi32,
  philox4x32,
  splitU64,
} from './philox.js';
export {
  adoptBuffer,
  type Pointwise,
  PointwiseBase,
  pointwise,
  pointwiseWith,
  type TensorData,
} from './pointwise.js';
export { checkDType, checkShape } from './shapes.js';
export { type Shape, Tensor } from './tensor.js';
