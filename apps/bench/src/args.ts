// Command-line parsing for `pnpm bench`: flags, comma lists, 2^N sizes and the
// quick/full presets. Bad input is a PointwiseError naming the flag and value.

import os, { availableParallelism } from 'node:os';
import { OP_NAMES, type OpName, PRELU_CHANNELS } from '@pointwise/bench-cases';
import { BACKEND_NAMES, PointwiseError } from '@pointwise/core';
import { cpuInfo } from './machine.js';
import { fullSizes, MAX_SIZE } from './sizes.js';

/** `tfjs` is both tfjs targets; `tfjs-wasm` / `tfjs-cpu` pick one. */
export const PEER_NAMES = ['tfjs', 'tfjs-wasm', 'tfjs-cpu', 'ort'] as const;
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
  /**
   * Threads of the threaded wasm-simd target (`wasm-simd xN`, or `wasm-simd auto` for
   * the backend's default, which adapts to a busy machine); 1: no threaded target.
   */
  wasmThreads: number | 'auto';
  /** Competing CPU-bound processes run alongside the measurements (--busy). */
  busy: number;
  /**
   * Each target in processes of its own (--apart), instead of a backend and its peers
   * measured together in one process (DECISIONS #315): to check that sharing a process
   * does not change a target's speed.
   */
  apart: boolean;
  /**
   * The quick run's default peer: one target at one size (tfjs-wasm at the run's largest
   * size); null with --peers, --full or --peers none.
   */
  defaultPeer: { target: string; size: number } | null;
  /** How the sizes were chosen (the DRAM-resident size of --full, or why it was skipped). */
  notes: string[];
}

/** What the size presets depend on: the last-level cache and the memory of this machine. */
export interface MachineLimits {
  llcBytes: number | null;
  totalMemoryBytes: number;
}

export function machineLimits(): MachineLimits {
  return { llcBytes: cpuInfo().llc?.bytes ?? null, totalMemoryBytes: os.totalmem() };
}

/** The quick run's peer, at the run's largest size only (2^20 by default). */
export const DEFAULT_PEER_TARGET = 'tfjs-wasm';

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
  peers: ['tfjs', 'ort'] as PeerName[],
  samples: 15,
  minSampleMs: 25,
};

export const HELP = `pointwise bench: GB/s of Pointwise ops per backend, as a ratio to a copy of the same bytes

Usage: pnpm bench [flags]
  --ops relu,elu,...        ops (${OP_NAMES.join(', ')}); forward and backward are both run
  --backends js,wasm-simd   backends to probe (${BACKEND_NAMES.join(', ')}); default: all
                            (--backend is the same flag)
  --sizes 2^16,2^20,4096    element counts, 2^N or integers (>= 64, multiples of 16)
  --wasm-threads N|auto     with wasm-simd, also run a threaded target \`wasm-simd xN\` (default:
                            every core, here ${defaultWasmThreads()}; 1: single-thread wasm-simd only;
                            auto: \`wasm-simd auto\`, the backend's default threads: 'auto')
  --busy N                  run N CPU-bound processes (node -e 'for(;;){}') alongside the
                            measurements, to see the threaded targets on a busy machine (default 0)
  --apart                   run each target in processes of its own; by default wasm-simd and
                            tfjs-wasm share one process per size (js and tfjs-cpu another), their
                            samples interleaved, so a row and its peer see the same machine
  --peers tfjs,ort|none     peers run side by side at every size (${PEER_NAMES.join(', ')}; tfjs is
                            tfjs-cpu and tfjs-wasm); default:
                            tfjs-wasm at the largest size only (--full: tfjs,ort at every size)
  --samples N               timed samples per measurement (median reported)
  --min-sample-ms N         each sample repeats calls for at least N ms
  --json out.json           write all results as JSON
  --md out.md               write a markdown table
  --svg out.svg             write a chart (GB/s vs size per backend, with the copy line)
  --full                    all ops, sizes 2^16, 2^20, 2^24 and a DRAM-resident size from the
                            last-level cache (one tensor >= LLC), peers tfjs,ort, more samples
  --progress-every S        off a terminal, a progress line on stderr every S seconds (default 5)
  -h, --help                this text

Default (quick): relu, elu, dropout; sizes 2^16, 2^20; tfjs-wasm as a peer at 2^20.
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
  if (!Number.isSafeInteger(value) || value < 64 || value > MAX_SIZE) {
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

export function parseArgs(
  argv: readonly string[],
  limits: () => MachineLimits = machineLimits,
): BenchArgs {
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
      case '--peers': {
        const items = list('--peers', value());
        given.peers =
          items.length === 1 && items[0] === 'none' ? [] : oneOf('--peers', items, PEER_NAMES);
        break;
      }
      case '--busy': {
        const text = value();
        const n = text === '0' ? 0 : positiveInt('--busy', text);
        if (n > 64) fail('--busy', n, 'must be at most 64');
        given.busy = n;
        break;
      }
      case '--wasm-threads': {
        const text = value();
        if (text === 'auto') {
          given.wasmThreads = 'auto';
          break;
        }
        const n = positiveInt('--wasm-threads', text);
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
      case '--apart':
        given.apart = true;
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
  let sizes = given.sizes;
  const notes: string[] = [];
  if (!sizes && full) {
    const { llcBytes, totalMemoryBytes } = limits();
    const plan = fullSizes(preset.sizes, llcBytes, totalMemoryBytes);
    sizes = plan.sizes;
    notes.push(...plan.notes);
  }
  sizes ??= [...preset.sizes];
  return {
    ops: given.ops ?? [...preset.ops],
    backends: given.backends ?? [...BACKEND_NAMES],
    sizes,
    peers: given.peers ?? [...preset.peers],
    defaultPeer:
      full || given.peers ? null : { target: DEFAULT_PEER_TARGET, size: Math.max(...sizes) },
    notes,
    samples: given.samples ?? preset.samples,
    minSampleMs: given.minSampleMs ?? preset.minSampleMs,
    progressEvery: given.progressEvery ?? 5,
    wasmThreads: given.wasmThreads ?? defaultWasmThreads(),
    busy: given.busy ?? 0,
    apart: given.apart ?? false,
    json: given.json,
    md: given.md,
    svg: given.svg,
    full,
    help,
  };
}
