// `pointwise-conformance --exhaustive`: every float32 input of every selected op on
// every selected backend. Progress with an ETA on stderr, the op × backend table (or
// --json) on stdout, Ctrl-C stops after the current chunk and prints what ran,
// --resume <file> saves progress and picks up where a stopped run left off.
// Exit codes: 0 nothing differs, 1 a difference or no backend ran, 2 usage error,
// 130 stopped (with no difference found so far).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BACKEND_NAMES } from '../../backends.js';
import { OP_NAMES } from '../../ops/index.js';
import { probeColumns } from '../probes.js';
import { exhaustiveJson, formatExhaustive } from './report.js';
import { type ExhaustiveReport, exhaustivePlan, type ResumeState, runExhaustive } from './run.js';

const HELP = `Usage: pointwise-conformance --exhaustive [--ops relu,elu,...] [--backend js,wasm-simd,...]
         [--wasm-threads N] [--slice [--window N]] [--tasks <text>] [--resume <file>] [--json]

Checks every float32 input (all 4,294,967,296 bit patterns) of each activation, forward
and backward, at the default parameters and at each parameter value that moves a kink
or a rounding boundary; dropout masks, y and dx over many (seed, stream) pairs against
the reference Philox; sparse dropout at large sizes. Prints an op x backend table of
how many results differ from the reference (elu: within 2 ulp, with its worst ulp).

  --ops <list>         comma-separated ops (default: all): ${OP_NAMES.join(', ')}
  --backend <list>     comma-separated backends (default: all): ${BACKEND_NAMES.join(', ')}
  --wasm-threads <N>   wasm-simd thread count (default: two columns, 1 thread and 'auto')
  --slice              the CI slice: default params, a 2^24-input window around every kink
                       and boundary, small dropout sizes (seconds, not hours)
  --window <N>         with --slice: inputs per sweep (default 16777216 = 2^24; 2^k, k >= 1)
  --tasks <text>       only sweeps whose id contains this text (e.g. forward/default)
  --resume <file>      save progress to <file> (JSON) and continue from it when it exists
  --json               print only JSON on stdout
  --progress-every <s> seconds between progress lines (default 10)

Exit code: 0 nothing differs, 1 something differs or no backend ran, 2 usage error,
130 interrupted (Ctrl-C) before the end with nothing differing so far.`;

function usage(message: string): number {
  process.stderr.write(`pointwise-conformance --exhaustive: ${message}\n\n${HELP}\n`);
  return 2;
}

const list = (s: string | undefined) =>
  s
    ?.split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

