// @pointwise/core/conformance: the contract every backend must pass, as data
// (cases) plus a runner, a vitest helper and the pieces to build your own.

export type { CaseOutcome, ConformanceCase } from './case.js';
export { eluRoundingSearch } from './cases/eluGradients.js';
export { conformanceCases } from './cases/index.js';
export { EXHAUSTIVE_PARAMS, planSweeps, type SweepTask, sliceWindows } from './exhaustive/plan.js';
export { exhaustiveJson, formatExhaustive } from './exhaustive/report.js';
export {
  type ExhaustiveOptions,
  type ExhaustiveReport,
  runExhaustive,
  type TaskResult,
} from './exhaustive/run.js';
export { defineExhaustiveSuite, type ExhaustiveSuiteOptions } from './exhaustive/vitest.js';
export { acceptExact, acceptSum, acceptUlp, checkElements, ExactSum } from './intervals.js';
export { formatMatrix, type MatrixOptions } from './matrix.js';
export {
  type BackendReport,
  type CaseFilter,
  type CaseReport,
  type RunOptions,
  runCase,
  runConformance,
  selectCases,
} from './runner.js';
export {
  EDGE_SIZES,
  fullF32Sweep,
  roundingGradientsFor,
  SPECIAL_GRADIENTS,
  SPECIAL_VALUES,
  seededRandom,
} from './values.js';
export { defineConformanceSuite, type SuiteOptions, type TestHooks } from './vitest.js';
