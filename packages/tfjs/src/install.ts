// installPointwise: swaps tfjs's kernels (and the gradients Pointwise computes in one
// pass) for Pointwise's, per tfjs backend, and returns uninstall(), which puts back
// exactly the configs tfjs had and re-runs their setupFunc on the active backend.

import { type Pointwise, PointwiseError } from '@pointwise/core';
import { type GradientHost, gradientConfigs } from './gradients.js';
import { runOriginal } from './kernels/common.js';
import { NEW_KERNELS, OVERRIDES } from './kernels/index.js';
import {
  inPlaceGradients,
  inPlaceLeakyRelu,
  wasmInPlaceGradKernels,
} from './kernels/wasmInPlace.js';
import { type WasmSimdLike, wasmSimdGradKernels } from './kernels/wasmSimd.js';
import type { GradConfig, KernelConfig } from './tfTypes.js';
import { WEBGPU_NEW, WEBGPU_OVERRIDES, webgpuDeviceOf } from './webgpu.js';

export const SUPPORTED_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
/** The backends whose kernels run on tfjs's storage without a Pointwise instance. */
const HOST_BACKENDS = ['cpu', 'wasm'] as const;
export type SupportedBackend = (typeof SUPPORTED_BACKENDS)[number];

/** Every tfjs kernel Pointwise can replace. */
export const KERNEL_NAMES = [
  'Relu',
  'Relu6',
  'LeakyRelu',
  'Prelu',
  'Elu',
  'EluGrad',
  'Step',
  'ClipByValue',
  '_FusedMatMul',
  'FusedConv2D',
] as const;

/**
 * Per tfjs backend, the kernels installed by default: only where Pointwise was measured
 * no slower than tfjs's own kernel, or where tfjs's is wrong (README, DECISIONS #201).
 * On wasm, Pointwise's js kernels over tfjs's heap are slower than XNNPACK: Prelu, only
 * for the broadcasts tfjs-wasm computes wrongly (tensorflow/tfjs#7458), and LeakyRelu,
 * run by wasm-simd's kernel in place on tfjs's memory (tfjs-wasm's is a scalar C loop;
 * where the memory is out of reach, tfjs's own runs); the rest stays XNNPACK. Naming
 * kernels in `options.kernels` installs them in full.
 */
export const DEFAULT_KERNELS: Record<SupportedBackend, readonly string[]> = {
  cpu: KERNEL_NAMES,
  wasm: ['Prelu', 'LeakyRelu'],
  // By measurement (bench tfjs-adapter target, README): Prelu is faster than tfjs-webgpu's
  // in every run; the rest measured slower in some or all runs on SwiftShader but fix bits
  // tfjs-webgpu gets wrong there (relu(-0), relu6(NaN), elu near 0 and at NaN, subnormals
  // the device flushes; test/webgpu.test.ts shows each). Step stays tfjs's own (no
  // webgpu override). DECISIONS #283
  webgpu: ['Relu', 'Relu6', 'LeakyRelu', 'Prelu', 'Elu', 'EluGrad', 'ClipByValue'],
};

/**
 * Per tfjs backend, whether the one-pass gradients are installed by default. On wasm
 * they run wasm-simd's kernels in place on tfjs-wasm's memory, and only where that
 * memory is reached (else tfjs's gradients run, or the copy route with `wasmSimd`).
 * webgpu: the relu, relu6 and prelu gradients measured faster than tfjs's composed ones,
 * leakyRelu's slower on SwiftShader but exact where the device flushes tfjs's alpha*dy (#283).
 */
export const DEFAULT_GRADIENTS: Record<SupportedBackend, boolean> = {
  cpu: true,
  wasm: true,
  webgpu: true,
};

/** The parts of a tfjs namespace (`@tensorflow/tfjs` or `-core`) installPointwise uses. */
export interface TfRegistry extends GradientHost {
  getKernel(kernelName: string, backendName: string): KernelConfig | undefined;
  registerKernel(config: KernelConfig): void;
  unregisterKernel(kernelName: string, backendName: string): void;
  getGradient(kernelName: string): GradConfig | undefined;
  registerGradient(config: GradConfig): void;
  unregisterGradient(kernelName: string): void;
  getBackend(): string;
  backend(): unknown;
}

