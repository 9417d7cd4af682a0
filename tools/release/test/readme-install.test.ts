// The README install lines and runnable examples the rehearsal extracts: tarball commands
// from ```sh blocks (with the line they are on), registry arguments kept apart, and which
// snippets can run with a given set of installed packages.
import { describe, expect, it } from 'vitest';
import { canRun, pointwisePackagesOf, tarballInstallCommands } from '../src/readme-install.js';

const readme = [
  '# x',
  '',
  '```sh',
  'pnpm pack:all',
  'npm install ../pointwise/dist-packages/pointwise-core.tgz ../pointwise/dist-packages/pointwise-backend-js.tgz  # the pair',
  '```',
  '',
  'After the first release:',
  '',
  '```sh',
  'npm install @pointwise/core @pointwise/backend-js',
  '```',
  '',
  '```sh',
  'pnpm add ../p/dist-packages/pointwise-core.tgz ../p/dist-packages/pointwise-backend-webgpu.tgz webgpu@0.6.2',
  '```',
  '',
  '```js',
  '// npm install ./dist-packages/pointwise-core.tgz is not in a sh block',
  '```',
].join('\n');

describe('tarballInstallCommands', () => {
  it('finds the tarball lines of sh blocks, not the registry line nor code blocks', () => {
    const found = tarballInstallCommands(readme, 'README.md');
    expect(found).toEqual([
      {
        file: 'README.md',
        line: 5,
        text: 'npm install ../pointwise/dist-packages/pointwise-core.tgz ../pointwise/dist-packages/pointwise-backend-js.tgz',
        tarballs: ['pointwise-core.tgz', 'pointwise-backend-js.tgz'],
        others: [],
      },
      {
        file: 'README.md',
        line: 15,
        text: 'pnpm add ../p/dist-packages/pointwise-core.tgz ../p/dist-packages/pointwise-backend-webgpu.tgz webgpu@0.6.2',
        tarballs: ['pointwise-core.tgz', 'pointwise-backend-webgpu.tgz'],
        others: ['webgpu@0.6.2'],
      },
    ]);
  });

  it('finds nothing in a README that only has the registry line', () => {
    expect(
      tarballInstallCommands(
        '```sh\nnpm install @pointwise/core @pointwise/backend-js\n```\n',
        'R',
      ),
    ).toEqual([]);
  });
});

describe('canRun', () => {
  const installed = new Set(['@pointwise/core', '@pointwise/backend-js']);
  it('runs a snippet whose @pointwise imports are installed, static, dynamic or subpath', () => {
    const code =
      "import { runConformance } from '@pointwise/core/conformance';\nconst m = await import('@pointwise/backend-js');";
    expect(pointwisePackagesOf(code)).toEqual(['@pointwise/core', '@pointwise/backend-js']);
    expect(canRun({ code }, installed)).toBe(true);
  });
  it('skips one that needs another backend, one with declare stand-ins, one with no import', () => {
    expect(canRun({ code: "import { x } from '@pointwise/backend-webgpu';" }, installed)).toBe(
      false,
    );
    expect(
      canRun(
        { code: "import { pointwise } from '@pointwise/core';\ndeclare const t: number;" },
        installed,
      ),
    ).toBe(false);
    expect(canRun({ code: 'console.log(1);' }, installed)).toBe(false);
    const withTf =
      "import * as tf from '@tensorflow/tfjs';\nimport { pointwise } from '@pointwise/core';";
    expect(canRun({ code: withTf }, installed)).toBe(false);
    const withNode =
      "import { cpus } from 'node:os';\nimport { pointwise } from '@pointwise/core';";
    expect(canRun({ code: withNode }, installed)).toBe(true);
  });
});
