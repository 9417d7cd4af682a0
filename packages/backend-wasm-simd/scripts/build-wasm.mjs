// Compiles the AssemblyScript kernels in asm/ to wasm (SIMD on) and writes
// src/kernels.generated.ts (and src/gradients.generated.ts), which embed the binaries as base64 so the package needs
// no file fetch or bundler config. Two builds of the same sources: the single-thread one
// (own memory, exported) and the threaded one (imported shared memory: every worker
// instantiates it on the backend's one WebAssembly.Memory); and, from asm/gradients.ts,
// the in-place gradient module (memory imported, no data) in a plain and a shared twin.
// Run by `pnpm build`; alone: `node scripts/build-wasm.mjs`.
// Without the compiler installed it keeps the committed generated file.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'src', 'kernels.generated.ts');
const generatedGradients = join(root, 'src', 'gradients.generated.ts');

/** Compiler flags; the memory reservation is documented in README (growing detaches views). */
export const ASC_FLAGS = [
  '--enable',
  'simd',
  '-O3',
  '--runtime',
  'stub',
  '--noAssert',
  '--initialMemory',
  '1024',
  '--maximumMemory',
  '65536',
];

/** Extra flags of the threaded build: memory imported from env.memory and shared. */
export const ASC_SHARED_FLAGS = [
  '--enable',
  'threads',
  '--importMemory',
  '--sharedMemory',
  // a fresh WebAssembly.Memory is zeroed: no zero data segments, so a worker's
  // instantiation rewrites only the constant tables (same bytes), never scratch
  '--zeroFilledMemory',
];

/**
 * The in-place gradient module (asm/gradients.ts): memory imported (any size, no
 * maximum, so tfjs-wasm's own memory fits), no zero data segments. Its shared twin
 * declares the 4 GiB maximum a shared import needs (tfjs's threaded build has it).
 */
export const ASC_GRADIENT_FLAGS = [
  '--enable',
  'simd',
  '-O3',
  '--runtime',
  'stub',
  '--noAssert',
  '--importMemory',
  '--initialMemory',
  '0',
  '--zeroFilledMemory',
];
export const ASC_GRADIENT_SHARED_FLAGS = [
  '--enable',
  'threads',
  '--sharedMemory',
  '--maximumMemory',
  '65536',
];

function findAsc() {
  try {
    const require = createRequire(join(root, 'package.json'));
    return join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc.js');
  } catch {
    return null;
  }
}

const asc = findAsc();
if (asc === null) {
  if (!existsSync(generated) || !existsSync(generatedGradients))
    throw new Error('assemblyscript is not installed and no generated module exists');
  console.warn(
    'build-wasm: assemblyscript not installed; keeping the committed src/kernels.generated.ts',
  );
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'pw-wasm-'));
function compile(name, flags, entry = 'index.ts') {
  const out = join(dir, name);
  execFileSync(process.execPath, [asc, join(root, 'asm', entry), ...flags, '-o', out], {
    stdio: 'inherit',
  });
  return readFileSync(out);
}
const base64Lines = (bytes) =>
  (bytes.toString('base64').match(/.{1,100}/g) ?? []).map((l) => `  '${l}'`).join(' +\n');
const single = compile('kernels.wasm', ASC_FLAGS);
const shared = compile('kernels-shared.wasm', [...ASC_FLAGS, ...ASC_SHARED_FLAGS]);
const grad = compile('gradients.wasm', ASC_GRADIENT_FLAGS, 'gradients.ts');
const gradShared = compile(
  'gradients-shared.wasm',
  [...ASC_GRADIENT_FLAGS, ...ASC_GRADIENT_SHARED_FLAGS],
  'gradients.ts',
);
writeFileSync(
  generated,
  `// GENERATED FILE, do not edit. The SIMD kernels from asm/*.ts compiled by AssemblyScript
// with: asc asm/index.ts ${ASC_FLAGS.join(' ')}
// and, for the threaded build, the same plus ${ASC_SHARED_FLAGS.join(' ')}
// Regenerate: pnpm --filter @pointwise/backend-wasm-simd build:wasm (also part of build).
// ${single.length} + ${shared.length} bytes of wasm, base64.

export const KERNELS_WASM_BASE64 =
${base64Lines(single)};

export const KERNELS_SHARED_WASM_BASE64 =
${base64Lines(shared)};
`,
);
writeFileSync(
  generatedGradients,
  `// GENERATED FILE, do not edit. The in-place gradient module (asm/gradients.ts) compiled
// by AssemblyScript with: asc asm/gradients.ts ${ASC_GRADIENT_FLAGS.join(' ')}
// and its shared twin, the same plus ${ASC_GRADIENT_SHARED_FLAGS.join(' ')}
// Regenerate: pnpm --filter @pointwise/backend-wasm-simd build:wasm (also part of build).
// ${grad.length} + ${gradShared.length} bytes of wasm, base64.

export const GRADIENTS_WASM_BASE64 =
${base64Lines(grad)};

export const GRADIENTS_SHARED_WASM_BASE64 =
${base64Lines(gradShared)};
`,
);
console.log(
  `build-wasm: ${single.length} + ${shared.length} bytes -> src/kernels.generated.ts, ${grad.length} + ${gradShared.length} -> src/gradients.generated.ts`,
);