export async function exhaustiveMain(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        exhaustive: { type: 'boolean' },
        ops: { type: 'string' },
        backend: { type: 'string' },
        backends: { type: 'string' },
        'wasm-threads': { type: 'string' },
        slice: { type: 'boolean' },
        window: { type: 'string' },
        tasks: { type: 'string' },
        resume: { type: 'string' },
        json: { type: 'boolean' },
        'progress-every': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const ops = list(values.ops as string | undefined);
  const badOps = ops?.filter((o) => !(OP_NAMES as readonly string[]).includes(o)) ?? [];
  if (badOps.length)
    return usage(
      `unknown op ${badOps.map((o) => `'${o}'`).join(', ')}: known ops are ${OP_NAMES.join(', ')}`,
    );
  const names = list((values.backend ?? values.backends) as string | undefined) ?? [
    ...BACKEND_NAMES,
  ];
  const badBackends = names.filter((n) => !(BACKEND_NAMES as readonly string[]).includes(n));
  if (badBackends.length)
    return usage(
      `unknown backend ${badBackends.map((n) => `'${n}'`).join(', ')}: known backends are ${BACKEND_NAMES.join(', ')}`,
    );
  let threadRuns: (number | 'auto')[] = [1, 'auto'];
  const wt = values['wasm-threads'] as string | undefined;
  if (wt !== undefined) {
    const n = Number(wt);
    if (wt !== 'auto' && !(Number.isInteger(n) && n >= 1))
      return usage(`--wasm-threads must be an integer >= 1 or auto (got '${wt}')`);
    threadRuns = [wt === 'auto' ? 'auto' : n];
  }
  const every = Number(values['progress-every'] ?? 10);
  if (!(every >= 0)) return usage('--progress-every must be a number of seconds >= 0');
  const windowText = values.window as string | undefined;
  const window = windowText === undefined ? undefined : Number(windowText);
  if (
    window !== undefined &&
    !(Number.isInteger(Math.log2(window)) && window >= 2 && window <= 2 ** 32)
  )
    return usage(`--window must be a power of two from 2 to 2^32 (got '${windowText}')`);
  const taskText = values.tasks as string | undefined;
  const options = {
    ops,
    slice: values.slice === true,
    window,
    taskFilter: taskText === undefined ? undefined : (id: string) => id.includes(taskText),
  };
  const resumeFile = values.resume as string | undefined;
  let state: ResumeState = {};
  if (resumeFile && existsSync(resumeFile))
    state = JSON.parse(readFileSync(resumeFile, 'utf8')) as ResumeState;
  const save = () => {
    if (resumeFile) writeFileSync(resumeFile, JSON.stringify(state));
  };

  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\nstopping after the current chunk (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);

  const sweepInputs = exhaustivePlan(options).reduce(
    (s, p) => s + p.ranges.reduce((a, r) => a + r.count, 0),
    0,
  );
  const probes = await probeColumns(names, threadRuns);
  const reports: ExhaustiveReport[] = [];
  try {
    for (const probe of probes) {
      if (stop) break;
      if (!probe.available) {
        reports.push({
          name: probe.label,
          available: false,
          reason: probe.reason,
          interrupted: false,
          tasks: [],
        });
        continue;
      }
      const start = performance.now();
      let lastLine = 0;
      let lastSave = start;
      let doneBefore = 0; // inputs of the sweeps that finished
      const already = exhaustivePlan(options).reduce(
        (s, p) =>
          s +
          Math.min(
            state[`${probe.label}/${p.task.id}`]?.done ?? 0,
            p.ranges.reduce((a, r) => a + r.count, 0),
          ),
        0,
      );
      const report = await runExhaustive(probe.factory, {
        ...options,
        label: probe.label,
        state,
        stopped: () => stop,
        onProgress: ({ task, done, total }) => {
          const now = performance.now();
          const all = task.includes('ropout/') ? sweepInputs : doneBefore + done;
          const rate = (all - already) / ((now - start) / 1000);
          const eta = (sweepInputs - all) / rate;
          if (now - lastLine >= every * 1000 || done === total) {
            lastLine = now;
            const pct = ((100 * all) / Math.max(1, sweepInputs)).toFixed(1);
            process.stderr.write(
              `exhaustive: ${probe.label} ${task} ${((100 * done) / total).toFixed(0)}% | sweeps ${pct}% | ${(rate / 1e6).toFixed(1)} M inputs/s | ETA ${duration(eta)}\n`,
            );
          }
          if (now - lastSave > 5000) {
            lastSave = now;
            save();
          }
        },
        onTaskEnd: (r) => {
          if (!r.id.includes('ropout/')) doneBefore += r.checked >= r.total ? r.total : 0;

          save();
        },
      });
      reports.push(report);
      process.stderr.write(
        `exhaustive: ${probe.label} done in ${duration((performance.now() - start) / 1000)}\n`,
      );
    }
  } finally {
    process.off('SIGINT', onSigint);
    save();
  }
  process.stdout.write(
    values.json
      ? `${JSON.stringify(exhaustiveJson(reports), null, 2)}\n`
      : `${formatExhaustive(reports)}\n`,
  );
  const differ = reports.some((r) => r.tasks.some((t) => t.differ > 0));
  if (differ) return 1;
  if (stop || reports.some((r) => r.interrupted)) return 130;
  if (!reports.some((r) => r.available)) {
    process.stderr.write('no backend ran: none of the requested backends is available here\n');
    return 1;
  }
  return 0;
}
