// The page state in the URL hash (`#op=elu&backend=js&alpha=0.5&...`), so a reload
// or a shared link restores op, parameters, backend, range and the compared ops.
// Unknown or malformed entries are ignored: the defaults stay.

import { ACTIVATION_NAMES } from '@pointwise/core';
import {
  type ActivationName,
  DROPOUT_OP,
  type PageOp,
  type ParamName,
  type PlaygroundState,
} from './state.js';

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

/** Apply what the hash says to `s` (in place); returns `s`. */
export function decodeState(hash: string, s: PlaygroundState): PlaygroundState {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const op = q.get('op');
  if (isOp(op) || op === DROPOUT_OP) s.op = op as PageOp;
  const backend = q.get('backend');
  if (backend) s.backend = backend;
  const num = (key: string) => {
    const text = q.get(key);
    const value = text === null || text === '' ? Number.NaN : Number(text);
    return Number.isFinite(value) ? value : undefined;
  };
  for (const name of Object.keys(s.params) as ParamName[]) {
    const value = num(name);
    if (value !== undefined) s.params[name] = value;
  }
  const min = num('min');
  const max = num('max');
  if (min !== undefined && max !== undefined) s.range = { min, max };
  const compare = q.get('compare');
  if (compare !== null) s.compare = compare.split(',').filter(isOp);
  return s;
}
