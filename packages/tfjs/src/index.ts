// @pointwise/tfjs: Pointwise's kernels inside TensorFlow.js, on tfjs's own memory.
//   import * as tf from '@tensorflow/tfjs';
//   const pw = installPointwise(tf); ... pw.uninstall();

export {
  DEFAULT_GRADIENTS,
  DEFAULT_KERNELS,
  type Installation,
  type InstallOptions,
  installPointwise,
  KERNEL_NAMES,
  registerNewKernels,
  SUPPORTED_BACKENDS,
  type SupportedBackend,
  type TfRegistry,
} from './install.js';
export { preluLayout } from './kernels/prelu.js';
export { type WasmGradientRoute, wasmGradientRoute } from './kernels/wasmInPlace.js';
export type { WasmSimdLike } from './kernels/wasmSimd.js';
export { type PointwiseLayerClasses, pointwiseLayers, type TfLayersHost } from './layers.js';
export {
  clippedRelu,
  type DropoutWithReplacementOptions,
  dropoutWithReplacement,
  elu,
  registerPointwiseOps,
  type SparseDropoutOptions,
  shiftedRelu,
  sparseDropoutWithReplacement,
  thresholdedRelu,
} from './ops.js';
export { storageOf } from './storage.js';
