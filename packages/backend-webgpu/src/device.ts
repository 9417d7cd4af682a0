// Finding a GPUDevice: the user's own (GPU, adapter or device), the browser's
// navigator.gpu, or in Node the optional `webgpu` package (Dawn). On Linux without
// a GPU, Dawn runs on SwiftShader when VK_ICD_FILENAMES names its Vulkan driver;
// we point it at Debian Chromium's copy when the variable is unset and the file
// exists. Every failure becomes a reason string for isAvailable().

/**
 * Where the device comes from. The WebGPU objects are typed `object` so that the
 * published declarations need neither DOM nor @webgpu/types; pass the real ones.
 */
export interface DeviceOptions {
  /** A `GPU` object (navigator.gpu, or `create([...])` from the webgpu package). */
  gpu?: object;
  /** A `GPUAdapter`. */
  adapter?: object;
  /** A `GPUDevice`, used as is (the caller keeps ownership: destroy() does not destroy it). */
  device?: object;
  /** Flags for the webgpu package's create() in Node, e.g. ['enable-dawn-features=disable_robustness']. */
  dawnFlags?: string[];
  powerPreference?: 'low-power' | 'high-performance';
}

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface Opened {
  device: GPUDevice;
  gpu: unknown;
  ownsDevice: boolean;
}

type Failure = { reason: string };

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/**
 * One Dawn instance per set of flags, kept for the life of the process. dawn.node
 * crashes (SIGSEGV, or `std::system_error` / "The futex facility returned an
 * unexpected error code") when the object `create()` returned is garbage-collected
 * after its device was destroyed; keeping it reachable avoids that, and one
 * instance serves any number of devices (docs/DECISIONS.md #115).
 */
const dawnInstances = new Map<string, GPU>();

async function nodeGpu(flags: string[]): Promise<GPU | Failure> {
  let mod: { create: (flags: string[]) => GPU };
  try {
    mod = (await import(/* @vite-ignore */ 'webgpu')) as typeof mod;
  } catch (error) {
    return {
      reason: `the webgpu package (Dawn for Node) is not installed: npm install webgpu@0.6.2 (${(error as Error).message})`,
    };
  }
  if (process.platform === 'linux' && !process.env.VK_ICD_FILENAMES) {
    try {
      const fs = await import('node:fs');
      if (fs.existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    } catch {
      // no fs: leave Vulkan's own discovery alone
    }
  }
  const key = JSON.stringify(flags);
  let gpu = dawnInstances.get(key);
  if (!gpu) {
    gpu = mod.create(flags);
    dawnInstances.set(key, gpu);
  }
  return gpu;
}

async function vulkanHint(): Promise<string> {
  if (!isNode() || process.platform !== 'linux') return '';
  try {
    const fs = await import('node:fs');
    const dirs = [
      '/usr/lib/x86_64-linux-gnu',
      '/usr/lib/aarch64-linux-gnu',
      '/usr/lib64',
      '/usr/lib',
    ];
    const loader = dirs.some((d) => fs.existsSync(`${d}/libvulkan.so.1`));
    if (!loader)
      return ' (the Vulkan loader libvulkan.so.1 is missing: apt-get install libvulkan1; without a GPU also install chromium for SwiftShader)';
    if (!process.env.VK_ICD_FILENAMES && !fs.existsSync(SWIFTSHADER_ICD))
      return ' (no Vulkan driver found; without a GPU install Debian chromium and set VK_ICD_FILENAMES to its vk_swiftshader_icd.json)';
  } catch {
    return '';
  }
  return '';
}

/** Open a device, or say why not. */
export async function openDevice(options: DeviceOptions): Promise<Opened | Failure> {
  if (options.device) return { device: options.device as GPUDevice, gpu: null, ownsDevice: false };
  let adapter = (options.adapter as GPUAdapter | undefined) ?? null;
  let gpu: GPU | null = (options.gpu as GPU | undefined) ?? null;
  if (!adapter) {
    if (!gpu) {
      const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
      if (nav?.gpu) gpu = nav.gpu;
      else if (isNode()) {
        const found = await nodeGpu(options.dawnFlags ?? []);
        if ('reason' in found) return found;
        gpu = found;
      } else return { reason: 'WebGPU is not available here (no navigator.gpu)' };
    }
    adapter = await gpu.requestAdapter(
      options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
    );
    if (!adapter) return { reason: `no WebGPU adapter${await vulkanHint()}` };
  }
  const wanted = [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupsPerDimension',
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const name of wanted) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  return { device, gpu, ownsDevice: true };
}
