// README snippet extraction and judging: only @pointwise code blocks are taken (not
// ```sh, not ```ts vitest), imports stay on top with the body wrapped for CJS, and
// failures are errors unless allowlisted, while an allowlisted snippet that compiles fails.
import { describe, expect, it } from 'vitest';
import { extractSnippets, judgeSnippets, snippetModule, snippetStem } from '../src/snippets.js';

const readme = [
  '# x',
  '```sh',
  'npm i @pointwise/core',
  '```',
  '```ts',
  "import { pointwise } from '@pointwise/core';",
  'import {',
  '  jsBackend,',
  "} from '@pointwise/backend-js';",
  'declare const ptr: bigint;',
  'const pw = await pointwise(jsBackend());',
  '```',
  '```ts vitest',
  "import { defineConformanceSuite } from '@pointwise/core/conformance';",
  '```',
  '```js',
  'const unrelated = 1;',
  '```',
].join('\n');

describe('README snippets', () => {
  it('extracts only the blocks that import @pointwise, with their line', () => {
    const snippets = extractSnippets(readme, 'README.md');
    expect(snippets.map((s) => [s.id, s.line])).toEqual([['README.md#1', 5]]);
  });

  it('keeps imports (multi-line too) on top and wraps the body in an async function', () => {
    const [s] = extractSnippets(readme, 'README.md');
    const code = snippetModule(s!, 'cjs');
    const lines = code.split('\n');
    const fnLine = lines.indexOf('export async function snippet(): Promise<void> {');
    expect(lines.indexOf("} from '@pointwise/backend-js';")).toBeLessThan(fnLine);
    expect(lines[fnLine + 1]).toBe('  const pw = await pointwise(jsBackend());');
    expect(lines.indexOf('declare const ptr: bigint;')).toBeLessThan(fnLine);
  });

  it('fails a snippet with diagnostics unless allowlisted, and a stale allowlist entry', () => {
    const [s] = extractSnippets(readme, 'README.md');
    const diag = `${snippetStem(s!.id)}.mts(3,1): error TS2322: nope`;
    expect(judgeSnippets([s!], diag, []).errors[0]).toContain('README.md#1 (line 5) fails');
    const allowed = judgeSnippets([s!], diag, ['README.md#1']);
    expect(allowed.errors).toEqual([]);
    expect(allowed.notes[0]).toContain('allowlisted');
    expect(judgeSnippets([s!], '', ['README.md#1']).errors[0]).toContain('compiles now');
  });
});
