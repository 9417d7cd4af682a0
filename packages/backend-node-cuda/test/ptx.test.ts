// The committed PTX: fresh against cuda/*.cu (regenerated with nvcc where it exists; CI
// machines without nvcc skip that part and say so), embedded unchanged in
// src/ptx.generated.ts, built for compute_75 with a header saying how to regenerate.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PTX } from '../src/ptx.generated.js';
import { ptxIsaVersion, requiredDriverVersion } from '../src/ptx-version.js';

const root = new URL('..', import.meta.url).pathname;
const hasNvcc = spawnSync('nvcc', ['--version']).status === 0;
const modules = readdirSync(join(root, 'cuda'))
  .filter((f) => f.endsWith('.cu'))
  .map((f) => f.slice(0, -3))
  .sort();

describe('committed PTX', () => {
  it.skipIf(!hasNvcc)(
    'is what nvcc makes of cuda/*.cu today (scripts/build-ptx.mjs --check)',
    () => {
      const run = spawnSync(process.execPath, [join(root, 'scripts/build-ptx.mjs'), '--check'], {
        encoding: 'utf8',
      });
      expect(run.stderr + run.stdout).toMatch(/PTX up to date/);
      expect(run.status).toBe(0);
    },
  );
  if (!hasNvcc) {
    it('freshness check skipped: nvcc is not on PATH (install the CUDA toolkit to run it)', () => {
      console.warn('ptx freshness: SKIPPED, nvcc not found on PATH');
    });
  }

  it('has one module per cuda/*.cu, embedded byte for byte in src/ptx.generated.ts', () => {
    expect(Object.keys(PTX).sort()).toEqual(modules);
    for (const name of modules) {
      expect(PTX[name], name).toBe(readFileSync(join(root, 'ptx', `${name}.ptx`), 'utf8'));
    }
  });

  it('says how it was made and how to regenerate it, and targets sm_75 without nvcc version comments', () => {
    for (const [name, text] of Object.entries(PTX)) {
      expect(text.split('\n')[0], name).toContain(`cuda/${name}.cu`);
      expect(text, name).toContain('-arch=compute_75 -fmad=false');
      expect(text, name).toContain('build:ptx');
      expect(text, name).toMatch(/^\.target sm_75$/m);
      expect(text, name).not.toMatch(/Compiler Build ID|Cuda compilation tools/);
    }
    const ts = readFileSync(join(root, 'src/ptx.generated.ts'), 'utf8');
    expect(ts.split('\n')[0]).toMatch(/GENERATED/);
  });

  it('needs a CUDA 13.0 (R580) driver: PTX ISA 9.0', () => {
    for (const text of Object.values(PTX)) expect(ptxIsaVersion(text)).toBe('9.0');
    expect(requiredDriverVersion(PTX)).toBe(13000);
  });

  it('contains no fused multiply-add and no approximate division (-fmad=false, no fast math)', () => {
    for (const [name, text] of Object.entries(PTX)) {
      expect(text, name).not.toMatch(/\bfma\.rn\.f32\b/);
      expect(text, name).not.toMatch(/\b(div|rcp|sqrt)\.approx\b|\.ftz\./);
    }
  });
});
