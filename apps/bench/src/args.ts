// Command-line parsing for `pnpm bench`: flags, comma lists, 2^N sizes and the
// quick/full presets. Bad input is a PointwiseError naming the flag and value.

import { availableParallelism } from 'node:os';
import { BACKEND_NAMES, PointwiseError } from '@pointwise/core';
import { OP_NAMES, type OpName, PRELU_CHANNELS } from './cases.js';

export const PEER_NAMES = ['tfjs', 'ort'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

export interface BenchArgs {
  ops: OpName[];
  backends: string[];
  sizes: number[];
  peers: PeerName[];
  json?: string;
  md?: string;
  svg?: string;
  full: boolean;
  help: boolean;
  /** Timed samples per measurement (median taken). */
  samples: number;
  /** Minimum milliseconds one sample runs (calls are repeated until it does). */
  minSampleMs: number;
  /** Seconds between plain progress lines when stderr is not a terminal. */
  progressEvery: number;
  /** Threads of the threaded wasm-simd target (`wasm-simd xN`); 1: no threaded target. */
  wasmThreads: number;
}

/** Default --wasm-threads: every core (os.availableParallelism()). */
export function defaultWasmThreads(): number {
  return Math.max(1, Math.min(256, availableParallelism()));
}

export const QUICK_DEFAULTS = {
  ops: ['relu', 'elu', 'dropout'] as OpName[],
  sizes: [2 ** 16, 2 ** 20],
  peers: [] as PeerName[],
  samples: 9,
  minSampleMs: 10,
};

export const FULL_DEFAULTS = {
  ops: [...OP_NAMES] as OpName[],
  sizes: [2 ** 16, 2 ** 20, 2 ** 24],
  peers: [...PEER_NAMES] as PeerName[],
  samples: 15,
  minSampleMs: 25,
};

export const HELP = `pointwise bench: GB/s of Pointwise ops per backend, as a ratio to a copy of the same bytes

Usage: pnpm bench [flags]
  --ops relu,elu,...        ops (${OP_NAMES.join(', ')}); forward and backward are both run
  --backends js,wasm-simd   backends to probe (${BACKEND_NAMES.join(', ')}); default: all
                            (--backend is the same flag)
  --sizes 2^16,2^20,4096    element counts, 2^N or integers (>= 64, multiples of 16)
  --wasm-threads N          with wasm-simd, also run a threaded target \`wasm-simd xN\` (default:
                            every core, here ${defaultWasmThreads()}; 1: single-thread wasm-simd only)
  --peers tfjs,ort          peers run side by side (${PEER_NAMES.join(', ')}); default: none
  --samples N               timed samples per measurement (median reported)
  --min-sample-ms N         each sample repeats calls for at least N ms
  --json out.json           write all results as JSON
  --md out.md               write a markdown table
  --svg out.svg             write a chart (GB/s vs size per backend, with the copy line)
  --full                    all ops, sizes 2^16..2^24, peers tfjs,ort, more samples
  --progress-every S        off a terminal, a progress line on stderr every S seconds (default 5)
  -h, --help                this text

Default (quick): relu, elu, dropout; sizes 2^16, 2^20; no peers.
Exit code: 0 results were measured, 1 a backend failed or nothing could run, 2 usage error.
Backends whose package is not installed are named once, under the table.`;

function fail(arg: string, value: unknown, message: string): never {
  throw new PointwiseError('INVALID_ARGUMENT', { op: 'bench', arg, value }, message);
}

/** Parse `2^20`, `1048576` or `1e6` into a safe integer element count. */
export function parseSize(text: string): number {
  const trimmed = text.trim();
  const power = /^2\^(\d{1,2})$/.exec(trimmed);
  const value = power
    ? 2 ** Number(power[1])
    : /^\d+(e\d+)?$/i.test(trimmed)
      ? Number(trimmed)
      : NaN;
  if (!Number.isSafeInteger(value) || value < 64 || value > 2 ** 28) {
    fail('--sizes', text, 'each size must be 2^N or an integer between 64 and 2^28');
  }
  if (value % PRELU_CHANNELS !== 0) {
    fail(
      '--sizes',
      text,
      `must be a multiple of ${PRELU_CHANNELS} (tensors are [size / ${PRELU_CHANNELS}, ${PRELU_CHANNELS}] for prelu's channels)`,
    );
  }
  return value;
}

function list(flag: string, text: string | undefined): string[] {
  if (text === undefined || text.startsWith('--')) fail(flag, text, 'needs a value');
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) fail(flag, text, 'needs at least one item');
  return items;
}

