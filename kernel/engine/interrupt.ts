/**
 * Interrupt plumbing around Node's breakOnSigint.
 *
 * The protocol sets the shared flag and sends SIGINT. Instrumented loops and awaits stop on the
 * flag; SIGINT stops code the engine could not instrument (library loops, `new Function`) through
 * the breakOnSigint watchdog. Two quirks of that watchdog (src/node_watchdog.cc) are handled here:
 *  - a signal that lands as a run ends can be left as a stale semaphore token that terminates the
 *    NEXT breakOnSigint run: after an interrupt, `absorbStaleSignal()` runs short empty probes
 *    first so the token hits them, not the user's cell;
 *  - a signal can be lost in that same race: an escalator thread re-sends SIGINT every 0.5 s
 *    while the flag is up and a cell is still running. It sleeps on the interrupt flag itself
 *    (woken by `raiseInterrupt`, or after 1 s at most), so a cell starting or ending costs one
 *    shared-memory store, not a thread wake-up.
 */
import { Script } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { raiseInterrupt } from '../contract.js';

const running = new Int32Array(new SharedArrayBuffer(4));
let escalator: Worker | undefined;
let needsProbe = false;
let installed = false;

const ESCALATOR = `
const { workerData: { running, flag, pid } } = require('node:worker_threads');
for (;;) {
  Atomics.wait(flag, 0, 0, 1000);
  let up = 0;
  while (Atomics.load(flag, 0) === 1) {
    Atomics.wait(flag, 0, 1, 100);
    if (Atomics.load(flag, 0) === 1 && Atomics.load(running, 0) === 1) { up += 100; if (up >= 500) { process.kill(pid, 'SIGINT'); up = 0; } } else up = 0;
  }
}`;

/** Installs the SIGINT listener (sets the flag; SIGINT never kills the kernel) and the escalator. */
export function installSigint(flag: Int32Array): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => raiseInterrupt(flag));
  try {
    escalator = new Worker(ESCALATOR, { eval: true, workerData: { running, flag, pid: process.pid } });
    escalator.unref();
  } catch { /* without it a lost signal needs a second Stop */ }
}

/** Marks a cell as running (the escalator re-sends SIGINT only then). */
export function setRunning(on: boolean): void {
  Atomics.store(running, 0, on ? 1 : 0);
}

/** Records that a cell ended by an interrupt (the next cell first absorbs a stale signal). */
export function noteInterrupt(): void {
  needsProbe = true;
}

const probe = new Script('{ const t = Date.now(); while (Date.now() - t < 25) {} }', { filename: '<sigint probe>' });

/** Before a cell: if an interrupt happened lately, lets a stale watchdog token hit empty probes. */
export function absorbStaleSignal(flag: Int32Array, rounds = 4): void {
  if (!needsProbe && Atomics.load(flag, 0) !== 1) return;
  needsProbe = false;
  for (let i = 0; i < rounds; i++) {
    try { probe.runInThisContext({ breakOnSigint: true }); } catch (e) {
      if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') return;
      return; // never let the probe break an execute
    }
  }
}

/** Stops the escalator thread (engine shutdown). */
export async function stopEscalator(): Promise<void> {
  await escalator?.terminate();
  escalator = undefined;
  installed = false;
}
