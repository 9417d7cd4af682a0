// Compiles the AssemblyScript kernels in asm/ to wasm (SIMD on) and writes
// src/kernels.generated.ts, which embeds the binary as base64 so the package needs
// no file fetch or bundler config. Run by `pnpm build`; alone: `node scripts/build-wasm.mjs`.
// Without the compiler installed it keeps the committed generated file.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generated = join(root, 'src', 'kernels.generated.ts');

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
  if (!existsSync(generated))
    throw new Error('assemblyscript is not installed and no generated module exists');
  console.warn(
    'build-wasm: assemblyscript not installed; keeping the committed src/kernels.generated.ts',
  );
  process.exit(0);
}
const out = join(mkdtempSync(join(tmpdir(), 'pw-wasm-')), 'kernels.wasm');
execFileSync(process.execPath, [asc, join(root, 'asm', 'index.ts'), ...ASC_FLAGS, '-o', out], {
  stdio: 'inherit',
});
const bytes = readFileSync(out);
const base64 = bytes.toString('base64');
const lines = base64.match(/.{1,100}/g) ?? [];
writeFileSync(
  generated,
  `// GENERATED FILE, do not edit. The SIMD kernels from asm/*.ts compiled by AssemblyScript
// with: asc asm/index.ts ${ASC_FLAGS.join(' ')}
// Regenerate: pnpm --filter @pointwise/backend-wasm-simd build:wasm (also part of build).
// ${bytes.length} bytes of wasm, base64.

export const KERNELS_WASM_BASE64 =
${lines.map((l) => `  '${l}'`).join(' +\n')};
`,
);
console.log(`build-wasm: ${bytes.length} bytes -> src/kernels.generated.ts`);
