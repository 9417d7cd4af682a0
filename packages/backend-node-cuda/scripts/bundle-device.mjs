// Prepares .device-bundle/ for the H200 machine, which has no Node.js: the runner
// (scripts/device/runner.ts with core, the conformance suite, backend-js, this backend and
// the bench's shared cases from tools/bench-cases, bundled into one ESM file by esbuild), koffi's JS and its linux-x64
// .node beside it (node_modules/ layout, so koffi finds its binary), the PyTorch bench,
// and this machine's node binary compressed with xz. Fails if the whole exceeds 64 MiB.
//   node scripts/bundle-device.mjs   then   scripts/device-run.sh .device-bundle
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.device-bundle');
const LIMIT = 64 * 1024 * 1024;
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, 'scripts/device/runner.ts')],
  outfile: join(out, 'runner.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['koffi'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});

// koffi and its prebuilt binary, in a node_modules tree next to the runner
const require = createRequire(join(root, 'package.json'));
const koffiDir = dirname(realpathSync(require.resolve('koffi')));
// pnpm places koffi's optional native package beside it
const nativeDir = realpathSync(join(koffiDir, '..', '@koromix', 'koffi-linux-x64'));
const nm = join(out, 'node_modules');
for (const f of ['package.json', 'index.js', 'index.cjs', 'src/koffi']) {
  cpSync(join(koffiDir, f), join(nm, 'koffi', f), { recursive: true });
}
for (const f of ['package.json', 'index.js', 'linux_x64']) {
  cpSync(join(nativeDir, f), join(nm, '@koromix/koffi-linux-x64', f), { recursive: true });
}
cpSync(join(root, 'scripts/device/torch_bench.py'), join(out, 'torch_bench.py'));
writeFileSync(join(out, 'package.json'), '{ "type": "module", "private": true }\n');

const nodeXz = join(out, 'node.xz');
if (!existsSync(nodeXz)) {
  process.stdout.write(`compressing ${process.execPath} with xz (about 20 s)\n`);
  const data = execFileSync('xz', ['-T2', '-6', '-c', process.execPath], { maxBuffer: 1 << 30 });
  writeFileSync(nodeXz, data);
}

function size(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, f) => sum + size(join(path, f)), 0);
}
const total = size(out);
process.stdout.write(`.device-bundle: ${(total / 2 ** 20).toFixed(1)} MiB (limit 64 MiB)\n`);
if (total > LIMIT) {
  process.stderr.write('bundle too large for the device machine\n');
  process.exit(1);
}
