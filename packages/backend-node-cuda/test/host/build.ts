// Compiles cuda/*.cu (the kernels' own sources, PW_KERNEL expanding to host loops) and
// harness.cpp into one shared library with the host C++ compiler ($CXX, else g++), cached
// under .host-cache/ by a hash of the sources and flags. IEEE float semantics: no fast
// math, no FMA contraction, so the arithmetic is the one the GPU runs with -fmad=false.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

// the package root (overridable for the bundled device runner's --host-harness mode)
const root = process.env.POINTWISE_CUDA_PACKAGE_ROOT ?? new URL('../..', import.meta.url).pathname;
export const HOST_FLAGS = [
  '-std=c++17',
  '-O2',
  '-shared',
  '-fPIC',
  '-ffp-contract=off',
  '-fno-fast-math',
  '-fno-strict-aliasing',
  '-Wall',
];

export function hostCompiler(): string | null {
  const candidates = process.env.CXX ? [process.env.CXX] : ['g++', 'c++', 'clang++'];
  for (const cxx of candidates) {
    if (spawnSync(cxx, ['--version'], { encoding: 'utf8' }).status === 0) return cxx;
  }
  return null;
}

/** Path of the host library, built if the cache has none for these sources. */
export function buildHostLibrary(): string {
  const cxx = hostCompiler();
  if (cxx === null) {
    throw new Error(
      'no host C++ compiler (g++): the host harness compiles cuda/*.cu for the CPU; install g++ (apt-get install g++) or set CXX',
    );
  }
  const cudaDir = join(root, 'cuda');
  const sources = [
    ...readdirSync(cudaDir)
      .filter((f) => f.endsWith('.cu'))
      .sort()
      .map((f) => join(cudaDir, f)),
    join(root, 'test/host/harness.cpp'),
  ];
  const headers = readdirSync(cudaDir)
    .filter((f) => f.endsWith('.cuh'))
    .sort()
    .map((f) => join(cudaDir, f));
  const hash = createHash('sha256');
  hash.update(`${cxx}\n${HOST_FLAGS.join(' ')}\n`);
  for (const f of [...sources, ...headers]) hash.update(f).update(readFileSync(f));
  const dir = join(root, '.host-cache');
  const lib = join(dir, `libpointwise-host-${hash.digest('hex').slice(0, 16)}.so`);
  if (existsSync(lib)) return lib;
  mkdirSync(dir, { recursive: true });
  const tmp = `${lib}.${process.pid}.tmp`;
  execFileSync(cxx, [...HOST_FLAGS, '-x', 'c++', ...sources, '-o', tmp], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  renameSync(tmp, lib);
  return lib;
}
