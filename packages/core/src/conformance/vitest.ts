// Runs the suite as one test per case in vitest (or any runner with the same
// describe / it / beforeAll / afterAll shape), without core depending on it.

import type { BackendFactory } from '../backend.js';
import { type Pointwise, pointwise } from '../pointwise.js';
import { conformanceCases } from './cases/index.js';
import { type CaseFilter, runCase, selectCases } from './runner.js';

export interface TestHooks {
  describe: (name: string, body: () => void) => void;
  it: ((name: string, body: () => Promise<void>, timeout?: number) => void) & {
    skip?: (name: string, body: () => Promise<void>) => void;
  };
  beforeAll: (body: () => Promise<void>, timeout?: number) => void;
  afterAll: (body: () => void | Promise<void>) => void;
}

export interface SuiteOptions {
  filter?: CaseFilter;
  /** Per-case timeout in ms (default 120 000: sweeps are 10^6 elements). */
  timeout?: number;
  /** Skip every case when the backend is unavailable here (default: fail them). */
  skipIfUnavailable?: boolean;
}

export function defineConformanceSuite(
  factory: BackendFactory,
  hooks: TestHooks,
  options: SuiteOptions = {},
): void {
  const cases = selectCases(conformanceCases(factory), options.filter);
  const timeout = options.timeout ?? 120_000;
  hooks.describe(`conformance: ${factory.name}`, () => {
    let pw: Pointwise | null = null;
    let unavailable: string | null = null;
    hooks.beforeAll(async () => {
      const availability = await factory.isAvailable();
      if (!availability.available) unavailable = availability.reason;
      else pw = await pointwise(factory);
    }, timeout);
    hooks.afterAll(() => pw?.destroy());
    for (const c of cases) {
      hooks.it(
        c.id,
        async () => {
          if (unavailable !== null) {
            if (options.skipIfUnavailable) return;
            throw new Error(`backend ${factory.name} is unavailable: ${unavailable}`);
          }
          const report = await runCase(c, pw!);
          if (!report.pass) throw new Error(report.message ?? 'failed');
        },
        timeout,
      );
    }
  });
}
