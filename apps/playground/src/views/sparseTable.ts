// The sparse dropout view: a small Caffe2-style (values, lengths) id list with
// int64 ids (BigInt64Array, some above 2^53 to show they stay exact) before and
// after SparseDropoutWithReplacement on the chosen backend, checked against core's
// reference. The replacement control is truncated to an integer id here.

import {
  dropoutKeepMask,
  makeDropoutDraw,
  type Pointwise,
  sparseDropoutReference,
} from '@pointwise/core';

export const SPARSE_LENGTHS = Int32Array.from([2, 3, 0, 1, 4, 2, 1, 3]);
export const SPARSE_VALUES = BigInt64Array.from([
  1n,
  2n,
  3n,
  4n,
  5n,
  (1n << 53n) + 1n,
  17n,
  18n,
  19n,
  20n,
  9007199254740993n * 100n,
  42n,
  43n,
  -7n,
  1000n,
  1001n,
]);

export interface SparseParams {
  ratio: number;
  replacement: bigint;
  seed: number;
  stream: number;
}

export interface SparseData {
  before: { values: BigInt64Array; lengths: Int32Array };
  after: { values: BigInt64Array; lengths: Int32Array };
  /** Segment j's draw (1 = kept), from core's Philox rule; labels the rows. */
  keep: Uint8Array;
  matchesReference: boolean;
}

export async function computeSparse(pw: Pointwise, params: SparseParams): Promise<SparseData> {
  const values = pw.tensor(SPARSE_VALUES);
  const lengths = pw.tensor(SPARSE_LENGTHS);
  const out = await pw.sparseDropoutWithReplacement(values, lengths, params);
  const after = {
    values: (await out.values.read()) as BigInt64Array,
    lengths: (await out.lengths.read()) as Int32Array,
  };
  for (const t of [values, lengths, out.values, out.lengths]) t.dispose();
  const seed = BigInt(params.seed);
  const stream = BigInt(params.stream);
  const ref = sparseDropoutReference(SPARSE_VALUES, SPARSE_LENGTHS, { ...params, seed, stream });
  const keep = dropoutKeepMask(
    makeDropoutDraw(params.ratio, seed, stream),
    new Uint8Array(SPARSE_LENGTHS.length),
  );
  const matchesReference =
    ref.values.length === after.values.length &&
    ref.values.every((v, i) => v === after.values[i]) &&
    ref.lengths.every((v, i) => v === after.lengths[i]);
  return {
    before: { values: SPARSE_VALUES, lengths: SPARSE_LENGTHS },
    after,
    keep,
    matchesReference,
  };
}

/** Split a flat id list into its segments. */
function segments(values: BigInt64Array, lengths: Int32Array): bigint[][] {
  const out: bigint[][] = [];
  let at = 0;
  for (const len of lengths) {
    out.push(Array.from(values.subarray(at, at + len)));
    at += len;
  }
  return out;
}

export interface SparseView {
  update(data: SparseData, backend: string, replacement: bigint): void;
}

export function createSparseView(root: HTMLElement): SparseView {
  const table = root.appendChild(document.createElement('table'));
  table.id = 'sparse-table';
  const summary = root.appendChild(document.createElement('p'));
  summary.id = 'sparse-summary';
  return {
    update(data, backend, replacement) {
      const before = segments(data.before.values, data.before.lengths);
      const after = segments(data.after.values, data.after.lengths);
      // Each id is one unbreakable span: a line breaks between ids, never inside one.
      const ids = (list: bigint[]) =>
        `[${list.map((id) => `<span class="id">${id}</span>`).join(', ')}]`;
      const rows = before.map((list, j) => {
        const status = data.keep[j] ? 'kept' : 'dropped';
        return (
          `<tr class="${status}"><td data-label="segment">${j}</td><td>${list.length}</td>` +
          `<td data-label="before">${ids(list)}</td><td>${status}</td><td>${after[j]!.length}</td>` +
          `<td data-label="after">${ids(after[j]!)}</td></tr>`
        );
      });
      table.innerHTML =
        '<thead><tr><th>seg</th><th>len</th><th>ids before</th><th></th>' +
        '<th>len</th><th>ids after</th></tr></thead>' +
        `<tbody>${rows.join('')}</tbody>`;
      summary.textContent =
        `On ${backend}, replacement id ${replacement}: ` +
        (data.matchesReference ? 'matches core’s reference.' : 'DIFFERS from core’s reference!');
      summary.className = data.matchesReference ? 'ok' : 'bad';
    },
  };
}
