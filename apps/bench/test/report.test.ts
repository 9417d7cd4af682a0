// End to end without timing asserts: run the js backend in-process at tiny sizes
// (plus a made-up peer row), then check the JSON, markdown, terminal table and SVG
// built from it. Also checks that unavailable backends are reported with a reason.

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandCases } from '@pointwise/bench-cases';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { tasksFor, writeOutputs } from '../src/cli.js';
import type { ChildMessage, Row } from '../src/protocol.js';
import { renderMarkdown } from '../src/report/markdown.js';
import {
  type BenchReport,
  headerLines,
  machineInfo,
  REPORT_SCHEMA,
  sizesOf,
  summarize,
} from '../src/report/model.js';
import { chartData } from '../src/report/svg.js';
import { renderTable } from '../src/report/table.js';
import { runTask } from '../src/run-task.js';
import { backendOf, pointwiseTarget } from '../src/targets/pointwise.js';

async function collect(
  name: string,
  ops: Parameters<typeof expandCases>[0],
): Promise<ChildMessage[]> {
  const messages: ChildMessage[] = [];
  await runTask(
    {
      kind: 'backend',
      name,
      cases: expandCases(ops),
      sizes: [256, 1024],
      samples: 1,
      minSampleMs: 1,
    },
    (m) => messages.push(m),
  );
  return messages;
}

async function jsReport(): Promise<BenchReport> {
  const messages = await collect('js', ['relu', 'dropout']);
  const result = messages.find((m) => m.type === 'result');
  if (result?.type !== 'result') throw new Error('no result');
  const peer: Row = {
    ...result.rows[0],
    target: 'fake-peer',
    kind: 'peer',
    gbps: result.rows[0].gbps * 2,
  };
  const machine = machineInfo();
  return {
    schema: REPORT_SCHEMA,
    startedAt: new Date(0).toISOString(),
    machine,
    sizes: sizesOf([256, 1024], machine.llc),
    args: parseArgs(['--backends', 'js']),
    rows: [...result.rows, peer],
    overhead: result.overhead,
    skipped: [],
    unavailable: [{ target: 'node-cuda', reason: 'test reason' }],
  };
}

