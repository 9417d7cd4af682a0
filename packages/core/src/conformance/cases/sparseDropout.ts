// Conformance cases for Caffe2's SparseDropoutWithReplacement (SPEC section 3):
// the Caffe2 golden example, empty segments, ratio 0 and 1, BigInt64 ids above
// 2^53 kept intact, Int32 ids, inputs and outputs large enough to span several
// chunks of a lowered GPU binding limit, all against the reference on the same draw.

import { sparseDropoutReference } from '../../ops/sparseDropout.js';
import { dropoutKeepMask, makeDropoutDraw } from '../../philox.js';
import type { Pointwise } from '../../pointwise.js';
import { type CaseOutcome, type ConformanceCase, withTensors } from '../case.js';
import { seededRandom } from '../values.js';

const op = 'sparseDropout';

type Ids = Int32Array | BigInt64Array;

interface SparseParams {
  ratio: number;
  replacement: bigint;
  seed: bigint;
  stream: bigint;
}

function sameIds(label: string, actual: Ids, expected: Ids): CaseOutcome | null {
  if (actual.length !== expected.length)
    return {
      pass: false,
      message: `${label}: length ${actual.length}, expected ${expected.length}`,
    };
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i])
      return { pass: false, message: `${label}[${i}] = ${actual[i]}, expected ${expected[i]}` };
  }
  if (actual.constructor !== expected.constructor)
    return {
      pass: false,
      message: `${label}: type ${actual.constructor.name}, expected ${expected.constructor.name}`,
    };
  return null;
}

async function check(
  pw: Pointwise,
  values: Ids,
  lengths: Int32Array,
  p: SparseParams,
): Promise<CaseOutcome> {
  return withTensors(async (keep) => {
    const expected = sparseDropoutReference(values, lengths, p);
    const out = await pw.sparseDropoutWithReplacement(
      keep(pw.tensor(values)),
      keep(pw.tensor(lengths)),
      {
        ratio: p.ratio,
        replacement: values instanceof BigInt64Array ? p.replacement : Number(p.replacement),
        seed: p.seed,
        stream: p.stream,
      },
    );
    keep(out.values);
    keep(out.lengths);
    return (
      sameIds('values', (await out.values.read()) as Ids, expected.values) ??
      sameIds('lengths', await out.lengths.read(), expected.lengths) ?? { pass: true }
    );
  });
}

/** Random segments (a share `empty` of them empty, others 0..5 long) over ids of the given kind. */
function segments(
  count: number,
  seed: number,
  big: boolean,
  empty = 0.2,
): { values: Ids; lengths: Int32Array } {
  const random = seededRandom(seed);
  const lengths = new Int32Array(count);
  for (let j = 0; j < count; j++) lengths[j] = random() < empty ? 0 : Math.floor(random() * 6);
  const total = lengths.reduce((a, b) => a + b, 0);
  const values = big ? new BigInt64Array(total) : new Int32Array(total);
  for (let i = 0; i < total; i++) {
    if (big)
      (values as BigInt64Array)[i] =
        (1n << 62n) + BigInt(Math.floor(random() * 2 ** 40)) * 977n + 1n;
    else (values as Int32Array)[i] = Math.floor((random() - 0.5) * 2 ** 31);
  }
  return { values, lengths };
}

/** The first seed whose draw keeps segment 0 and drops segment 1 at ratio 0.5. */
function seedKeepingFirstDroppingSecond(): bigint {
  for (let seed = 0n; ; seed++) {
    const keep = dropoutKeepMask(makeDropoutDraw(0.5, seed, 0n), new Uint8Array(2));
    if (keep[0] === 1 && keep[1] === 0) return seed;
  }
}