export interface InstallOptions {
  /** tfjs backends to install on (default: cpu and wasm, and webgpu when `webgpu` is given). */
  backends?: readonly SupportedBackend[];
  /** Kernels to replace (default: DEFAULT_KERNELS per backend). */
  kernels?: readonly string[];
  /**
   * Use the one-pass relu, relu6, leakyRelu and prelu gradients on the chosen backends
   * (default: DEFAULT_GRADIENTS per backend, and wasm too when `wasmSimd` is given).
   * tfjs's gradient still runs elsewhere.
   */
  gradients?: boolean;
  /**
   * @deprecated Not needed: the one-pass gradients on tfjs's wasm backend run
   * wasm-simd's kernels in place on tfjs's own memory. Still accepted: a created
   * `@pointwise/backend-wasm-simd` backend, used (copying into its heap) only where
   * tfjs-wasm's memory cannot be reached.
   */
  wasmSimd?: WasmSimdLike;
  /**
   * How the gradients reach tfjs-wasm's heap: 'auto' (default): wasm-simd's kernels in
   * place on tfjs's memory, where it is reached (`wasmGradientRoute(tf.backend())`),
   * else the copy route with `wasmSimd`, else tfjs's own gradients; 'copy': always copy
   * into `wasmSimd`'s heap and back (needs `wasmSimd`); 'js': Pointwise's js kernels over
   * tfjs's heap (slower than tfjs's; for comparison). Measured in the README.
   */
  wasmRoute?: 'auto' | 'copy' | 'js';
  /**
   * A Pointwise instance on tfjs's own GPUDevice,
   * `await pointwise(webgpuBackend({ device: tf.backend().device }))` (with
   * `@pointwise/backend-webgpu`): its WGSL kernels then run on tfjs-webgpu's buffers.
   */
  webgpu?: Pointwise;
}

export interface Installation {
  /** `backend/kernel` pairs now running Pointwise. */
  readonly kernels: readonly string[];
  /** Gradient configs now Pointwise's. */
  readonly gradients: readonly string[];
  /** Restores tfjs's originals exactly; a second call does nothing. */
  uninstall(): void;
}

function badOption(arg: string, value: unknown, reason: string): PointwiseError {
  return new PointwiseError('INVALID_ARGUMENT', { op: 'installPointwise', arg, value }, reason);
}

/** Registers the Pointwise* kernels tfjs does not have, on every supported backend. */
export function registerNewKernels(tf: Pick<TfRegistry, 'getKernel' | 'registerKernel'>): void {
  for (const backendName of HOST_BACKENDS)
    for (const k of NEW_KERNELS)
      if (tf.getKernel(k.kernelName, backendName) === undefined)
        tf.registerKernel({
          kernelName: k.kernelName,
          backendName,
          kernelFunc: k.kernelFunc as never,
        });
}