describe('bench run and outputs', () => {
  it('measures every (case, size) on the js backend with the copy baseline', async () => {
    const messages = await collect('js', ['relu', 'dropout']);
    const result = messages.find((m) => m.type === 'result');
    expect(result?.type).toBe('result');
    if (result?.type !== 'result') return;
    expect(result.rows).toHaveLength(7 * 2);
    for (const row of result.rows) {
      expect(row.gbps).toBeGreaterThan(0);
      expect(row.copyGbps).toBeGreaterThan(0);
      expect(row.copies?.map((c) => c.name)).toEqual(['set', 'memory.copy', 'simd', 'simd+touch']);
      expect(row.copyGbps).toBe(Math.max(...row.copies!.map((c) => c.gbps)));
      expect(row.copies?.find((c) => c.name === row.copyName)?.gbps).toBe(row.copyGbps);
      expect(row.ratioToCopy).toBeCloseTo(row.gbps / (row.copyGbps as number), 10);
      expect(row.gbps).toBeCloseTo((row.bytesPerElement * row.size) / row.seconds / 1e9, 6);
    }
    expect(result.overhead.map((o) => o.caseId)).toEqual(
      expandCases(['relu', 'dropout']).map((c) => c.id),
    );
    const ticks = messages.filter((m) => m.type === 'progress').length;
    expect(ticks).toBe(7 * 3);
  });

  it('reports a backend that is not installed as unavailable with why', async () => {
    const messages = await collect('node-cuda', ['relu']);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'unavailable', target: 'node-cuda' });
    expect((messages[0] as { reason: string }).reason.length).toBeGreaterThan(0);
  });

  it('computes Pointwise / best peer per row', async () => {
    const report = await jsReport();
    const summary = summarize(report);
    const first = summary[0];
    expect(first.bestPeer).toBe('fake-peer');
    expect(first.ratioToBestPeer).toBeCloseTo(0.5, 10);
    expect(summary.find((s) => s.kind === 'peer')?.ratioToBestPeer).toBeNull();
    expect(summary[1].bestPeer).toBeNull();
  });

  it('reads each row and its best peer against their own copies (vs peer by copy)', async () => {
    const report = await jsReport();
    const ours = { ...report.rows[0], gbps: 10, copyGbps: 20, ratioToCopy: 0.5 };
    const peer = {
      ...report.rows[0],
      target: 'p',
      kind: 'peer' as const,
      gbps: 16,
      copyGbps: 40,
      ratioToCopy: 0.4,
    };
    const [mine, theirs] = summarize({ rows: [ours, peer], overhead: [] });
    expect(mine.ratioToBestPeer).toBeCloseTo(10 / 16, 12);
    expect(mine.ratioToBestPeerByCopy).toBeCloseTo(0.5 / 0.4, 12);
    expect(theirs.ratioToBestPeerByCopy).toBeNull();
    const noCopy = summarize({ rows: [ours, { ...peer, ratioToCopy: null }], overhead: [] })[0];
    expect(noCopy.ratioToBestPeerByCopy).toBeNull();
    const table = renderTable({ ...report, rows: [ours, peer] });
    expect(table).toContain('vs peer by copy');
    expect(table).toMatch(/0\.63\s+1\.25/);
  });

  it('writes JSON, markdown and an SVG that contains every series', async () => {
    const report = await jsReport();
    const dir = await mkdtemp(join(tmpdir(), 'pw-bench-'));
    const args = {
      ...report.args,
      help: false,
      json: join(dir, 'o.json'),
      md: join(dir, 'o.md'),
      svg: join(dir, 'o.svg'),
    };
    expect(await writeOutputs(args, report)).toEqual([args.json, args.md, args.svg]);

    const json = JSON.parse(await readFile(args.json, 'utf8'));
    expect(json.schema).toBe(REPORT_SCHEMA);
    expect(json.rows).toHaveLength(report.rows.length);
    expect(json.summary[0]).toHaveProperty('ratioToBestPeer');
    for (const key of [
      'target',
      'caseId',
      'size',
      'gbps',
      'copyGbps',
      'ratioToCopy',
      'bytesPerElement',
    ]) {
      expect(json.rows[0]).toHaveProperty(key);
    }

    const md = await readFile(args.md, 'utf8');
    const tableLines = md.split('\n').filter((l) => l.startsWith('|'));
    expect(tableLines).toHaveLength(2 + report.rows.length);
    expect(tableLines[0]).toContain('x copy');
    expect(tableLines[0]).toContain('copies GB/s');
    const firstRow = report.rows[0]!;
    expect(tableLines[2]).toContain(`${firstRow.copyName} ${firstRow.copyGbps!.toFixed(2)}*`);
    expect(md).toContain('relu.forward');
    expect(md).toContain('node-cuda: test reason');

    const svg = await readFile(args.svg, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const name of ['js', 'fake-peer', 'dropout.forward+mask']) expect(svg).toContain(name);
    // Every point is labelled with its target and series, so both lines are really drawn.
    expect(svg).toContain('target: js; series: copy');
    expect(svg).toContain('target: js; series: op');
    expect(svg).toContain('target: fake-peer; series: op');
    expect(chartData(report).filter((p) => p.measure === 'copy')).toHaveLength(report.rows.length);
  });

  it('prints a table with one line per row and the unavailable list', async () => {
    const report = await jsReport();
    const text = renderTable(report);
    const header = headerLines(report).length + 1;
    expect(text.split('\n')).toHaveLength(header + 2 + report.rows.length + 1);
    expect(text).toContain('unavailable: node-cuda: test reason');
  });

  it('names backends that are not installed once, in a footnote, apart from unavailable ones', async () => {
    const report = await jsReport();
    report.unavailable.push(
      { target: 'webgpu', reason: '@pointwise/backend-webgpu is not installed' },
      { target: 'wasm-simd', reason: '@pointwise/backend-wasm-simd is not installed' },
    );
    const lines = renderTable(report).split('\n');
    expect(lines.filter((l) => l.includes('webgpu'))).toEqual([
      'not installed (skipped): webgpu, wasm-simd',
    ]);
    expect(lines).toContain('unavailable: node-cuda: test reason');
  });

  it('wasm-simd is one thread and wasm-simd xN N threads', () => {
    expect(backendOf('wasm-simd')).toEqual({ backend: 'wasm-simd', options: { threads: 1 } });
    expect(backendOf('wasm-simd x3')).toEqual({ backend: 'wasm-simd', options: { threads: 3 } });
    expect(backendOf('js')).toEqual({ backend: 'js' });
  });

  it('--wasm-threads 1 plans no threaded target, and a bad value is a typed error', () => {
    const tasks = tasksFor(
      parseArgs(['--backends', 'wasm-simd', '--wasm-threads', '1', '--peers', 'none']),
    );
    expect(tasks.map((t) => t.name)).toEqual(['wasm-simd']);
    expect(() => parseArgs(['--wasm-threads', '0'])).toThrow(/--wasm-threads/);
    expect(() => parseArgs(['--wasm-threads', '300'])).toThrow(/--wasm-threads/);
  });

  it('plans one child per backend and per peer target', () => {
    const tasks = tasksFor(
      parseArgs(['--backends', 'js,wasm-simd', '--peers', 'tfjs,ort', '--wasm-threads', '2']),
    );
    expect(tasks.map((t) => `${t.kind}:${t.name}`)).toEqual([
      'backend:js',
      'backend:wasm-simd',
      'backend:wasm-simd x2',
      'peer:tfjs-cpu',
      'peer:tfjs-wasm',
      'peer:ort',
    ]);
  });
});

