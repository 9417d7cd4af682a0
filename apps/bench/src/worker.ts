// Child-process entry: receives one job (its Tasks) over IPC, runs it (run-task.ts)
// and sends progress and the result back. Plain JS targets (js, tfjs-cpu) never share
// a process with a wasm one, because a detached ArrayBuffer (wasm memory.grow) slows
// plain JS loops process-wide (cli.ts togetherKey).

import type { ChildMessage, Task } from './protocol.js';
import { runJob, TargetFailure } from './run-task.js';

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (process.send) process.send(message, undefined, undefined, () => resolve());
    else {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
    }
  });

process.once('message', (tasks: Task[]) => {
  let last: Promise<void> = Promise.resolve();
  runJob(tasks, (m) => {
    last = send(m);
  })
    .catch((error: Error) => {
      const target = error instanceof TargetFailure ? error.target : tasks[0]!.name;
      last = send({ type: 'error', target, message: error.stack ?? error.message });
    })
    .finally(async () => {
      await last;
      process.disconnect?.();
      process.exit(0);
    });
});
