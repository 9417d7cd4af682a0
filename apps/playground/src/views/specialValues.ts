// The special-values view: +-0, +-Inf, NaN and subnormals through the chosen op on the
// chosen backend (forward y and backward dx with dy = 1), beside core's float64
// reference. The charts cannot show these: -0 draws as 0, NaN and Inf not at all.

import {
  DROPOUT_PARAM_KEYS,
  dropoutBackwardReference,
  dropoutReference,
  f32,
  type Pointwise,
  resolveDropout,
  sameF32,
  ulpDistance,
} from '@pointwise/core';
import { shortF32 } from '../format.js';
import { backwardOf, forwardOf, specOf } from '../ops.js';
import { DROPOUT_OP, isActivation, type PageOp } from '../state.js';

/** The inputs: both zeros, both infinities, NaN, the largest and smallest subnormals, and -1. */
export const SPECIAL_XS: readonly number[] = [
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  f32(1e-40),
  -f32(1e-40),
  2 ** -149,
  -(2 ** -149),
  -1,
];

export interface SpecialRow {
  x: number;
  y: number;
  refY: number;
  dx: number;
  refDx: number;
  /** y and dx both equal the reference (same bits; within the op's ulp bound for elu, zeros' signs kept). */
  match: boolean;
}

export interface SpecialData {
  rows: SpecialRow[];
  /** Dense dropout: which inputs were kept (the table says so). */
  kept: Uint8Array | null;
}

function agrees(a: number, b: number, ulp: number): boolean {
  if (sameF32(a, b)) return true;
  if (Number.isNaN(a) || Number.isNaN(b) || a === 0 || b === 0) return false;
  return ulpDistance(a, b) <= ulp;
}

export async function computeSpecial(
  pw: Pointwise,
  op: PageOp,
  params: object,
): Promise<SpecialData> {
  const xs = Float32Array.from(SPECIAL_XS);
  const n = xs.length;
  const x = pw.tensor(xs);
  const dy = pw.tensor(new Float32Array(n).fill(1));
  let ys: Float32Array;
  let dxs: Float32Array;
  let refYs: Float32Array;
  let refDxs: Float32Array;
  let kept: Uint8Array | null = null;
  let ulp = 0;
  if (isActivation(op)) {
    const spec = specOf(op);
    const r = spec.resolve(op, params, [n]);
    const y = forwardOf(pw, op)(x, params);
    const grads = backwardOf(pw, op)(dy, { x }, params);
    ys = (await y.read()) as Float32Array;
    dxs = (await grads.dx!.read()) as Float32Array;
    for (const t of [y, ...Object.values(grads)]) t?.dispose();
    refYs = Float32Array.from(xs, (v, i) => spec.reference.forward(v, r, i));
    refDxs = Float32Array.from(xs, (v, i) => spec.reference.backward(1, v, r, i));
    ulp = spec.accuracy.kind === 'ulp' ? spec.accuracy.ulp : 0;
  } else {
    const forward = pw.dropoutWithReplacement(x, params);
    const back = pw.dropoutWithReplacementBackward(dy, { mask: forward.mask, draw: forward.draw });
    ys = (await forward.y.read()) as Float32Array;
    dxs = (await back.dx.read()) as Float32Array;
    kept = (await forward.mask!.read()) as Uint8Array;
    for (const t of [forward.y, forward.mask, back.dx, back.dreplacement]) t?.dispose();
    const r = resolveDropout(DROPOUT_OP, params, DROPOUT_PARAM_KEYS);
    const ref = dropoutReference(xs, r);
    refYs = ref.y;
    refDxs = dropoutBackwardReference(new Float32Array(n).fill(1), ref.mask, r).dx;
  }
  x.dispose();
  dy.dispose();
  const rows = Array.from(xs, (v, i) => ({
    x: v,
    y: ys[i]!,
    refY: refYs[i]!,
    dx: dxs[i]!,
    refDx: refDxs[i]!,
    match: agrees(ys[i]!, refYs[i]!, ulp) && agrees(dxs[i]!, refDxs[i]!, ulp),
  }));
  return { rows, kept };
}

export interface SpecialView {
  update(data: SpecialData, backend: string, op: PageOp): void;
}

export function createSpecialView(root: HTMLElement): SpecialView {
  const table = root.appendChild(document.createElement('table'));
  table.id = 'special-table';
  const summary = root.appendChild(document.createElement('p'));
  summary.id = 'special-summary';
  return {
    update(data, backend, op) {
      const w = shortF32;
      const rows = data.rows.map((r, i) => {
        const mark = r.match ? '✔' : '✘';
        const note = data.kept
          ? ` <span class="note">${data.kept[i] ? 'kept' : 'dropped'}</span>`
          : '';
        return (
          `<tr class="${r.match ? 'ok' : 'bad'}"><th scope="row">${w(r.x)}${note}</th>` +
          `<td>${w(r.y)}<span class="ref">ref ${w(r.refY)}</span></td>` +
          `<td>${w(r.dx)}<span class="ref">ref ${w(r.refDx)}</span></td>` +
          `<td aria-label="${r.match ? 'matches' : 'differs'}">${mark}</td></tr>`
        );
      });
      table.innerHTML =
        `<caption>${op} on ${backend} (dy = 1); under each value core's float64 reference</caption>` +
        '<thead><tr><th scope="col">x</th><th scope="col">y</th><th scope="col">dx</th>' +
        '<th scope="col"></th></tr></thead>' +
        `<tbody>${rows.join('')}</tbody>`;
      const bad = data.rows.filter((r) => !r.match).length;
      summary.textContent =
        bad === 0
          ? `✔ all ${data.rows.length} special inputs give the reference's y and dx on ${backend}.`
          : `✘ ${bad} of ${data.rows.length} special inputs differ from the reference on ${backend}.`;
      summary.className = bad === 0 ? 'ok' : 'bad';
    },
  };
}
