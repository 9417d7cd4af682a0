// Bundle entry for tfjs's own published specs (tfjs-core 4.22 dist/*_test.js): boots
// jasmine, starts the tfjs backend named by PW_SPEC_BACKEND, installs every Pointwise
// kernel and gradient on it when PW_SPEC_ADAPTER=1 (wasm: also with wasmSimd when
// PW_SPEC_WASM_SIMD=1), loads the relevant specs in order
// (require keeps that order; jasmine's globals must exist first) and prints one JSON
// line with each spec's full name and status. Built by esbuild (run.ts).

const jasmineRequire = require('jasmine-core');
const jasmine = jasmineRequire.boot();
const env = jasmine.getEnv();
// a hang guard, not a speed check: jasmine's 5 s default was hit on a loaded 2-core machine
// while the first prelu gradient spec compiled Pointwise's webgpu pipelines (5.7 s)
jasmine.DEFAULT_TIMEOUT_INTERVAL = 60_000;

const backend = process.env.PW_SPEC_BACKEND;
const withAdapter = process.env.PW_SPEC_ADAPTER === '1';

if (backend === 'webgpu') {
  // Dawn for Node on SwiftShader, as backend-webgpu's tests use it.
  const fs = require('node:fs');
  const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (!process.env.VK_ICD_FILENAMES && fs.existsSync(icd)) process.env.VK_ICD_FILENAMES = icd;
  const { create, globals } = require('webgpu');
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: create([]) },
    configurable: true,
  });
}

const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');
require('@tensorflow/tfjs-core/dist/register_all_gradients');
require('@tensorflow/tfjs-backend-cpu');
if (backend === 'wasm') {
  require('@tensorflow/tfjs-backend-wasm').setWasmPaths(process.env.PW_SPEC_WASM_DIR);
}
if (backend === 'webgpu') require('@tensorflow/tfjs-backend-webgpu');

const { setTestEnvs } = require('@tensorflow/tfjs-core/dist/jasmine_util');
setTestEnvs([{ name: `test-${backend}`, backendName: backend, isDataSync: true }]);

let installed = null;
async function install() {
  if (!withAdapter) return;
  const { installPointwise, KERNEL_NAMES } = require('../../src/index.ts');
  const options = { backends: [backend], kernels: KERNEL_NAMES, gradients: true };
  // on wasm the gradients run wasm-simd's kernels in place on tfjs's heap; with
  // PW_SPEC_WASM_SIMD=1 they copy into a @pointwise/backend-wasm-simd heap instead
  if (process.env.PW_SPEC_WASM_SIMD === '1') {
    const { wasmSimdBackend } = require('@pointwise/backend-wasm-simd');
    options.wasmSimd = await wasmSimdBackend({ threads: 1 }).create();
    options.wasmRoute = 'copy';
  }
  // webgpu: a Pointwise instance on tfjs's own GPUDevice. tfjs's harness resets the engine
  // before every suite, which re-creates the webgpu backend on a new device, so a top-level
  // beforeEach (below) installs again whenever the device changed, as a user must.
  if (backend === 'webgpu') {
    if (!(await tf.setBackend('webgpu')))
      throw new Error('tfjs could not start its webgpu backend');
    await installOnWebgpuDevice(options);
    return;
  }
  installed = installPointwise(tf, options);

  // PW_SPEC_SABOTAGE=1 swaps Relu for an identity, so the test can show the specs catch a wrong kernel.
  if (process.env.PW_SPEC_SABOTAGE === '1') {
    const relu = tf.getKernel('Relu', backend);
    tf.unregisterKernel('Relu', backend);
    tf.registerKernel({
      ...relu,
      kernelFunc: ({ inputs, backend: b }) => {
        b.incRef(inputs.x.dataId);
        return { dataId: inputs.x.dataId, shape: inputs.x.shape, dtype: inputs.x.dtype };
      },
    });
  }
}

let webgpuDevice = null;
let webgpuPw = null;
async function installOnWebgpuDevice(options) {
  // import(), not require(): the same (ESM) copy of core that the adapter's source imports
  const { webgpuBackend } = await import('@pointwise/backend-webgpu');
  const { pointwise } = await import('@pointwise/core');
  const { installPointwise } = require('../../src/index.ts');
  if (installed) installed.uninstall();
  if (webgpuPw) webgpuPw.destroy();
  webgpuDevice = tf.backend().device;
  webgpuPw = await pointwise(webgpuBackend({ device: webgpuDevice }));
  installed = installPointwise(tf, { ...options, webgpu: webgpuPw });
}
if (backend === 'webgpu' && withAdapter) {
  const { KERNEL_NAMES } = require('../../src/index.ts');
  beforeEach(async () => {
    if (tf.getBackend() === 'webgpu' && tf.backend().device !== webgpuDevice)
      await installOnWebgpuDevice({ backends: ['webgpu'], kernels: KERNEL_NAMES, gradients: true });
  });
}

// The suites under test (prelu lives in binary_ops_test next to other binary ops).
const SUITES = ['relu ', 'relu6 ', 'leakyrelu ', 'prelu ', 'elu ', 'step kernel ', 'clipByValue '];
env.configure({
  random: false,
  specFilter: (spec) => SUITES.some((s) => spec.getFullName().startsWith(s)),
});
require('@tensorflow/tfjs-core/dist/ops/relu_test');
require('@tensorflow/tfjs-core/dist/ops/relu6_test');
require('@tensorflow/tfjs-core/dist/ops/leaky_relu_test');
require('@tensorflow/tfjs-core/dist/ops/elu_test');
require('@tensorflow/tfjs-core/dist/ops/binary_ops_test');
require('@tensorflow/tfjs-core/dist/ops/step_test');
require('@tensorflow/tfjs-core/dist/ops/clip_by_value_test');

const specs = [];
const activeBackends = new Set();
// a top-level beforeEach runs after each suite's beforeAll has set the backend
beforeEach(() => activeBackends.add(tf.getBackend()));
env.addReporter({
  specDone: (r) => {
    if (r.status === 'excluded') return;
    specs.push({
      name: r.fullName,
      status: r.status,
      messages: r.failedExpectations.map((e) => e.message.slice(0, 300)),
    });
  },
  jasmineDone: (r) => {
    const result = {
      backend,
      adapter: withAdapter,
      activeBackends: [...activeBackends],
      kernels: installed ? installed.kernels : [],
      gradients: installed ? installed.gradients : [],
      overall: r.overallStatus,
      globalErrors: r.failedExpectations.map((e) => e.message.slice(0, 300)),
      specs,
    };
    process.stdout.write(`PW_SPEC_RESULT ${JSON.stringify(result)}\n`);
  },
});
install().then(
  () => env.execute(),
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
