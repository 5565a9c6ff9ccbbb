/**
 * Kernel diagnostics go to stderr (Jupyter servers show them in their log), one line each,
 * prefixed so they are easy to grep. Set FLOWLAB_KERNEL_DEBUG=1 for per-message tracing.
 */

/** True when FLOWLAB_KERNEL_DEBUG is set to a non-empty value other than '0'. */
export const DEBUG = Boolean(process.env.FLOWLAB_KERNEL_DEBUG && process.env.FLOWLAB_KERNEL_DEBUG !== '0');

/** Writes one diagnostic line to stderr; never throws. */
export function log(message: string): void {
  try {
    process.stderr.write(`[flowlab kernel] ${message.length > 2000 ? `${message.slice(0, 2000)}…` : message}\n`);
  } catch {
    /* stderr closed: nothing else to do */
  }
}

/** Like log, only when FLOWLAB_KERNEL_DEBUG is on. */
export function debug(message: string): void {
  if (DEBUG) log(message);
}
