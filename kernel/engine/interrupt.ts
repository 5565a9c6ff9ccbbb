/**
 * Interrupt bookkeeping. The protocol sets the shared flag AND sends SIGINT; a cell may stop on
 * the flag (an instrumented loop or await) before the signal lands. A signal landing during the
 * NEXT cell would kill that cell, so after an interrupt stopped by the flag, the next execute
 * waits briefly until the signal has been seen (by the SIGINT listener or a breakOnSigint run).
 */
import { Script } from 'node:vm';
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

/**
 * Before a new cell: waits up to `ms` for the SIGINT of the last flag interrupt to arrive (the
 * protocol sends it right after setting the flag, so this normally ends within milliseconds;
 * the bound only matters on a badly overloaded machine or if no signal is ever sent).
 */
export async function settleSignals(ms = 2000): Promise<void> {
  if (awaitingSignalAfter === undefined) return;
  const target = awaitingSignalAfter;
  awaitingSignalAfter = undefined;
  const end = Date.now() + ms;
  while (signals === target && Date.now() < end) {
    // Node's SIGINT watchdog can hold a signal that landed as a run ended and deliver it to the
    // next breakOnSigint run: absorb it with an empty run instead of letting it kill the cell.
    try { probe.runInThisContext({ breakOnSigint: true }); } catch (e) {
      if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') { signals++; break; }
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

const probe = new Script('0', { filename: '<sigint probe>' });
