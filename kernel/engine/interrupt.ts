/**
 * Interrupt bookkeeping. The protocol sets the shared flag AND sends SIGINT; a cell may stop on
 * the flag (an instrumented loop or await) before the signal lands. A signal landing during the
 * NEXT cell would kill that cell, so after an interrupt stopped by the flag, the next execute
 * waits briefly until the signal has been seen (by the SIGINT listener or a breakOnSigint run).
 */
let signals = 0;
let awaitingSignalAfter: number | undefined;
let flag: Int32Array | undefined;
let installed = false;

/** Installs the process SIGINT listener (sets the flag; SIGINT never kills the kernel). */
export function installSigint(f: Int32Array): void {
  flag = f;
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => { signals++; if (flag) Atomics.store(flag, 0, 1); });
}

/** Records how a cell was interrupted: by a consumed signal (breakOnSigint) or by the flag. */
export function noteInterrupt(bySignal: boolean, signalsAtStart: number): void {
  if (bySignal) { signals++; awaitingSignalAfter = undefined; }
  else if (signals === signalsAtStart) awaitingSignalAfter = signals;
}

/** The signal count now (pass it back to noteInterrupt). */
export function signalCount(): number {
  return signals;
}

/** Before a new cell: waits up to `ms` for the SIGINT of the last flag interrupt to arrive. */
export async function settleSignals(ms = 300): Promise<void> {
  if (awaitingSignalAfter === undefined) return;
  const target = awaitingSignalAfter;
  awaitingSignalAfter = undefined;
  const end = Date.now() + ms;
  while (signals === target && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
}
