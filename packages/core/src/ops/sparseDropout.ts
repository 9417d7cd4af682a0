// Caffe2's SparseDropoutWithReplacement on (values, lengths): segment j is
// dropped by the dense dropout rule at index j and replaced by exactly one
// `replacement` id, even when empty. int64 ids (BigInt64Array) are the canonical
// type and are never routed through float64, so ids above 2^53 stay intact.

import { PointwiseError } from '../errors.js';
import { defineOp, type OpContext } from '../op.js';
import { checkKnownKeys, integerParam, ratioParam, u64Param } from '../params.js';
import { dropoutKeepMask, makeDropoutDraw } from '../philox.js';
import { pinTensor, type Tensor } from '../tensor.js';

export interface SparseDropoutWithReplacementParams {
  /** Segment drop probability in [0, 1]; default 0 (Caffe2's default). */
  ratio?: number;
  /** Id written for a dropped segment; must fit the values' type; default 0. */
  replacement?: number | bigint;
  /** Philox key; with neither seed nor stream, the instance's generator supplies both. */
  seed?: number | bigint;
  stream?: number | bigint;
}

export interface SparseDropoutOutput<D extends 'int32' | 'int64'> {
  values: Tensor<D>;
  lengths: Tensor<'int32'>;
}

async function sparseDropoutWithReplacement<D extends 'int32' | 'int64'>(
  this: OpContext,
  values: Tensor<D>,
  lengths: Tensor<'int32'>,
  params?: SparseDropoutWithReplacementParams,
): Promise<SparseDropoutOutput<D>> {
  const op = 'sparseDropoutWithReplacement';
  this.bufferOf(op, 'values', values, ['int32', 'int64']);
  this.bufferOf(op, 'lengths', lengths, ['int32']);
  for (const [arg, t] of [
    ['values', values],
    ['lengths', lengths],
  ] as const) {
    if (t.shape.length !== 1) {
      throw new PointwiseError('SHAPE_MISMATCH', { op, arg, value: t }, 'must be 1-D');
    }
  }
  checkKnownKeys(op, params, ['ratio', 'replacement', 'seed', 'stream']);
  const ratio = ratioParam(op, params?.ratio, 0);
  const replacement = integerParam(
    op,
    'replacement',
    params?.replacement,
    values.dtype === 'int64' ? 64 : 32,
  );
  let seed = u64Param(op, 'seed', params?.seed);
  let stream = u64Param(op, 'stream', params?.stream);
  if (params?.seed === undefined && params?.stream === undefined) {
    // as dense dropout: no seed and no stream means a fresh draw from the instance
    const pair = this.freshDraw();
    seed = pair.seed;
    stream = pair.stream;
  }
  const kernel = this.kernel('sparseDropout');
  // The call awaits (a read of lengths, an async kernel): pin both inputs so that a
  // dispose() meanwhile defers their free until this call is done with them.
  const valuesPin = values[pinTensor](op, 'values');
  const lengthsPin = lengths[pinTensor](op, 'lengths');
  try {
    return await this.call(op, async (scope) => {
      const hostLengths = (await this.backend.read(
        lengthsPin.buffer,
        'int32',
        lengths.size,
      )) as Int32Array;
      let total = 0;
      for (let j = 0; j < hostLengths.length; j++) {
        const len = hostLengths[j]!;
        if (len < 0) {
          throw new PointwiseError(
            'PARAM_OUT_OF_RANGE',
            { op, arg: `lengths[${j}]`, value: len },
            'lengths must be >= 0',
          );
        }
        total += len;
      }
      if (total !== values.size) {
        throw new PointwiseError(
          'SHAPE_MISMATCH',
          { op, arg: 'lengths', value: total },
          `sum(lengths) must equal values.length (${values.size})`,
        );
      }
      const result = await kernel.forward({
        values: valuesPin.buffer,
        valuesDtype: values.dtype,
        valuesSize: values.size,
        lengths: lengthsPin.buffer,
        segments: lengths.size,
        hostLengths,
        params: { ...makeDropoutDraw(ratio, seed, stream), replacement },
        alloc: (dtype, size) => scope.alloc(dtype, size, 'output'),
      });
      return {
        values: scope.adopt(result.values, values.dtype, [result.valuesSize]),
        lengths: scope.adopt(result.lengths, 'int32', [lengths.size]),
      };
    });
  } finally {
    valuesPin.unpin();
    lengthsPin.unpin();
  }
}

/** The sparse dropout method of a Pointwise instance. */
export interface SparseDropoutApi {
  /**
   * Caffe2's SparseDropoutWithReplacement on (values, lengths): segment j is dropped by
   * the dense dropout draw at index j and becomes exactly one `replacement` id (even
   * when empty). Defaults: ratio 0, replacement 0; with no seed and no stream a fresh draw from the instance's generator. Values keep their
   * dtype (BigInt64Array in, BigInt64Array out). Async: the output size depends on the draw.
   */
  sparseDropoutWithReplacement<D extends 'int32' | 'int64'>(
    values: Tensor<D>,
    lengths: Tensor<'int32'>,
    params?: SparseDropoutWithReplacementParams,
  ): Promise<SparseDropoutOutput<D>>;
}

export const sparseDropout = defineOp<
  { sparseDropoutWithReplacement: typeof sparseDropoutWithReplacement },
  SparseDropoutApi
>({
  name: 'sparseDropout',
  summary: "Caffe2's SparseDropoutWithReplacement on (values, lengths) id lists.",
  accuracy: { kind: 'exact' },
  crossReference: { caffe2: 'SparseDropoutWithReplacement' },
  conventions: [
    'segment j uses the dense dropout draw at index j',
    'a dropped segment becomes exactly one replacement id, even when empty',
    'int64 ids stay exact above 2^53',
  ],
  methods: { sparseDropoutWithReplacement },
});

/** Reference: Caffe2 semantics on host arrays. */
export function sparseDropoutReference<A extends Int32Array | BigInt64Array>(
  values: A,
  lengths: Int32Array,
  params: { ratio: number; replacement: bigint; seed: bigint; stream: bigint },
): { values: A; lengths: Int32Array } {
  const draw = makeDropoutDraw(params.ratio, params.seed, params.stream);
  const keep = dropoutKeepMask(draw, new Uint8Array(lengths.length));
  const outLengths = new Int32Array(lengths.length);
  let total = 0;
  for (let j = 0; j < lengths.length; j++) {
    outLengths[j] = keep[j] ? lengths[j]! : 1;
    total += outLengths[j]!;
  }
  const isBig = values instanceof BigInt64Array;
  const out = (isBig ? new BigInt64Array(total) : new Int32Array(total)) as A;
  let src = 0;
  let dst = 0;
  for (let j = 0; j < lengths.length; j++) {
    if (keep[j]) {
      for (let k = 0; k < lengths[j]!; k++) (out as any)[dst++] = values[src + k];
    } else {
      (out as any)[dst++] = isBig ? params.replacement : Number(params.replacement);
    }
    src += lengths[j]!;
  }
  return { values: out, lengths: outLengths };
}
