// The page state in the URL hash (`#op=elu&backend=js&alpha=0.5&...`), so a reload
// or a shared link restores op, parameters, backend, range and the compared ops.
// What the hash leaves out takes core's default for the op (elu without alpha gets
// elu's 1); what it gets wrong is ignored and listed, so the page can say so.

import { ACTIVATION_NAMES, activations, DROPOUT_PARAM_KEYS, resolveDropout } from '@pointwise/core';
import {
  type ActivationName,
  coreDefault,
  DROPOUT_OP,
  defaultRange,
  isActivation,
  OP_PARAMS,
  PARAM_OWNER,
  type PageOp,
  type ParamName,
  type PlaygroundState,
  SPARSE_OP,
} from './state.js';

/** The backends a browser can run (node-cuda is Node-only). */
export const PLAYGROUND_BACKENDS = ['js', 'wasm-simd', 'webgpu'] as const;

/** Every op the op control offers, in its order. */
export const PAGE_OPS: readonly PageOp[] = [...ACTIVATION_NAMES, DROPOUT_OP, SPARSE_OP];

const F32_MAX = 3.4028234663852886e38;

export function encodeState(s: PlaygroundState): string {
  const q = new URLSearchParams();
  q.set('op', s.op);
  q.set('backend', s.backend);
  for (const [name, value] of Object.entries(s.params)) q.set(name, String(value));
  q.set('min', String(s.range.min));
  q.set('max', String(s.range.max));
  if (s.compare.length) q.set('compare', s.compare.join(','));
  return `#${q.toString()}`;
}

const isOp = (v: string | null): v is ActivationName =>
  v !== null && (ACTIVATION_NAMES as readonly string[]).includes(v);

/** Core's verdict on one control's value, checked by the op that takes it; null when accepted. */
export function checkParam(op: PageOp, name: ParamName, value: number): string | null {
  const owner = OP_PARAMS[op].includes(name) ? op : PARAM_OWNER[name];
  try {
    if (!isActivation(owner)) resolveDropout(owner, { [name]: value }, DROPOUT_PARAM_KEYS);
    else {
      const spec = activations.find((a) => a.name === owner)!.spec as {
        resolve(op: string, params: object, shape: number[]): unknown;
      };
      spec.resolve(owner, { [name]: value }, [1]);
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What a hash set, and what it asked for that the page ignored (one line each). */
export interface DecodedState {
  state: PlaygroundState;
  ignored: string[];
}

/** Apply what the hash says to `s` (in place) and list what was ignored and why. */
export function readHash(hash: string, s: PlaygroundState): DecodedState {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const ignored: string[] = [];
  const known = new Set(['op', 'backend', 'min', 'max', 'compare', ...Object.keys(s.params)]);
  for (const [key, value] of q)
    if (!known.has(key)) ignored.push(`${key}=${value}: not a setting of this page`);

  const op = q.get('op');
  if (op !== null) {
    if ((PAGE_OPS as readonly string[]).includes(op)) s.op = op as PageOp;
    else ignored.push(`op=${op}: not an op of this page (${PAGE_OPS.join(', ')}); showing ${s.op}`);
  }
  const backend = q.get('backend');
  if (backend !== null) {
    if ((PLAYGROUND_BACKENDS as readonly string[]).includes(backend)) s.backend = backend;
    else
      ignored.push(
        `backend=${backend}: not a backend of this page (${PLAYGROUND_BACKENDS.join(', ')}); using ${s.backend}`,
      );
  }
  const num = (key: string): number | undefined => {
    const text = q.get(key);
    if (text === null) return undefined;
    const value = text === '' ? Number.NaN : Number(text);
    if (Number.isFinite(value)) return value;
    ignored.push(`${key}=${text}: not a finite number`);
    return undefined;
  };
  for (const name of Object.keys(s.params) as ParamName[]) {
    const value = num(name);
    if (value === undefined) continue;
    const problem = checkParam(s.op, name, value);
    if (problem === null) s.params[name] = value;
    else ignored.push(`${name}=${q.get(name)}: ${problem}; using ${s.params[name]}`);
  }
  // A hash without alpha gives the op's own default (elu 1, not leakyRelu's 0.01).
  const alphaDefault = coreDefault(s.op, 'alpha');
  if (!q.has('alpha') && alphaDefault !== undefined) s.params.alpha = alphaDefault;

  const min = num('min');
  const max = num('max');
  const fallback = defaultRange(s.op, s.params);
  if (min !== undefined && max !== undefined) {
    const problem = rangeProblem(min, max);
    if (problem === null) s.range = { min, max };
    else
      ignored.push(`min=${min}&max=${max}: ${problem}; showing ${fallback.min} to ${fallback.max}`);
  } else if (min !== undefined || max !== undefined) {
    ignored.push(`${min !== undefined ? `min=${min}` : `max=${max}`}: needs both min and max`);
  }
  if (!(min !== undefined && max !== undefined && rangeProblem(min, max) === null))
    s.range = fallback;

  const compare = q.get('compare');
  if (compare !== null) {
    const names = compare.split(',').filter((c) => c !== '');
    for (const c of names)
      if (!isOp(c))
        ignored.push(`compare=${c}: not an activation (${ACTIVATION_NAMES.join(', ')})`);
    s.compare = names.filter(isOp);
  }
  return { state: s, ignored };
}

/** Apply what the hash says to `s` (in place); returns `s`. */
export function decodeState(hash: string, s: PlaygroundState): PlaygroundState {
  return readHash(hash, s).state;
}

/** Why [min, max] cannot be plotted, or null. */
export function rangeProblem(min: number, max: number): string | null {
  if (!(min < max)) return 'min must be below max';
  if (Math.abs(min) > F32_MAX || Math.abs(max) > F32_MAX)
    return `outside float32 (|x| <= ${F32_MAX.toPrecision(8)})`;
  return null;
}
