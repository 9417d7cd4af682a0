// Browser entry for chromium.test.ts: runs a filtered part of the conformance suite on
// the webgpu backend through navigator.gpu and reports the result to the test.
import { runConformance } from '@pointwise/core/conformance';
import { webgpuBackend } from '../../src/index.js';

(globalThis as { runSuite?: unknown }).runSuite = async (pattern: string) => {
  const report = await runConformance(webgpuBackend(), { filter: new RegExp(pattern) });
  return {
    available: report.available,
    reason: report.reason,
    passed: report.passed,
    failed: report.failed,
    ids: report.cases.map((c) => c.id),
    failures: report.cases.filter((c) => !c.pass).map((c) => `${c.id}: ${c.message}`),
  };
};
