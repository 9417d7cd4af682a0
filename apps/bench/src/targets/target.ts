// What the worker needs from anything it times: a Pointwise backend or a peer.
// `prepare` sets up inputs for one (case, size) and returns the call to time, or
// why this target cannot run that case (a peer without a gradient kernel, say).

import type { BenchCase } from '@pointwise/bench-cases';
import type { NamedCopy } from '../copy.js';
import type { Timed } from '../measure.js';

export interface Prepared {
  op: Timed;
  /** How the target computes it when not a direct kernel (e.g. "tf.grad, includes forward"). */
  note?: string;
  dispose(): void;
}

export type Preparation = Prepared | { skip: string };

export interface Target {
  name: string;
  kind: 'backend' | 'peer';
  /** The copies of `bytes` of traffic on this target (the row uses the fastest); null if none. */
  copy(bytes: number): NamedCopy[] | null;
  prepare(c: BenchCase, size: number): Promise<Preparation>;
  /** Live tensor buffers and bytes (Pointwise targets), so tests can see a call allocates nothing. */
  memory?(): { bytes: number; buffers: number };
  close(): void;
}
