// The quick benchmark: the chosen op's forward pass at 2^20 elements on one
// backend, reported as GB/s counting 8 bytes per element (4 read + 4 written).
// A rough in-browser number (timer resolution, other tabs, GC): use apps/bench
// for measurements worth quoting.

import type { Pointwise, Tensor } from '@pointwise/core';
import type { BackendEntry } from '../backends.js';
import { pageForwardOf } from '../ops.js';
import { normalSamples } from '../samples.js';
import type { PageOp } from '../state.js';

export const BENCH_ELEMENTS = 1 << 20;
const BYTES_PER_ELEMENT = 8;
const MIN_SAMPLES = 5;
const MIN_MILLIS = 300;

export interface BenchResult {
  op: PageOp;
  elements: number;
  samples: number;
  /** Median time of one forward call, in milliseconds. */
  medianMs: number;
  gbps: number;
}

export async function runBench(pw: Pointwise, op: PageOp, params: object): Promise<BenchResult> {
  const run = pageForwardOf(pw, op);
  // Dense dropout has no `out`: its fresh y is released at once.
  const forward = (x: Tensor<'float32'>, params: object & { out: Tensor<'float32'> }) => {
    const result = run(x, params);
    if (result !== params.out) result.dispose();
  };
  const x = pw.tensor(normalSamples(1, BENCH_ELEMENTS));
  const y = pw.zeros([BENCH_ELEMENTS]);
  try {
    // Warm-up: JIT, wasm tier-up, GPU pipeline creation.
    for (let i = 0; i < 2; i++) {
      forward(x, { ...params, out: y });
      await pw.flush();
    }
    const times: number[] = [];
    const start = performance.now();
    while (times.length < MIN_SAMPLES || performance.now() - start < MIN_MILLIS) {
      const t0 = performance.now();
      forward(x, { ...params, out: y });
      await pw.flush();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const medianMs = times[Math.floor(times.length / 2)]!;
    const gbps = (BENCH_ELEMENTS * BYTES_PER_ELEMENT) / (medianMs / 1000) / 1e9;
    return { op, elements: BENCH_ELEMENTS, samples: times.length, medianMs, gbps };
  } finally {
    x.dispose();
    y.dispose();
  }
}

export interface BenchView {
  /** Rebuild the buttons for the backends this page has. */
  setBackends(entries: BackendEntry[]): void;
  show(backend: string, text: string): void;
}

export function createBenchView(root: HTMLElement, onRun: (backend: string) => void): BenchView {
  const list = root.appendChild(document.createElement('div'));
  list.className = 'bench-rows';
  const outputs = new Map<string, HTMLElement>();
  return {
    setBackends(entries) {
      list.replaceChildren();
      outputs.clear();
      for (const entry of entries) {
        const row = list.appendChild(document.createElement('div'));
        const button = row.appendChild(document.createElement('button'));
        button.id = `bench-${entry.name}`;
        button.textContent = `Benchmark ${entry.name}`;
        button.disabled = !entry.available;
        button.addEventListener('click', () => onRun(entry.name));
        const output = row.appendChild(document.createElement('span'));
        output.id = `bench-result-${entry.name}`;
        output.textContent = entry.available ? '' : ' unavailable';
        outputs.set(entry.name, output);
      }
    },
    show(backend, text) {
      const output = outputs.get(backend);
      if (output) output.textContent = ` ${text}`;
    },
  };
}
