// `pnpm bench`: parse flags, probe each backend through core's probeBackends in its
// own child processes (one per size; each peer likewise), show progress, then print the
// table and write JSON / markdown / SVG when asked. Children run one at a time so
// they do not compete for the cores, size by size: every target at one size, then every
// target at the next, so a row and its peer's are measured minutes apart, not a whole
// run apart (DECISIONS #293). Without --peers, the quick run adds one peer
// (tfjs-wasm) at its largest size only. Progress: a bar on a terminal, otherwise a
// plain line on stderr every --progress-every seconds. Exit 0 / 1 failure / 2 usage.

import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expandCases } from '@pointwise/bench-cases';
import { PointwiseError } from '@pointwise/core';
import cliProgress from 'cli-progress';
import { type BenchArgs, HELP, parseArgs } from './args.js';
import { BUSY_SCRIPT, startBusy } from './busy.js';
import {
  addSkipOnce,
  type ChildMessage,
  sortInCaseOrder,
  type Task,
  ticksFor,
} from './protocol.js';
import { renderJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { type BenchReport, machineInfo, REPORT_SCHEMA, sizesOf } from './report/model.js';
import { renderSvg } from './report/svg.js';
import { renderTable } from './report/table.js';

const PEER_TARGETS: Record<string, string[]> = {
  tfjs: ['tfjs-cpu', 'tfjs-wasm'],
  'tfjs-wasm': ['tfjs-wasm'],
  'tfjs-cpu': ['tfjs-cpu'],
  ort: ['ort'],
};

export function tasksFor(args: BenchArgs): Task[] {
  const cases = expandCases(args.ops);
  const common = { cases, sizes: args.sizes, samples: args.samples, minSampleMs: args.minSampleMs };
  // the threaded wasm-simd target runs right after the single-thread one: its own rows
  const threads = args.wasmThreads;
  const backends = args.backends.flatMap((name) =>
    name !== 'wasm-simd' || threads === 1
      ? [name]
      : [name, threads === 'auto' ? `${name} auto` : `${name} x${threads}`],
  );
  const peers = [...new Set(args.peers.flatMap((p) => PEER_TARGETS[p] ?? []))].map((name) => ({
    kind: 'peer' as const,
    name,
    ...common,
  }));
  // the quick run's peer: one target, at one size
  if (args.defaultPeer) {
    peers.push({
      kind: 'peer',
      name: args.defaultPeer.target,
      ...common,
      sizes: [args.defaultPeer.size],
    });
  }
  return [...backends.map((name) => ({ kind: 'backend' as const, name, ...common })), ...peers];
}

/** Fork dist/worker.js for one task; resolve with every message it sent. */
function runChild(task: Task, onProgress: (label: string) => void): Promise<ChildMessage[]> {
  const workerPath = fileURLToPath(new URL('./worker.js', import.meta.url));
  return new Promise((resolve) => {
    const messages: ChildMessage[] = [];
    let stderr = '';
    const child = fork(workerPath, [], {
      // --no-flush-bytecode keeps compiled code across forced GCs.
      execArgv: ['--expose-gc', '--no-flush-bytecode'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.on('message', (m: ChildMessage) => {
      messages.push(m);
      if (m.type === 'progress') onProgress(m.label);
    });
    child.on('exit', (code) => {
      if (!messages.some((m) => m.type !== 'progress')) {
        messages.push({
          type: 'error',
          target: task.name,
          message: `exited with ${code}: ${stderr.trim().slice(-2000)}`,
        });
      }
      resolve(messages);
    });
    child.send(task);
  });
}

/**
 * One size of a task, in a child process of its own (each size on a fresh heap: tfjs-wasm
 * could no longer fit 2^27-element tensors after its 2^16 and 2^24 cases, #133), with the
 * overhead measured there when asked. After a peer traps, the cases it did not run get a
 * fresh child. Stops at a child that reports the target unavailable or failed.
 */
export async function runAtSize(
  task: Task,
  size: number,
  withOverhead: boolean,
  onProgress: (label: string) => void,
  run: typeof runChild = runChild,
): Promise<ChildMessage[]> {
  const all: ChildMessage[] = [];
  let cases = task.cases;
  let overhead = withOverhead;
  for (;;) {
    const messages = await run({ ...task, sizes: [size], cases, overhead }, onProgress);
    all.push(...messages.filter((m) => m.type !== 'progress'));
    if (messages.some((m) => m.type === 'unavailable' || m.type === 'error')) return all;
    const result = messages.find((m) => m.type === 'result');
    const left = new Set(result?.type === 'result' ? result.unfinished?.map((u) => u.caseId) : []);
    const next = cases.filter((c) => left.has(c.id));
    if (next.length === 0) return all;
    // the trapping case itself is a skipped row, so a resume always runs fewer cases
    if (next.length >= cases.length) {
      const reason = 'not run: the peer trapped before it on every attempt';
      const skipped = next.map((c) => ({ target: task.name, caseId: c.id, reason }));
      all.push({ type: 'result', rows: [], overhead: [], skipped });
      return all;
    }
    cases = next;
    overhead = false;
  }
}

export async function runBench(args: BenchArgs): Promise<BenchReport> {
  const tasks = tasksFor(args);
  const machine = machineInfo();
  const report: BenchReport = {
    schema: REPORT_SCHEMA,
    startedAt: new Date().toISOString(),
    machine,
    sizes: sizesOf(args.sizes, machine.llc),
    args: { ...args, help: undefined } as BenchReport['args'],
    rows: [],
    overhead: [],
    skipped: [],
    unavailable: [],
  };
  const busy = await startBusy(args.busy);
  if (args.busy > 0) {
    report.args.notes = [
      ...report.args.notes,
      `${args.busy} busy process(es) (node -e '${BUSY_SCRIPT}') ran alongside every measurement`,
    ];
  }
  try {
    return await runTasks(args, tasks, report);
  } finally {
    await busy.stop();
  }
}

/**
 * The order the children run in: size by size, and at each size every task that has it,
 * in the tasks' order (`wasm-simd`, `wasm-simd x2`, then the peers). On a shared machine
 * the memory bandwidth drifts by tens of percent over minutes (issue 23: the copies
 * beside our rows and beside tfjs-wasm's differed by up to 2x when each target ran its
 * sizes in one stretch), so a row is measured as close in time to its peers' as the
 * one-size-per-child design allows. Overhead runs with each task's first size.
 */
export function childOrder(tasks: readonly Task[]): { task: Task; size: number; first: boolean }[] {
  const sizes = [...new Set(tasks.flatMap((t) => t.sizes))].sort((a, b) => a - b);
  return sizes.flatMap((size) =>
    tasks
      .filter((task) => task.sizes.includes(size))
      .map((task) => ({ task, size, first: task.sizes[0] === size })),
  );
}

/** Runs the children in childOrder, filling the report (rows grouped by task, in case order). */
export async function runTasks(
  args: Pick<BenchArgs, 'progressEvery'>,
  tasks: Task[],
  report: BenchReport,
  run: typeof runChild = runChild,
): Promise<BenchReport> {
  const total = tasks.reduce((n, t) => n + ticksFor(t), 0);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          format: 'bench [{bar}] {value}/{total} {label}',
          hideCursor: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(total, 0, { label: '' });
  let done = 0;
  let lastLine = Number.NEGATIVE_INFINITY;
  const plain = (n: number, label: string) => {
    if (bar) return;
    const now = Date.now();
    if (n === total || now - lastLine >= args.progressEvery * 1000) {
      lastLine = now;
      process.stderr.write(`bench: ${n}/${total} ${label}\n`);
    }
  };
  const messagesOf = new Map<Task, ChildMessage[]>(tasks.map((t) => [t, []]));
  const stopped = new Set<Task>();
  for (const { task, size, first } of childOrder(tasks)) {
    const ticks = first ? ticksFor({ ...task, sizes: [size] }) : task.cases.length;
    if (stopped.has(task)) {
      done += ticks;
      continue;
    }
    const start = done;
    const messages = await runAtSize(
      task,
      size,
      first,
      (label) => {
        done = Math.min(done + 1, start + ticks);
        bar?.update(done, { label });
        plain(done, `${task.name} ${label}`);
      },
      run,
    );
    done = start + ticks;
    bar?.update(done, { label: `${task.name} ${size} done` });
    plain(done, `${task.name} ${size} done`);
    messagesOf.get(task)!.push(...messages);
    // a target that is unavailable or fails at one size is not tried at the next
    if (messages.some((m) => m.type === 'unavailable' || m.type === 'error')) stopped.add(task);
  }
  for (const task of tasks) {
    const rows: BenchReport['rows'] = [];
    for (const m of messagesOf.get(task)!) {
      if (m.type === 'result') {
        rows.push(...m.rows);
        report.overhead.push(...m.overhead);
        for (const skip of m.skipped) addSkipOnce(report.skipped, skip);
      } else if (m.type === 'unavailable') {
        report.unavailable.push({ target: m.target, reason: m.reason });
      } else if (m.type === 'error') {
        report.unavailable.push({
          target: m.target,
          reason: `failed: ${m.message.split('\n')[0]}`,
        });
      }
    }
    // rows in case order, then size, as the tables read
    sortInCaseOrder(rows, task.cases);
    report.rows.push(...rows);
  }
  bar?.stop();
  return report;
}

export async function writeOutputs(args: BenchArgs, report: BenchReport): Promise<string[]> {
  const written: string[] = [];
  if (args.json) {
    await writeFile(args.json, renderJson(report));
    written.push(args.json);
  }
  if (args.md) {
    await writeFile(args.md, renderMarkdown(report));
    written.push(args.md);
  }
  if (args.svg) {
    await writeFile(args.svg, await renderSvg(report));
    written.push(args.svg);
  }
  return written;
}

async function main(argv: string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof PointwiseError) {
      console.error(`${error.message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const report = await runBench(args);
  console.log(renderTable(report));
  for (const file of await writeOutputs(args, report)) console.log(`wrote ${file}`);
  const failed = report.unavailable.filter((u) => u.reason.startsWith('failed: '));
  for (const f of failed) console.error(`bench: ${f.target} ${f.reason}`);
  // a peer alone is no result: the bench is about Pointwise
  const measured = report.rows.some((r) => r.kind === 'backend');
  if (!measured) console.error('bench: nothing was measured (no Pointwise backend could run)');
  return measured && failed.length === 0 ? 0 : 1;
}

const isEntry = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(error.stack ?? error.message);
      process.exitCode = 1;
    },
  );
}
