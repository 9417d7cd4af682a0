// `pointwise-conformance` / `pnpm conformance`: runs the suite on every requested
// backend (default: all known, loaded through probeBackends) and prints the
// op × backend matrix, or one JSON object with --json. Exits 1 on any failure.

import { parseArgs } from 'node:util';
import { BACKEND_NAMES, probeBackends } from '../backends.js';
import { formatMatrix } from './matrix.js';
import { type BackendReport, runConformance } from './runner.js';

const HELP = `Usage: pointwise-conformance [--backend js,wasm-simd,...] [--filter <text>] [--json]

Runs the Pointwise conformance suite on each backend and prints an op x backend
matrix (pass / FAIL / unavailable with the reason). Exit code 1 if any case fails.

  --backend, --backends  comma-separated backend names (default: ${BACKEND_NAMES.join(',')})
  --filter               only cases whose id contains this text (e.g. elu/ or errors/)
  --json                 print {backends: [{name, available, reason?, passed, failed, cases: [{id, op, pass, maxUlp?}]}]}
  --help                 this text`;

async function main(): Promise<number> {
  let values: {
    backend?: string;
    backends?: string;
    filter?: string;
    json?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        backend: { type: 'string' },
        backends: { type: 'string' },
        filter: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const names = (values.backend ?? values.backends)
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [...BACKEND_NAMES];
  const probes = await probeBackends(names);
  const reports: BackendReport[] = [];
  const progress = process.stderr.isTTY && !values.json;
  for (const probe of probes) {
    if (!probe.available) {
      reports.push({
        name: probe.name,
        available: false,
        reason: probe.reason,
        passed: 0,
        failed: 0,
        cases: [],
      });
      continue;
    }
    const report = await runConformance(probe.factory, {
      filter: values.filter,
      onProgress: progress
        ? ({ done, total }) => process.stderr.write(`\r${probe.name}: ${done}/${total} cases`)
        : undefined,
    });
    if (progress) process.stderr.write('\n');
    reports.push(report);
  }
  if (values.json) {
    const backends = reports.map((r) => ({
      name: r.name,
      available: r.available,
      ...(r.reason !== undefined ? { reason: r.reason } : {}),
      passed: r.passed,
      failed: r.failed,
      cases: r.cases.map((c) => ({
        id: c.id,
        op: c.op,
        pass: c.pass,
        ...(c.maxUlp !== undefined ? { maxUlp: c.maxUlp } : {}),
        ...(c.pass ? {} : { message: c.message }),
      })),
    }));
    process.stdout.write(`${JSON.stringify({ backends }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatMatrix(reports)}\n`);
  }
  const ran = reports.reduce((n, r) => n + r.passed + r.failed, 0);
  if (ran === 0) {
    process.stderr.write('no case ran: no requested backend is available\n');
    return 1;
  }
  return reports.some((r) => r.failed > 0) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exitCode = 2;
  },
);
