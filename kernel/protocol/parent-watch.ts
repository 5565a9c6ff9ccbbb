/**
 * Ends the kernel when the front end that started it is gone. jupyter_client starts kernels with
 * its own pid in JPY_PARENT_PID; when that process dies without shutting the kernel down (a
 * `jupyter console` whose terminal was closed, a crashed qtconsole, a killed server), the kernel
 * is re-parented and would otherwise run on, holding its memory, forever. Like ipykernel's
 * ParentPollerUnix, the watch checks once a second whether the kernel's parent process changed
 * (re-parenting goes to pid 1 or to a sub-reaper, so any change counts). Kernels started by
 * hand (no JPY_PARENT_PID) are not watched.
 */

/**
 * Calls `onGone` once when the parent process changes; returns a function that stops watching,
 * or undefined when there is nothing to watch.
 * @example watchParent(() => void ctx.exit(0));
 */
export function watchParent(onGone: () => void, { env = process.env, intervalMs = 1000 }: { env?: NodeJS.ProcessEnv; intervalMs?: number } = {}): (() => void) | undefined {
  if (!env.JPY_PARENT_PID || process.platform === 'win32') return undefined;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
