#!/usr/bin/env node
// `pointwise-conformance` / `pnpm conformance`: runs the suite on every requested
// backend (default: all known, loaded through probeBackends) and prints the
// op × backend matrix, or one JSON object with --json (stdout holds only that JSON).
// Exit codes: 0 all passed, 1 a case failed or nothing could run, 2 usage error.

import { parseArgs } from 'node:util';
import { BACKEND_NAMES } from '../backends.js';
import { formatMatrix, isNotInstalled, notInstalledFootnote } from './matrix.js';
import { probeColumns } from './probes.js';
import { type BackendReport, runConformance } from './runner.js';

const HELP = `Usage: pointwise-conformance [--backend js,wasm-simd,...] [--wasm-threads N] [--filter <text>] [--json]
       pointwise-conformance --exhaustive [--ops relu,elu,...] [--backend ...] (every float32 input; --exhaustive --help)

Runs the Pointwise conformance suite on each backend and prints an op x backend
matrix (pass / FAIL / unavailable with the reason). Backends whose package is not
installed are named once, under the matrix.

  --backend, --backends  comma-separated backend names, from: ${BACKEND_NAMES.join(', ')} (default: all)
  --wasm-threads <N>     run the wasm-simd column with N threads (a number or auto); default:
                         two columns, wasm-simd (1 thread) and wasm-simd xN ('auto': N cores).
                         A column with more than one thread splits every call over the
                         workers (the backend's crossover: 0 test option), so every case,
                         however small, runs the threaded paths
  --filter <text>        only cases whose id has this text at the start of a segment (the
                         start of the id or right after a /): elu/ is elu's cases (not
                         leakyRelu's), errors/, golden, backward-y
  --json                 print only {backends: [{name, available, reason?, passed, failed, cases: [{id, op, pass, maxUlp?}]}]} on stdout
  --progress-every <s>   when stderr is not a terminal, a progress line every <s> seconds (default 5)
  -h, --help             this text

Exit code: 0 every case passed, 1 a case failed or no backend could run, 2 usage error
(unknown flag or backend, a --filter that matches no case). Progress goes to stderr.`;

/** Usage errors: the message, then the help, exit 2. */
function usage(message: string): number {
  process.stderr.write(`pointwise-conformance: ${message}\n\n${HELP}\n`);
  return 2;
}

/** Progress for one backend: a live counter on a terminal, periodic plain lines otherwise. */
function progressReporter(name: string, tty: boolean, everyMs: number) {
  let last = 0;
  return ({ done, total }: { done: number; total: number }) => {
    if (tty) {
      process.stderr.write(`\r${name}: ${done}/${total} cases`);
      if (done === total) process.stderr.write('\n');
      return;
    }
    const now = Date.now();
    if (done === 1 || done === total || now - last >= everyMs) {
      last = now;
      process.stderr.write(`conformance: ${name} case ${done}/${total}\n`);
    }
  };
}

async function main(): Promise<number> {
  // loaded only when asked for, so the plain suite's bin stays within its size budget
  if (process.argv.includes('--exhaustive'))
    return (await import('./exhaustive/cli.js')).exhaustiveMain(process.argv.slice(2));
  let values: {
    backend?: string;
    backends?: string;
    filter?: string;
    json?: boolean;
    help?: boolean;
    'progress-every'?: string;
    'wasm-threads'?: string;
  };
  try {
    ({ values } = parseArgs({
      options: {
        backend: { type: 'string' },
        backends: { type: 'string' },
        filter: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        'progress-every': { type: 'string' },
        'wasm-threads': { type: 'string' },
      },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const everySeconds = Number(values['progress-every'] ?? 5);
  if (!(everySeconds >= 0)) return usage(`--progress-every must be a number of seconds >= 0`);
  const names = (values.backend ?? values.backends)
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? [...BACKEND_NAMES];
  const unknown = names.filter((n) => !(BACKEND_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0)
    return usage(
      `unknown backend ${unknown.map((n) => `'${n}'`).join(', ')}: known backends are ${BACKEND_NAMES.join(', ')}`,
    );
  if (names.length === 0)
    return usage(`--backend needs at least one of ${BACKEND_NAMES.join(', ')}`);
  const wasmThreads = values['wasm-threads'];
  let threadRuns: (number | 'auto')[] = [1, 'auto'];
  if (wasmThreads !== undefined) {
    const n = Number(wasmThreads);
    if (wasmThreads !== 'auto' && !(Number.isInteger(n) && n >= 1))
      return usage(`--wasm-threads must be an integer >= 1 or auto (got '${wasmThreads}')`);
    threadRuns = [wasmThreads === 'auto' ? 'auto' : n];
  }
  const probes = await probeColumns(names, threadRuns);
  const reports: BackendReport[] = [];
  const tty = process.stderr.isTTY === true;
  for (const probe of probes) {
    if (!probe.available) {
      reports.push({
        name: probe.label,
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
      onProgress: progressReporter(probe.label, tty, everySeconds * 1000),
    });
    reports.push({ ...report, name: probe.label });
  }
  const ran = reports.reduce((n, r) => n + r.passed + r.failed, 0);
  const anyAvailable = reports.some((r) => r.available);
  if (anyAvailable && ran === 0 && values.filter !== undefined)
    return usage(`no case matched --filter '${values.filter}'`);
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
  } else if (anyAvailable || reports.some((r) => !isNotInstalled(r))) {
    process.stdout.write(`${formatMatrix(reports)}\n`);
  } else {
    process.stdout.write(`${notInstalledFootnote(reports)}\n`);
  }
  if (ran === 0) {
    const installed = reports.filter((r) => !isNotInstalled(r));
    process.stderr.write(
      installed.length === 0
        ? `no case ran: no requested backend is installed (${names.join(', ')})\n`
        : `no case ran: no requested backend is available here (${installed.map((r) => `${r.name}: ${r.reason}`).join('; ')})\n`,
    );
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
    process.exitCode = 1;
  },
);