export function sparseDropoutCases(): ConformanceCase[] {
  return [
    {
      id: 'sparseDropout/golden/caffe2-example',
      op,
      description:
        "Caffe2's example: values [1,2,3,4,5], lengths [2,3], ratio 0.5, replacement -1, a draw keeping segment 0 and dropping 1 → [1,2,-1], [2,1]",
      run: (pw) =>
        withTensors(async (keep) => {
          const seed = seedKeepingFirstDroppingSecond();
          const out = await pw.sparseDropoutWithReplacement(
            keep(pw.tensor(new BigInt64Array([1n, 2n, 3n, 4n, 5n]))),
            keep(pw.tensor(new Int32Array([2, 3]))),
            {
              ratio: 0.5,
              replacement: -1,
              seed,
            },
          );
          const values = await keep(out.values).read();
          const lengths = await keep(out.lengths).read();
          return (
            sameIds('values', values as Ids, new BigInt64Array([1n, 2n, -1n])) ??
            sameIds('lengths', lengths, new Int32Array([2, 1])) ?? { pass: true }
          );
        }),
    },
    ...[0.3, 0.7].flatMap((ratio) =>
      [true, false].map((big) => ({
        id: `sparseDropout/random/${big ? 'int64' : 'int32'}/ratio=${ratio}`,
        op,
        description: `1000 random segments (20% empty) of ${big ? 'BigInt64 ids above 2^53' : 'Int32 ids'} vs the reference`,
        run: (pw: Pointwise) => {
          const { values, lengths } = segments(1000, big ? 1 : 2, big);
          return check(pw, values, lengths, {
            ratio,
            replacement: big ? -(1n << 63n) : 2147483647n,
            seed: 99n,
            stream: 3n,
          });
        },
      })),
    ),
    {
      id: 'sparseDropout/chunks/int64',
      op,
      description:
        '40001 BigInt64 segments (20% empty, the last one 20000 ids long): 100K ids (800 KB), so values, lengths and output each span several 64 KiB bindings and one segment spans three',
      run: (pw) => {
        const { values, lengths } = segments(40000, 5, true);
        // and a last segment of 20000 ids, far longer than a 64 KiB binding (8192 int64 ids)
        const ids = new BigInt64Array(values.length + 20000);
        ids.set(values as BigInt64Array);
        for (let i = values.length; i < ids.length; i++) ids[i] = (1n << 62n) + BigInt(i);
        const withLong = new Int32Array(40001);
        withLong.set(lengths);
        withLong[40000] = 20000;
        return check(pw, ids, withLong, {
          ratio: 0.5,
          replacement: -(1n << 62n),
          seed: 2024n,
          stream: 1n,
        });
      },
    },
    {
      id: 'sparseDropout/chunks/int32-mostly-empty',
      op,
      description:
        '60000 Int32 segments, 85% empty, ratio 0.6: 22.6K ids in, about 45K out (the replacements), both spanning several 64 KiB bindings',
      run: (pw) => {
        const { values, lengths } = segments(60000, 6, false, 0.85);
        return check(pw, values, lengths, {
          ratio: 0.6,
          replacement: -2147483648n,
          seed: 77n,
          stream: 2n,
        });
      },
    },
    {
      id: 'sparseDropout/ratio=0',
      op,
      description: 'ratio 0 keeps everything unchanged, empty segments stay empty',
      run: (pw) => {
        const { values, lengths } = segments(300, 3, true);
        return check(pw, values, lengths, { ratio: 0, replacement: 7n, seed: 1n, stream: 0n });
      },
    },
    {
      id: 'sparseDropout/ratio=1',
      op,
      description: 'ratio 1 replaces every segment, empty ones too, by exactly one replacement id',
      run: (pw) => {
        const { values, lengths } = segments(300, 4, false);
        return check(pw, values, lengths, { ratio: 1, replacement: -5n, seed: 1n, stream: 0n });
      },
    },
    {
      id: 'sparseDropout/empty',
      op,
      description: 'no segments at all, and segments that are all empty',
      run: async (pw) => {
        const none = await check(pw, new BigInt64Array(0), new Int32Array(0), {
          ratio: 0.5,
          replacement: 1n,
          seed: 0n,
          stream: 0n,
        });
        if (!none.pass) return none;
        return check(pw, new Int32Array(0), new Int32Array(17), {
          ratio: 0.5,
          replacement: 1n,
          seed: 0n,
          stream: 0n,
        });
      },
    },
    {
      id: 'sparseDropout/int64-extremes',
      op,
      description: 'ids 2^63-1, -2^63 and 2^53+1 survive untouched',
      run: (pw) =>
        check(
          pw,
          new BigInt64Array([(1n << 63n) - 1n, -(1n << 63n), (1n << 53n) + 1n, 0n]),
          new Int32Array([1, 2, 0, 1]),
          {
            ratio: 0.5,
            replacement: (1n << 53n) + 3n,
            seed: 11n,
            stream: 0n,
          },
        ),
    },
  ];
}