function oneOf<T extends string>(flag: string, items: string[], allowed: readonly T[]): T[] {
  for (const item of items) {
    if (!allowed.includes(item as T)) fail(flag, item, `must be one of ${allowed.join(', ')}`);
  }
  return [...new Set(items)] as T[];
}

function backendNames(text: string | undefined): string[] {
  const items = list('--backends', text);
  const unknown = items.filter((n) => !(BACKEND_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0)
    fail(
      '--backends',
      unknown.join(','),
      `unknown backend ${unknown.map((n) => `'${n}'`).join(', ')}: known backends are ${BACKEND_NAMES.join(', ')}`,
    );
  return [...new Set(items)];
}

function seconds(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n) || n < 0)
    fail(flag, text, 'must be a number of seconds >= 0');
  return n;
}

function positiveInt(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) fail(flag, text, 'must be a positive integer');
  return n;
}

function path(flag: string, text: string | undefined): string {
  if (text === undefined || text.length === 0 || text.startsWith('--'))
    fail(flag, text, 'needs a file path');
  return text;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const given: Partial<BenchArgs> = {};
  let full = false;
  let help = false;
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  for (let i = 0; i < args.length; i++) {
    const raw = args[i];
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => (inline !== undefined ? inline : args[++i]);
    switch (flag) {
      case '--':
        break;
      case '--ops':
        given.ops = oneOf('--ops', list('--ops', value()), OP_NAMES);
        break;
      case '--backends':
      case '--backend':
        given.backends = backendNames(value());
        break;
      case '--progress-every':
        given.progressEvery = seconds('--progress-every', value());
        break;
      case '--sizes':
        given.sizes = [...new Set(list('--sizes', value()).map(parseSize))].sort((a, b) => a - b);
        break;
      case '--peers':
        given.peers = oneOf('--peers', list('--peers', value()), PEER_NAMES);
        break;
      case '--wasm-threads': {
        const n = positiveInt('--wasm-threads', value());
        if (n > 256) fail('--wasm-threads', n, 'must be at most 256');
        given.wasmThreads = n;
        break;
      }
      case '--samples':
        given.samples = positiveInt('--samples', value());
        break;
      case '--min-sample-ms':
        given.minSampleMs = positiveInt('--min-sample-ms', value());
        break;
      case '--json':
        given.json = path('--json', value());
        break;
      case '--md':
        given.md = path('--md', value());
        break;
      case '--svg':
        given.svg = path('--svg', value());
        break;
      case '--full':
        full = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        fail('argv', raw, 'unknown flag (see --help)');
    }
  }
  const preset = full ? FULL_DEFAULTS : QUICK_DEFAULTS;
  return {
    ops: given.ops ?? [...preset.ops],
    backends: given.backends ?? [...BACKEND_NAMES],
    sizes: given.sizes ?? [...preset.sizes],
    peers: given.peers ?? [...preset.peers],
    samples: given.samples ?? preset.samples,
    minSampleMs: given.minSampleMs ?? preset.minSampleMs,
    progressEvery: given.progressEvery ?? 5,
    wasmThreads: given.wasmThreads ?? defaultWasmThreads(),
    json: given.json,
    md: given.md,
    svg: given.svg,
    full,
    help,
  };
}
