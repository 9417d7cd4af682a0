// Child-process entry: receives one Task over IPC, runs it (run-task.ts) and sends
// progress and the result back. One process per backend or peer, because a
// detached ArrayBuffer (wasm memory.grow) slows plain JS loops process-wide.

import type { ChildMessage, Task } from './protocol.js';
import { runTask } from './run-task.js';

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (process.send) process.send(message, undefined, undefined, () => resolve());
    else {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
    }
  });

process.once('message', (task: Task) => {
  let last: Promise<void> = Promise.resolve();
  runTask(task, (m) => {
    last = send(m);
  })
    .catch((error: Error) => {
      last = send({ type: 'error', target: task.name, message: error.stack ?? error.message });
    })
    .finally(async () => {
      await last;
      process.disconnect?.();
      process.exit(0);
    });
});
