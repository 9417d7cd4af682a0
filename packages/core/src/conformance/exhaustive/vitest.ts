// The exhaustive checks as vitest tests (or any runner with describe / it /
// beforeAll / afterAll), one test per sweep or dropout task, for backend authors:
// by default the CI slice (2^24 inputs around every kink and boundary), with
// `full: true` every one of the 2^32 inputs.

import type { BackendFactory } from '../../backend.js';
import { type Pointwise, pointwise } from '../../pointwise.js';
import type { TestHooks } from '../vitest.js';
import { emptyTally, type Tally } from './compare.js';
import { planDropout, runDropoutTask } from './dropout.js';
import { exhaustivePlan } from './run.js';
import { sweepRanges } from './sweep.js';

export interface ExhaustiveSuiteOptions {
  /** Ops to check (default: all). */
  ops?: readonly string[];
  /** Every input instead of the CI slice (hours on a slow backend). */
  full?: boolean;
  /** Inputs per task in the slice (default 2^24). */
  window?: number;
  /** Per-test timeout in ms (default 300 000). */
  timeout?: number;
}

function failure(id: string, t: Tally): string {
  const lines = t.first.map(
    (d) =>
      `input ${d.input}${d.fixed ? ` (fixed ${d.fixed})` : ''}: expected ${d.expected}, got ${d.got}`,
  );
  return `${id}: ${t.differ} of ${t.checked} differ; first: ${lines.join('; ')}`;
}

export function defineExhaustiveSuite(
  factory: BackendFactory,
  hooks: TestHooks,
  options: ExhaustiveSuiteOptions = {},
): void {
  const timeout = options.timeout ?? 300_000;
  const slice = options.full !== true;
  hooks.describe(`exhaustive${slice ? ' slice' : ''}: ${factory.name}`, () => {
    let pw: Pointwise | null = null;
    hooks.beforeAll(async () => {
      pw = await pointwise(factory);
    }, timeout);
    hooks.afterAll(() => pw?.destroy());
    for (const { task, ranges } of exhaustivePlan({
      ops: options.ops,
      slice,
      window: options.window,
    })) {
      hooks.it(
        task.id,
        async () => {
          const tally = emptyTally();
          await sweepRanges(pw!, task, ranges, tally);
          if (tally.differ > 0) throw new Error(failure(task.id, tally));
        },
        timeout,
      );
    }
    for (const task of planDropout(slice)) {
      if (options.ops && !options.ops.includes(task.kind)) continue;
      hooks.it(
        task.id,
        async () => {
          const tally = emptyTally();
          await runDropoutTask(pw!, task, tally);
          if (tally.differ > 0) throw new Error(failure(task.id, tally));
        },
        timeout,
      );
    }
  });
}
