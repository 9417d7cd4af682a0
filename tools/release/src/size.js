// @ts-check
// Size budgets: the gzip size of every runtime entry a published package exposes (each
// `exports` subpath under each condition, and each `bin`), counting the local chunks the
// entry imports statically, checked against tools/release/size-budgets.json. A small script
// rather than size-limit, so new packages are measured from their manifest with no per-package
// config beyond one budget line per entry.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * @typedef {import('./workspace.js').Manifest} Manifest
 * @typedef {{ key: string, condition: string, file: string }} RuntimeEntry
 * @typedef {{ key: string, condition: string, file: string, bytes: number, gzip: number, files: string[] }} EntrySize
 */

const UNITS = /** @type {Record<string, number>} */ ({
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 * 1000,
  mib: 1024 * 1024,
});

/**
 * Parses a budget such as "12 kB", "1.5 KiB", "900 B" or a plain number of bytes.
 * kB/MB are decimal (1000), KiB/MiB binary (1024), matching what the report prints.
 * @param {string | number} text
 * @returns {number} bytes
 */
export function parseSize(text) {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new Error(`invalid size budget: ${text}`);
    return text;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const factor = match ? UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new Error(`invalid size budget "${text}" (use e.g. "12 kB", "1.5 KiB", "900 B")`);
  }
  return Math.round(Number(match[1]) * factor);
}

/** @param {number} bytes */
export function formatSize(bytes) {
  return bytes < 1000 ? `${bytes} B` : `${(bytes / 1000).toFixed(2)} kB`;
}

/**
 * Every runtime file a consumer can load: exports subpaths (per condition, types skipped)
 * and bins. Falls back to main/module when there is no `exports` map.
 * @param {Manifest} manifest
 * @returns {RuntimeEntry[]}
 */
export function runtimeEntries(manifest) {
  /** @type {RuntimeEntry[]} */
  const entries = [];
  /** @param {string} key @param {string[]} conditions @param {unknown} target */
  const walk = (key, conditions, target) => {
    if (typeof target === 'string') {
      if (conditions.includes('types') || /\.d\.[cm]?ts$/.test(target) || target.endsWith('.json'))
        return;
      entries.push({ key, condition: conditions.join('.') || 'default', file: target });
    } else if (Array.isArray(target)) {
      for (const t of target) walk(key, conditions, t);
    } else if (target && typeof target === 'object') {
      for (const [condition, t] of Object.entries(target)) walk(key, [...conditions, condition], t);
    }
  };
  const { exports } = manifest;
  if (typeof exports === 'string' || Array.isArray(exports)) walk('.', [], exports);
  else if (exports && typeof exports === 'object') {
    const keys = Object.keys(exports);
    if (keys.length > 0 && keys.every((k) => !k.startsWith('.'))) walk('.', [], exports);
    else
      for (const [subpath, target] of Object.entries(exports))
        if (!subpath.includes('*')) walk(subpath, [], target);
  } else {
    if (manifest.module) entries.push({ key: '.', condition: 'module', file: manifest.module });
    if (manifest.main) entries.push({ key: '.', condition: 'main', file: manifest.main });
  }
  const bins =
    typeof manifest.bin === 'string'
      ? { [manifest.name.split('/').pop() ?? manifest.name]: manifest.bin }
      : (manifest.bin ?? {});
  for (const [name, file] of Object.entries(bins))
    entries.push({ key: `bin:${name}`, condition: 'bin', file });
  return entries;
}

// Static relative imports only: `from './x.js'`, `import './x.js'`, `require('./x.cjs')`.
// Dynamic `import('./x.js')` is left out on purpose: it loads lazily, after startup.
const LOCAL_IMPORT = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

/**
 * The entry file plus every local file it reaches through static imports.
 * @param {string} entryPath absolute path
 * @returns {string[]} absolute paths, entry first
 */
export function staticClosure(entryPath) {
  const seen = new Set([entryPath]);
  const queue = [entryPath];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift());
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(LOCAL_IMPORT)) {
      const target = resolve(dirname(file), match[1]);
      if (!seen.has(target) && existsSync(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen];
}

/**
 * Measures every runtime entry of a package (its dist must be built).
 * @param {string} dir package directory
 * @param {Manifest} manifest
 * @returns {{ sizes: EntrySize[], missing: RuntimeEntry[] }}
 */
export function measurePackage(dir, manifest) {
  /** @type {EntrySize[]} */
  const sizes = [];
  /** @type {RuntimeEntry[]} */
  const missing = [];
  for (const entry of runtimeEntries(manifest)) {
    const entryPath = join(dir, entry.file);
    if (!existsSync(entryPath)) {
      missing.push(entry);
      continue;
    }
    const files = staticClosure(entryPath);
    const contents = Buffer.concat(files.map((f) => readFileSync(f)));
    sizes.push({
      ...entry,
      bytes: contents.length,
      gzip: gzipSync(contents, { level: 9 }).length,
      files: files.map((f) => relative(dir, f)),
    });
  }
  return { sizes, missing };
}

/**
 * Reads and validates the budgets file: { packages: { [name]: { [entryKey]: "12 kB" } } }.
 * @param {string} text JSON text
 * @returns {Map<string, Map<string, number>>}
 */
export function parseBudgets(text) {
  const json = JSON.parse(text);
  if (!json || typeof json.packages !== 'object' || json.packages === null) {
    throw new Error('size budgets: expected an object with a "packages" key');
  }
  const budgets = new Map();
  for (const [name, perEntry] of Object.entries(json.packages)) {
    if (!perEntry || typeof perEntry !== 'object')
      throw new Error(`size budgets: "${name}" must map entries to sizes`);
    const map = new Map();
    for (const [key, size] of Object.entries(perEntry))
      map.set(key, parseSize(/** @type {any} */ (size)));
    budgets.set(name, map);
  }
  return budgets;
}

/**
 * Compares measured sizes with one package's budgets. Each budget applies to every
 * condition of its entry (ESM and CJS builds are measured separately).
 * @param {string} name
 * @param {EntrySize[]} sizes
 * @param {Map<string, Map<string, number>>} budgets
 * @returns {string[]} problems (empty when within budget)
 */
export function compareWithBudgets(name, sizes, budgets) {
  const perEntry = budgets.get(name);
  const problems = [];
  if (!perEntry) {
    const suggestion = Object.fromEntries(
      [...new Set(sizes.map((s) => s.key))].map((key) => [
        key,
        formatSize(
          Math.ceil(
            (Math.max(...sizes.filter((s) => s.key === key).map((s) => s.gzip)) * 1.25) / 100,
          ) * 100,
        ),
      ]),
    );
    return [
      `no size budget for ${name}; add to tools/release/size-budgets.json: "${name}": ${JSON.stringify(suggestion)}`,
    ];
  }
  for (const size of sizes) {
    const limit = perEntry.get(size.key);
    if (limit === undefined)
      problems.push(
        `${name} ${size.key}: no budget for this entry (${formatSize(size.gzip)} gzip now)`,
      );
    else if (size.gzip > limit)
      problems.push(
        `${name} ${size.key} (${size.condition}): ${size.gzip} B gzip > budget ${limit} B (${formatSize(limit)})`,
      );
  }
  for (const key of perEntry.keys()) {
    if (!sizes.some((s) => s.key === key))
      problems.push(`${name}: budget for "${key}" matches no entry any more; remove it`);
  }
  return problems;
}
