// The training view: controls for the tiny MLP of src/training.ts, a run button,
// and two charts over the steps (loss, and the fraction of dead hidden units), each
// with a caption that says in words what the curve shows.

import uPlot from 'uplot';
import type { TrainResult } from '../training.js';

export interface TrainSettings {
  steps: number;
  learningRate: number;
  dropout: number;
}

export interface TrainView {
  settings(): TrainSettings;
  progress(r: TrainResult, done: boolean): void;
  fail(message: string): void;
}

const chart = (
  title: string,
  width: number,
  stroke: string,
  range?: [number, number],
): uPlot.Options => ({
  title,
  width,
  height: 180,
  scales: { x: { time: false }, ...(range ? { y: { range } } : {}) },
  series: [{ label: 'step' }, { label: title, stroke, width: 2 }],
});

export function createTrainView(root: HTMLElement, run: () => void): TrainView {
  root.innerHTML = `
    <div class="train-controls">
      <label>steps <input id="train-steps" type="number" min="1" max="2000" step="50" value="200" /></label>
      <label>learning rate <input id="train-lr" type="number" min="0.0001" max="1" step="0.005" value="0.02" /></label>
      <label>dropout on layer 2 <input id="train-dropout" type="number" min="0" max="0.9" step="0.1" value="0" /></label>
      <button id="train-run" type="button">train</button>
    </div>
    <p id="train-summary" aria-live="polite">Two moons, 128 samples, MLP 2 → 16 → 16 → 1 with the chosen op; press train.</p>
    <figure><div id="train-loss"></div><figcaption id="train-loss-caption"></figcaption></figure>
    <figure><div id="train-dead"></div><figcaption id="train-dead-caption"></figcaption></figure>`;
  const number = (id: string) => (root.querySelector(`#${id}`) as HTMLInputElement).valueAsNumber;
  root.querySelector('#train-run')!.addEventListener('click', run);
  const summary = root.querySelector('#train-summary')!;
  const lossBox = root.querySelector<HTMLElement>('#train-loss')!;
  const deadBox = root.querySelector<HTMLElement>('#train-dead')!;
  let charts: uPlot[] = [];

  return {
    settings: () => ({
      steps: Math.max(1, Math.min(2000, Math.trunc(number('train-steps')) || 200)),
      learningRate: number('train-lr') || 0.02,
      dropout: Math.max(0, Math.min(0.9, number('train-dropout') || 0)),
    }),
    progress(r, done) {
      const width = Math.max(220, root.clientWidth - 8);
      for (const c of charts) c.destroy();
      charts = [
        new uPlot(chart('loss (BCE)', width, '#1f6fb4'), [r.steps, r.loss], lossBox),
        new uPlot(
          chart('dead hidden units (fraction)', width, '#b3261e', [0, 1]),
          [r.steps, r.deadFraction],
          deadBox,
        ),
      ];
      const last = r.loss.length - 1;
      const learned = r.learned
        ? `; learned ${r.learned.name} per layer: ${r.learned.final.map((v) => v.toPrecision(4)).join(', ')} (from ${r.learned.initial})`
        : '';
      summary.textContent =
        `${r.op}: step ${last + 1}${done ? ' (done)' : ''}, loss ${r.loss[0]?.toFixed(4)} → ${r.loss[last]?.toFixed(4)}, ` +
        `accuracy ${(100 * r.accuracy).toFixed(1)}%, dead units ${(100 * (r.deadFraction[last] ?? 0)).toFixed(1)}%${learned}`;
      root.querySelector('#train-loss-caption')!.textContent =
        `Training loss of the MLP with ${r.op} over ${last + 1} steps: from ${r.loss[0]?.toFixed(4)} to ${r.loss[last]?.toFixed(4)}.`;
      root.querySelector('#train-dead-caption')!.textContent =
        `Fraction of the 32 hidden units that output 0 for every sample: ${(100 * (r.deadFraction[0] ?? 0)).toFixed(1)}% at the start, ${(100 * (r.deadFraction[last] ?? 0)).toFixed(1)}% now.`;
    },
    fail(message) {
      summary.textContent = `training failed: ${message}`;
    },
  };
}
