// Size budgets: parsing of budget strings and the budgets file, which runtime entries a
// manifest exposes, the static-import closure, and the comparison with budgets.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  compareWithBudgets,
  measurePackage,
  parseBudgets,
  parseSize,
  runtimeEntries,
  staticClosure,
} from '../src/size.js';

describe('parseSize', () => {
  it.each([
    ['900 B', 900],
    ['12 kB', 12_000],
    ['12kb', 12_000],
    ['1.5 KiB', 1536],
    ['2 MB', 2_000_000],
    ['1 MiB', 1_048_576],
    ['4096', 4096],
  ])('%s -> %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });
  it.each(['', 'twelve kB', '12 parsecs', '-3 kB'])('rejects %j', (text) => {
    expect(() => parseSize(text)).toThrow(/invalid size budget/);
  });
});

describe('parseBudgets', () => {
  it('reads the real budgets file', () => {
    const budgets = parseBudgets(
      readFileSync(new URL('../size-budgets.json', import.meta.url), 'utf8'),
    );
    expect(budgets.get('@pointwise/core')?.get('.')).toBeGreaterThan(0);
  });
  it('rejects a file without "packages" and an unparsable size', () => {
    expect(() => parseBudgets('{}')).toThrow(/packages/);
    expect(() => parseBudgets('{"packages":{"a":{".":"big"}}}')).toThrow(
      /invalid size budget "big"/,
    );
  });
});

describe('runtimeEntries', () => {
  it('lists each subpath per condition and each bin, skipping types and package.json', () => {
    const entries = runtimeEntries({
      name: '@x/a',
      version: '1.0.0',
      exports: {
        '.': {
          import: { types: './dist/i.d.ts', default: './dist/i.js' },
          require: { types: './dist/i.d.cts', default: './dist/i.cjs' },
        },
        './sub': './dist/sub.js',
        './package.json': './package.json',
        './*': './dist/*.js',
      },
      bin: { tool: './dist/cli.js' },
    });
    expect(entries).toEqual([
      { key: '.', condition: 'import.default', file: './dist/i.js' },
      { key: '.', condition: 'require.default', file: './dist/i.cjs' },
      { key: './sub', condition: 'default', file: './dist/sub.js' },
      { key: 'bin:tool', condition: 'bin', file: './dist/cli.js' },
    ]);
  });
  it('falls back to main/module and names a string bin after the package', () => {
    expect(
      runtimeEntries({ name: '@x/b', version: '1.0.0', main: 'm.cjs', bin: 'cli.js' }),
    ).toEqual([
      { key: '.', condition: 'main', file: 'm.cjs' },
      { key: 'bin:b', condition: 'bin', file: 'cli.js' },
    ]);
  });
});

describe('staticClosure and measurePackage', () => {
  it('follows static local imports, not dynamic ones, and gzips the whole closure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'size-test-'));
    try {
      writeFileSync(
        join(dir, 'entry.js'),
        "import { a } from './chunk.js';\nimport './side.js';\nconst lazy = () => import('./lazy.js');\nexport { a, lazy };\n",
      );
      writeFileSync(join(dir, 'chunk.js'), "export const a = require('./deep.cjs');\n");
      writeFileSync(join(dir, 'deep.cjs'), 'module.exports = 1;\n');
      writeFileSync(join(dir, 'side.js'), 'globalThis.x = 1;\n');
      writeFileSync(join(dir, 'lazy.js'), 'export default 2;\n');
      const closure = staticClosure(join(dir, 'entry.js')).map((f) => f.slice(dir.length + 1));
      expect(closure.sort()).toEqual(['chunk.js', 'deep.cjs', 'entry.js', 'side.js']);
      const { sizes, missing } = measurePackage(dir, {
        name: 'p',
        version: '1.0.0',
        exports: { '.': './entry.js', './gone': './gone.js' },
      });
      expect(missing.map((m) => m.file)).toEqual(['./gone.js']);
      const concatenated = Buffer.concat(
        ['entry.js', 'chunk.js', 'side.js', 'deep.cjs'].map((f) => readFileSync(join(dir, f))),
      );
      expect(sizes[0].bytes).toBe(concatenated.length);
      expect(sizes[0].gzip).toBe(gzipSync(concatenated, { level: 9 }).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compareWithBudgets', () => {
  const size = (key: string, gzip: number, condition = 'import') => ({
    key,
    condition,
    file: 'f',
    bytes: gzip * 3,
    gzip,
    files: ['f'],
  });
  const budgets = new Map([
    [
      'p',
      new Map([
        ['.', 1000],
        ['./old', 10],
      ]),
    ],
  ]);
  it('passes within budget and reports over-budget, unbudgeted and stale entries', () => {
    expect(compareWithBudgets('p', [size('.', 1000), size('./old', 5)], budgets)).toEqual([]);
    const problems = compareWithBudgets(
      'p',
      [size('.', 1001, 'require'), size('./new', 5)],
      budgets,
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/\. \(require\): 1001 B gzip > budget 1000 B/);
    expect(problems[1]).toMatch(/\.\/new: no budget/);
    expect(problems[2]).toMatch(/"\.\/old" matches no entry/);
  });
  it('asks for a budget line for a package it has never seen, with a suggestion', () => {
    const [problem] = compareWithBudgets('@pointwise/backend-new', [size('.', 2000)], budgets);
    expect(problem).toMatch(
      /no size budget for @pointwise\/backend-new; add .*"@pointwise\/backend-new": \{"\.":"2\.50 kB"\}/,
    );
  });
});