export function installPointwise(tf: TfRegistry, options: InstallOptions = {}): Installation {
  if (typeof tf !== 'object' || tf === null || typeof tf.registerKernel !== 'function')
    throw badOption(
      'tf',
      tf,
      'must be the tfjs namespace (import * as tf from "@tensorflow/tfjs")',
    );
  const gpu = options.webgpu;
  const backends: readonly SupportedBackend[] =
    options.backends ?? (gpu === undefined ? HOST_BACKENDS : SUPPORTED_BACKENDS);
  if (!Array.isArray(backends)) throw badOption('backends', backends, 'must be an array');
  if (backends.includes('webgpu') && gpu === undefined)
    throw badOption(
      'webgpu',
      gpu,
      "installing on webgpu needs a Pointwise instance on tfjs's device: pointwise(webgpuBackend({ device: tf.backend().device }))",
    );
  const gpuDevice = gpu === undefined ? null : webgpuDeviceOf(gpu);
  for (const b of backends)
    if (!(SUPPORTED_BACKENDS as readonly string[]).includes(b))
      throw badOption(
        'backends',
        b,
        `unsupported tfjs backend; supported: ${SUPPORTED_BACKENDS.join(', ')}`,
      );
  const known = new Set(OVERRIDES.map((o) => o.kernelName));
  if (options.kernels !== undefined) {
    if (!Array.isArray(options.kernels))
      throw badOption('kernels', options.kernels, 'must be an array');
    for (const k of options.kernels)
      if (!known.has(k))
        throw badOption('kernels', k, `unknown kernel; known: ${[...known].join(', ')}`);
  }
  if (options.gradients !== undefined && typeof options.gradients !== 'boolean')
    throw badOption('gradients', options.gradients, 'must be a boolean');
  const simd = options.wasmSimd;
  if (simd !== undefined && (typeof simd !== 'object' || simd === null || !('wasm' in simd)))
    throw badOption('wasmSimd', simd, 'must be a created @pointwise/backend-wasm-simd backend');
  const route = options.wasmRoute ?? 'auto';
  if (route !== 'auto' && route !== 'copy' && route !== 'js')
    throw badOption('wasmRoute', route, "must be 'auto', 'copy' or 'js'");
  if (route === 'copy' && simd === undefined)
    throw badOption('wasmRoute', route, "'copy' needs a created wasm-simd backend as wasmSimd");
  const gradBackends = backends.filter(
    (b: SupportedBackend) => options.gradients ?? DEFAULT_GRADIENTS[b],
  );
  const gradients = gradBackends.length > 0;
  // by default a wasm gradient is Pointwise's only where it runs wasm-simd's kernels:
  // in place, or copying with `wasmSimd`; elsewhere (js over the heap) tfjs's is faster
  const gradientOn = (b: string) =>
    (gradBackends as readonly string[]).includes(b) &&
    (b !== 'wasm' ||
      options.gradients === true ||
      route !== 'auto' ||
      simd !== undefined ||
      inPlaceGradients(tf.backend()) !== null);

  registerNewKernels(tf);
  const savedNew: string[] = [];
  if (gpu !== undefined && gpuDevice !== null && backends.includes('webgpu'))
    for (const [kernelName, make] of Object.entries(WEBGPU_NEW)) {
      if (tf.getKernel(kernelName, 'webgpu') !== undefined)
        tf.unregisterKernel(kernelName, 'webgpu');
      tf.registerKernel({
        kernelName,
        backendName: 'webgpu',
        kernelFunc: make(gpu, gpuDevice, undefined) as never,
      });
      savedNew.push(kernelName);
    }
  const savedKernels: {
    backendName: string;
    kernelName: string;
    original: KernelConfig | undefined;
  }[] = [];
  for (const backendName of backends) {
    const wanted = options.kernels ?? DEFAULT_KERNELS[backendName as SupportedBackend];
    for (const o of OVERRIDES) {
      if (!wanted.includes(o.kernelName)) continue;
      const onGpu = backendName === 'webgpu' ? WEBGPU_OVERRIDES[o.kernelName] : undefined;
      if (backendName === 'webgpu' && onGpu === undefined) continue;
      const original = tf.getKernel(o.kernelName, backendName);
      if (original !== undefined) tf.unregisterKernel(o.kernelName, backendName);
      const fixOnly = options.kernels === undefined && backendName === 'wasm';
      let kernelFunc =
        onGpu !== undefined && gpu !== undefined && gpuDevice !== null
          ? onGpu(gpu, gpuDevice, original)
          : o.make(original, backendName, fixOnly);
      // wasm LeakyRelu by default: wasm-simd's kernel in place (route 'auto'), else tfjs's
      // own (the js kernel is slower); named in `kernels`: in place, else the js kernel
      if (backendName === 'wasm' && o.kernelName === 'LeakyRelu') {
        const tfjsOwn: typeof kernelFunc = (args) => runOriginal(original, args, 'LeakyRelu');
        const otherwise = fixOnly ? tfjsOwn : kernelFunc;
        kernelFunc = route === 'auto' ? inPlaceLeakyRelu(otherwise) : otherwise;
      }
      tf.registerKernel({ kernelName: o.kernelName, backendName, kernelFunc: kernelFunc as never });
      savedKernels.push({ backendName, kernelName: o.kernelName, original });
    }
  }
  const savedSimd: { kernelName: string; original: KernelConfig | undefined }[] = [];
  if (gradBackends.includes('wasm') && route !== 'js') {
    // fallback where tfjs-wasm's memory is out of reach: the copy route, else the js kernel
    const copies = new Map(
      simd === undefined ? [] : wasmSimdGradKernels(simd).map((k) => [k.kernelName, k.kernelFunc]),
    );
    const fallback = (name: string) => {
      const f = copies.get(name) ?? tf.getKernel(name, 'wasm')?.kernelFunc;
      if (f === undefined) throw new Error(`${name}: no wasm kernel to fall back to`);
      return f as never;
    };
    const kernels =
      route === 'copy' && simd !== undefined
        ? wasmSimdGradKernels(simd)
        : wasmInPlaceGradKernels(fallback);
    for (const k of kernels) {
      const original = tf.getKernel(k.kernelName, 'wasm');
      if (original !== undefined) tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel({
        kernelName: k.kernelName,
        backendName: 'wasm',
        kernelFunc: k.kernelFunc as never,
      });
      savedSimd.push({ kernelName: k.kernelName, original });
    }
  }
  const savedGrads: { kernelName: string; original: GradConfig | undefined }[] = [];
  if (gradients) {
    const originals = new Map<string, GradConfig | undefined>();
    const configs = gradientConfigs(tf, (name) => originals.get(name), gradientOn);
    for (const g of configs) {
      const original = tf.getGradient(g.kernelName);
      originals.set(g.kernelName, original);
      if (original !== undefined) tf.unregisterGradient(g.kernelName);
      tf.registerGradient(g);
      savedGrads.push({ kernelName: g.kernelName, original });
    }
  }
  let installed = true;
  return {
    kernels: savedKernels.map((s) => `${s.backendName}/${s.kernelName}`),
    gradients: savedGrads.map((s) => s.kernelName),
    uninstall() {
      if (!installed) return;
      installed = false;
      const now = tf.getBackend();
      for (const s of savedKernels) {
        tf.unregisterKernel(s.kernelName, s.backendName);
        if (s.original === undefined) continue;
        tf.registerKernel(s.original);
        if (s.backendName === now)
          (s.original.setupFunc as ((b: unknown) => void) | undefined)?.(tf.backend());
      }
      for (const k of savedNew) tf.unregisterKernel(k, 'webgpu');
      for (const s of savedSimd) {
        tf.unregisterKernel(s.kernelName, 'wasm');
        if (s.original !== undefined) tf.registerKernel(s.original);
      }
      for (const s of savedGrads) {
        tf.unregisterGradient(s.kernelName);
        if (s.original !== undefined) tf.registerGradient(s.original);
      }
    },
  };
}
