// tfjs's webgpu backend in Node for the tfjs-adapter target: Dawn (the `webgpu`
// package) as navigator.gpu before tfjs-backend-webgpu is imported (on a machine
// without a GPU, Dawn runs on SwiftShader: a CPU), and a sync that waits for tfjs's
// recorded and submitted work, so a timed batch covers the GPU's work, not its encoding.

type Tf = typeof import('@tensorflow/tfjs');

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Installs Dawn's globals and navigator.gpu, then imports tfjs-backend-webgpu (registers 'webgpu'). */
export async function loadTfWebGpu(): Promise<void> {
  const { existsSync } = await import('node:fs');
  if (process.platform === 'linux' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: create([]) },
    configurable: true,
    writable: true,
  });
  await import('@tensorflow/tfjs-backend-webgpu');
}

interface TfWebGpuQueue {
  device: { queue: { onSubmittedWorkDone(): Promise<void> } };
  commandEncoder: object | null;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** Submits tfjs's open encoder (if any) and waits until the queue is idle. */
export function tfWebGpuSync(tf: Tf): () => Promise<void> {
  return async () => {
    const b = tf.backend() as unknown as TfWebGpuQueue;
    if (b.commandEncoder !== null) {
      b.endComputePassEncoder();
      b.submitQueue();
    }
    await b.device.queue.onSubmittedWorkDone();
  };
}
