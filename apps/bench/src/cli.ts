// `pnpm bench`: parse flags, probe each backend through core's probeBackends in child
// processes, one per size and group of targets measured together (wasm-simd with
// tfjs-wasm, js with tfjs-cpu; ort and a GPU backend alone; DECISIONS #315: a row and
// its peers' sampled in the same rounds), show progress, then print the table and
// write JSON / markdown / SVG when asked. Children run one at a time so they do not
// compete for the cores, size by size (DECISIONS #293); `--apart` gives every target
// processes of its own. Without --peers, the quick run adds one peer (tfjs-wasm) at its
// largest size only. Progress: a bar on a terminal, otherwise a plain line on stderr
// every --progress-every seconds. Exit 0 / 1 failure / 2 usage.

import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
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
import { fitsMemory, formatSize } from './sizes.js';
import { backendOf } from './targets/pointwise.js';

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

/** Fork dist/worker.js for one job (its tasks); resolve with every message it sent. */
function runChild(tasks: Task[], onProgress: (label: string) => void): Promise<ChildMessage[]> {
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
      if (!messages.some((m) => m.type === 'result')) {
        // no result: every task the child did not already report unavailable or failed
        // (a job's other targets when one backend failed) failed with it
        const reported = new Set(
          messages.map((m) => (m.type === 'unavailable' || m.type === 'error' ? m.target : '')),
        );
        for (const task of tasks.filter((t) => !reported.has(t.name))) {
          messages.push({
            type: 'error',
            target: task.name,
            message: `exited with ${code}: ${stderr.trim().slice(-2000)}`,
          });
        }
      }
      resolve(messages);
    });
    child.send(tasks);
  });
}

/**
 * Which targets share a child and are measured together (DECISIONS #315), by the
 * library's name: wasm (wasm-simd at any thread count, tfjs-wasm) in one process, plain
 * JS (js, tfjs-cpu) in another, because a wasm memory.grow detaches ArrayBuffers and
 * slows plain JS loops process-wide. ort runs alone: its native thread pool spins
 * between calls, and beside it every other target and copy ran about 20% slower
 * (measured: median 0.78x of the same rows apart; without ort, 1.02x). GPU backends
 * run alone.
 */
const MEASURED_TOGETHER: Readonly<Record<string, string>> = {
  'wasm-simd': 'wasm',
  'tfjs-wasm': 'wasm',
  js: 'js',
  'tfjs-cpu': 'js',
};

/** The group a task is measured in, or null when it runs alone. */
export function togetherKey(task: Task): string | null {
  const library = task.kind === 'backend' ? backendOf(task.name).backend : task.name;
  return MEASURED_TOGETHER[library] ?? null;
}

/** Targets and peers a child left unavailable or failed: not tried at a later size. */
function endedTargets(messages: readonly ChildMessage[]): Set<string> {
  const ended = new Set<string>();
  for (const m of messages) if (m.type === 'unavailable' || m.type === 'error') ended.add(m.target);
  return ended;
}

/**
 * One size of a job, in a child process of its own (each size on a fresh heap: tfjs-wasm
 * could no longer fit 2^27-element tensors after its 2^16 and 2^24 cases, #133), with
 * each task's overhead measured there when its `overhead` asks. After a peer traps, the
 * cases it did not run get a fresh child of their own (measured alone, not beside the
 * job's other targets). A target the child reports unavailable or failed stops there.
 */
export async function runAtSize(
  tasks: Task[],
  size: number,
  onProgress: (label: string) => void,
  run: typeof runChild = runChild,
): Promise<ChildMessage[]> {
  const sized = tasks.map((t) => ({ ...t, sizes: [size] }));
  const first = await run(sized, onProgress);
  const all: ChildMessage[] = first.filter((m) => m.type !== 'progress');
  const result = first.find((m) => m.type === 'result');
  const ended = endedTargets(first);
  for (const task of sized) {
    if (ended.has(task.name) || result?.type !== 'result') continue;
    const left = new Set(
      result.unfinished?.filter((u) => (u.target ?? task.name) === task.name).map((u) => u.caseId),
    );
    all.push(...(await retryAlone(task, left, onProgress, run)));
  }
  return all;
}

