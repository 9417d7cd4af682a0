// Runs one Task (one backend or one peer) in the current process: every (case,
// size) measured against the copy baseline, then per-call overhead at 64
// elements. The worker calls it in a child process; tests call it directly.

import { bytesPerElement, gigabytesPerSecond } from './bytes.js';
import { collectGarbage, measureAlone, measureInterleaved } from './measure.js';
import { ortTarget } from './peers/ort.js';
import { tfjsTarget } from './peers/tfjs.js';
import type { ChildMessage, Overhead, Row, Skip, Task } from './protocol.js';
import { ratio } from './stats.js';
import { pointwiseTarget } from './targets/pointwise.js';
import type { Target } from './targets/target.js';

export const OVERHEAD_SIZE = 64;

async function openTarget(task: Task): Promise<Target | { unavailable: string }> {
  if (task.kind === 'backend') return pointwiseTarget(task.name);
  if (task.name === 'tfjs-cpu' || task.name === 'tfjs-wasm') return tfjsTarget(task.name);
  if (task.name === 'ort') return ortTarget();
  return { unavailable: `unknown peer ${task.name}` };
}

export async function runTask(task: Task, send: (m: ChildMessage) => void): Promise<void> {
  let target: Target | { unavailable: string };
  try {
    target = await openTarget(task);
  } catch (error) {
    target = { unavailable: (error as Error).message };
  }
  if ('unavailable' in target) {
    send({ type: 'unavailable', target: task.name, reason: target.unavailable });
    return;
  }
  const rows: Row[] = [];
  const overhead: Overhead[] = [];
  const skipped: Skip[] = [];
  const options = { samples: task.samples, minSampleMs: task.minSampleMs };
  let done = 0;
  const tick = (label: string) =>
    send({ type: 'progress', done: ++done, label: `${task.name} ${label}` });

  for (const c of task.cases) {
    for (const size of task.sizes) {
      const prepared = await target.prepare(c, size);
      if ('skip' in prepared) {
        if (!skipped.some((s) => s.caseId === c.id))
          skipped.push({ target: target.name, caseId: c.id, reason: prepared.skip });
        tick(`${c.id} ${size}`);
        continue;
      }
      const bytes = bytesPerElement(c) * size;
      const copy = target.copy(bytes);
      collectGarbage();
      const { opSeconds, copySeconds } = await measureInterleaved(prepared.op, copy, options);
      prepared.dispose();
      const gbps = gigabytesPerSecond(bytes, opSeconds);
      const copyGbps = copySeconds === null ? null : gigabytesPerSecond(bytes, copySeconds);
      rows.push({
        target: target.name,
        kind: target.kind,
        caseId: c.id,
        size,
        bytesPerElement: bytesPerElement(c),
        seconds: opSeconds,
        gbps,
        copyGbps,
        ratioToCopy: ratio(gbps, copyGbps),
        ...(prepared.note ? { note: prepared.note } : {}),
      });
      tick(`${c.id} ${size}`);
    }
    const small = await target.prepare(c, OVERHEAD_SIZE);
    if (!('skip' in small)) {
      const seconds = await measureAlone(small.op, options);
      small.dispose();
      overhead.push({
        target: target.name,
        kind: target.kind,
        caseId: c.id,
        microsPerCall: seconds * 1e6,
      });
    }
    tick(`${c.id} overhead`);
  }
  target.close();
  send({ type: 'result', rows, overhead, skipped });
}