const L3 = { level: 3, type: 'Unified', bytes: 480 * 2 ** 20, sharedCpus: 2 };

function syntheticReport(llc: typeof L3 | null): BenchReport {
  const row = (target: string, gbps: number, size = 2 ** 20): Row => ({
    target,
    kind: 'backend',
    caseId: 'elu.forward',
    size,
    bytesPerElement: 8,
    seconds: (8 * size) / gbps / 1e9,
    gbps,
    copyGbps: 20,
    ratioToCopy: gbps / 20,
  });
  return {
    schema: REPORT_SCHEMA,
    startedAt: '2026-12-02T00:00:00.000Z',
    machine: {
      ...machineInfo(),
      cpus: 2,
      cpuModel: 'Intel(R) Xeon(R) Processor',
      llc,
      caches: llc ? [llc] : [],
      totalMemoryBytes: 23 * 2 ** 30,
    },
    sizes: sizesOf([2 ** 16, 2 ** 20, 2 ** 27], llc),
    args: {
      ...parseArgs(['--full'], () => ({ llcBytes: llc?.bytes ?? null, totalMemoryBytes: 2 ** 35 })),
    },
    rows: [row('wasm-simd', 12), row('wasm-simd x2', 24), row('wasm-simd', 10, 2 ** 27)],
    overhead: [],
    skipped: [],
    unavailable: [],
  };
}

describe('report header and threaded rows', () => {
  it('names the CPU and its last-level cache in the table, markdown and JSON', async () => {
    const report = syntheticReport(L3);
    const table = renderTable(report).split('\n');
    expect(table[0]).toContain('2 × Intel(R) Xeon(R) Processor · L3 480 MiB (shared by 2 CPUs)');
    expect(table[1]).toBe(
      'sizes 2^16 (cache), 2^20 (cache), 2^27 (DRAM) · 15 samples (median) of >= 25 ms',
    );
    expect(table[2]).toBe('DRAM-resident size 2^27: 512 MiB per tensor >= LLC 480 MiB');
    const md = renderMarkdown(report);
    expect(md).toContain('2 × Intel(R) Xeon(R) Processor · L3 480 MiB (shared by 2 CPUs)');
    expect(md).toContain('sizes 2^16 (cache), 2^20 (cache), 2^27 (DRAM)');
    const dir = await mkdtemp(join(tmpdir(), 'pw-bench-'));
    const json = join(dir, 'o.json');
    await writeOutputs({ ...report.args, help: false, json }, report);
    const parsed = JSON.parse(await readFile(json, 'utf8'));
    expect(parsed.machine.cpuModel).toBe('Intel(R) Xeon(R) Processor');
    expect(parsed.machine.llc).toEqual(L3);
    expect(parsed.sizes[2]).toEqual({ size: 2 ** 27, tensorBytes: 2 ** 29, residency: 'DRAM' });
  });

  it('says "LLC unknown" when there is no cache information', () => {
    const report = syntheticReport(null);
    const [first, second] = renderTable(report).split('\n');
    expect(first).toContain('Intel(R) Xeon(R) Processor · LLC unknown');
    expect(second).toMatch(/^sizes 2\^16 \(unknown\), /);
    expect(renderMarkdown(report)).toContain('LLC unknown');
  });

  it('gives a threaded row its ratio to the single-thread row of the same case and size', () => {
    const report = syntheticReport(L3);
    const summary = summarize(report);
    expect(summary.map((s) => s.ratioToOneThread)).toEqual([null, 2, null]);
    const table = renderTable(report).split('\n');
    const head = table.find((l) => l.startsWith('case'))!;
    expect(head).toContain('vs 1 thread');
    const x2 = table.find((l) => l.includes('wasm-simd x2'))!;
    expect(x2.trimEnd().endsWith('2.00')).toBe(true);
    const md = renderMarkdown(report).split('\n');
    expect(md.find((l) => l.includes('wasm-simd x2'))).toContain('| 2.00 |');
  });
});

describe('backward timed with preallocated outputs', () => {
  it.each(['relu', 'prelu', 'clippedRelu', 'shiftedRelu', 'elu', 'dropout'] as const)(
    '%s backward calls allocate nothing',
    async (op) => {
      const target = await pointwiseTarget('js');
      if ('unavailable' in target) throw new Error(target.unavailable);
      for (const c of expandCases([op]).filter((k) => k.direction === 'backward')) {
        const prepared = await target.prepare(c, 256);
        if ('skip' in prepared) throw new Error(prepared.skip);
        await prepared.op.call();
        const before = target.memory?.();
        for (let i = 0; i < 3; i++) await prepared.op.call();
        await prepared.op.settle();
        expect(target.memory?.()).toEqual(before);
        prepared.dispose();
      }
      target.close();
    },
  );
});