/** The cases a trap left unfinished, in fresh children of their own until none are left. */
async function retryAlone(
  task: Task,
  unfinished: Set<string>,
  onProgress: (label: string) => void,
  run: typeof runChild,
): Promise<ChildMessage[]> {
  const all: ChildMessage[] = [];
  let cases = task.cases.filter((c) => unfinished.has(c.id));
  while (cases.length > 0) {
    const messages = await run([{ ...task, cases, overhead: false }], onProgress);
    all.push(...messages.filter((m) => m.type !== 'progress'));
    if (messages.some((m) => m.type === 'unavailable' || m.type === 'error')) return all;
    const result = messages.find((m) => m.type === 'result');
    const left = new Set(result?.type === 'result' ? result.unfinished?.map((u) => u.caseId) : []);
    const next = cases.filter((c) => left.has(c.id));
    // the trapping case itself is a skipped row, so a resume always runs fewer cases
    if (next.length >= cases.length) {
      const reason = 'not run: the peer trapped before it on every attempt';
      const skipped = next.map((c) => ({ target: task.name, caseId: c.id, reason }));
      all.push({ type: 'result', rows: [], overhead: [], skipped });
      return all;
    }
    cases = next;
  }
  return all;
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
  report.args.notes = [...report.args.notes, ...togetherNotes(tasks, args.apart)];
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

/** One child: its tasks at one size; `split` when its group ran apart for lack of memory. */
export interface ChildJob {
  tasks: Task[];
  size: number;
  split?: boolean;
}

/** The report's note on which targets shared a process (none with --apart). */
export function togetherNotes(
  tasks: readonly Task[],
  apart: boolean,
  order: readonly ChildJob[] = childOrder(tasks, apart),
): string[] {
  if (apart) return ['--apart: every target measured in processes of its own'];
  const groups = new Map<string, string[]>();
  for (const task of tasks) {
    const key = togetherKey(task);
    if (key !== null) groups.set(key, [...(groups.get(key) ?? []), task.name]);
  }
  const notes = [...groups.values()]
    .filter((names) => names.length > 1)
    .map(
      (names) =>
        `measured together, samples interleaved in one process per size: ${names.join(', ')}`,
    );
  // sizes where a group was split because its targets would not fit in memory together
  for (const size of new Set(order.filter((c) => c.split).map((c) => c.size))) {
    notes.push(
      `at ${formatSize(size)} each target ran apart: together they would not fit in memory`,
    );
  }
  return notes;
}

/**
 * The order the children run in: size by size, and at each size every task that has it,
 * in the tasks' order (`wasm-simd`, `wasm-simd x2`, then the peers), the tasks measured
 * together (togetherKey) in one child. On a shared machine the memory bandwidth drifts
 * by tens of percent over minutes (issue 23: the copies beside our rows and beside
 * tfjs-wasm's differed by up to 2x when each target ran its sizes in one stretch), and
 * even minutes apart a row and its peer's differed by up to 2x, so a row is measured
 * in the same process and the same rounds as its peers'. Each task's overhead runs with
 * its first size (`overhead` set on that size's copy of the task).
 */
export function childOrder(
  tasks: readonly Task[],
  apart = false,
  fitsTogether: (size: number, targets: number) => boolean = (size, targets) =>
    fitsMemory(size, os.totalmem(), targets),
): ChildJob[] {
  const sizes = [...new Set(tasks.flatMap((t) => t.sizes))].sort((a, b) => a - b);
  return sizes.flatMap((size) => {
    const jobs: Task[][] = [];
    const byKey = new Map<string, Task[]>();
    for (const task of tasks.filter((t) => t.sizes.includes(size))) {
      const sized = { ...task, overhead: task.sizes[0] === size };
      const key = apart ? null : togetherKey(task);
      const job = key === null ? undefined : byKey.get(key);
      if (job) job.push(sized);
      else {
        const fresh = [sized];
        jobs.push(fresh);
        if (key !== null) byKey.set(key, fresh);
      }
    }
    // a group whose targets would not fit in memory together runs apart at that size
    return jobs.flatMap((job) =>
      job.length > 1 && !fitsTogether(size, job.length)
        ? job.map((t) => ({ tasks: [t], size, split: true }))
        : [{ tasks: job, size }],
    );
  });
}

/** Ticks one task contributes at one size: its cases, plus its overhead at its first size. */
function ticksAt(task: Task, size: number): number {
  return task.overhead ? ticksFor({ ...task, sizes: [size] }) : task.cases.length;
}

/** Runs the children in childOrder, filling the report (rows grouped by task, in case order). */
export async function runTasks(
  args: Pick<BenchArgs, 'progressEvery'> & Partial<Pick<BenchArgs, 'apart'>>,
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
  const messages: ChildMessage[] = [];
  const stopped = new Set<string>();
  for (const { tasks: job, size } of childOrder(tasks, args.apart)) {
    const ticks = job.reduce((n, t) => n + ticksAt(t, size), 0);
    const live = job.filter((t) => !stopped.has(t.name));
    const names = live.map((t) => t.name).join(' + ');
    const start = done;
    if (live.length > 0) {
      const replies = await runAtSize(
        live,
        size,
        (label) => {
          done = Math.min(done + 1, start + ticks);
          bar?.update(done, { label });
          plain(done, label);
        },
        run,
      );
      messages.push(...replies);
      // a target that is unavailable or fails at one size is not tried at the next
      for (const name of endedTargets(replies)) stopped.add(name);
    }
    done = start + ticks;
    bar?.update(done, { label: `${names} ${size} done` });
    plain(done, `${names} ${size} done`);
  }
  const rowsOf = new Map<string, BenchReport['rows']>(tasks.map((t) => [t.name, []]));
  for (const m of messages) {
    if (m.type === 'result') {
      for (const row of m.rows) rowsOf.get(row.target)?.push(row);
      report.overhead.push(...m.overhead);
      for (const skip of m.skipped) addSkipOnce(report.skipped, skip);
    } else if (m.type === 'unavailable') {
      addUnavailableOnce(report, { target: m.target, reason: m.reason });
    } else if (m.type === 'error') {
      addUnavailableOnce(report, {
        target: m.target,
        reason: `failed: ${m.message.split('\n')[0]}`,
      });
    }
  }
  for (const task of tasks) {
    // rows in case order, then size, as the tables read
    const rows = rowsOf.get(task.name)!;
    sortInCaseOrder(rows, task.cases);
    report.rows.push(...rows);
  }
  bar?.stop();
  return report;
}

function addUnavailableOnce(report: BenchReport, entry: { target: string; reason: string }): void {
  if (!report.unavailable.some((u) => u.target === entry.target && u.reason === entry.reason)) {
    report.unavailable.push(entry);
  }
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
