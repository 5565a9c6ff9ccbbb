/**
 * Cooperative interruption for long-running library loops (train, flows, sweeps).
 *
 * The flowlab kernel installs a probe at `globalThis[Symbol.for('flowlab.interruptRequested')]`
 * (a function returning true once the user pressed Stop). Library loops call
 * `interruptRequested()` once per step and stop cleanly, keeping what they recorded. Outside the
 * kernel (scripts, other kernels) the probe is absent and nothing is ever interrupted.
 */
const PROBE = Symbol.for('flowlab.interruptRequested');

/** The error a loop throws when it must stop at once (Python's name, which front ends know). */
export class InterruptError extends Error {
  constructor(message = 'Interrupted by the user') {
    super(message);
    this.name = 'KeyboardInterrupt';
  }
}

/** True when the user asked the kernel to interrupt the running cell. */
export function interruptRequested(): boolean {
  const probe = (globalThis as Record<symbol, unknown>)[PROBE];
  return typeof probe === 'function' ? Boolean((probe as () => boolean)()) : false;
}

/** Throws an InterruptError when an interrupt is pending. */
export function throwIfInterrupted(): void {
  if (interruptRequested()) throw new InterruptError();
}
