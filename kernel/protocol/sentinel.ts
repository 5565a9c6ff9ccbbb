/**
 * The SIGINT sentinel: a tiny child process in the kernel's process group that relays every
 * SIGINT it receives to the protocol worker over its stdout.
 *
 * Why: with interrupt_mode "signal", jupyter_client interrupts by `killpg(pgid, SIGINT)`. Node
 * delivers signals to the main thread's event loop only, and while a cell blocks the main thread
 * outside `vm`'s breakOnSigint scope (say, a synchronous loop after an `await`), no JavaScript
 * there sees the signal; worker threads cannot listen for signals at all. The sentinel, being in
 * the same group, receives the same SIGINT and tells the worker, which raises the shared
 * interrupt flag that the engine's instrumented loops poll. The child exits when its stdin
 * closes, i.e. when the kernel process is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { log } from './log.js';

const SOURCE = [
  "process.on('SIGINT', () => process.stdout.write('I'));",
  "process.on('SIGTERM', () => process.exit(0));",
  "process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();",
  "process.stdout.on('error', () => process.exit(0));",
].join('\n');

/**
 * Starts the sentinel; `onSigint` runs once per relayed SIGINT.
 * @returns the child (kill it on shutdown), or undefined if it could not start.
 */
export function startSentinel(onSigint: () => void): ChildProcess | undefined {
  try {
    const child = spawn(process.execPath, ['--max-old-space-size=16', '-e', SOURCE], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '' },
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i++) onSigint();
    });
    child.on('error', (err) => log(`SIGINT sentinel failed: ${err.message}`));
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  } catch (err) {
    log(`SIGINT sentinel not started: ${(err as Error).message}`);
    return undefined;
  }
}
