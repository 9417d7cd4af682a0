// `--busy N`: N competing CPU-bound processes (`node -e 'for(;;){}'`) running while the
// bench measures, to see how the threaded targets behave on a busy machine (wasm-simd's
// 'auto' falls back to the calling thread when a pooled call loses to it). Stopped,
// each by its own process id, when the run ends.

import { type ChildProcess, spawn } from 'node:child_process';

export const BUSY_SCRIPT = 'for(;;){}';

export interface Busy {
  /** The spinning processes (empty for 0). */
  readonly children: readonly ChildProcess[];
  /** Kills every child and waits until each has exited. */
  stop(): Promise<void>;
}

/** Starts n busy processes; resolves once each has been spawned. */
export async function startBusy(n: number): Promise<Busy> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, ['-e', BUSY_SCRIPT], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    children.push(child);
  }
  return {
    children,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
