/**
 * Interrupt plumbing on the engine's side: the life of the shared flag around a cell, the SIGINT
 * listener, and the quirks of Node's breakOnSigint.
 *
 * The protocol aims the flag at an execute request (kernel/contract.ts) and sends SIGINT.
 * Instrumented loops and awaits stop on the flag; SIGINT stops code the engine could not
 * instrument (library loops, `new Function`) through the breakOnSigint watchdog.
 *  - A cell never clears an interrupt aimed at itself: `startCell` clears only stale ones (aimed
 *    at an earlier request) and answers whether one already waits for this cell (it then stops
 *    before running: the interrupt came after the front end handed the cell over, while it was
 *    queued behind the engine's start-up or the previous request); `endCell` clears the rest.
 *  - The SIGINT listener aims at the cell running when it runs, or drops the signal when none
 *    runs: a signal handled late (the main thread was blocked) must not stop the next cell.
 *  - vm's breakOnSigint is dangerous around its edges: Node removes the process's SIGINT listeners
 *    before such a run and stops its watchdog after it with SIGINT's handler set to exit the
 *    process (src/node_watchdog.cc, SignalExit), so a SIGINT that lands just as a breakOnSigint run
 *    starts or ends kills the kernel (measured: a loop of 2 ms breakOnSigint runs under a SIGINT
 *    every 2 ms dies with status 130 within seconds). So breakOnSigint runs only for cells that may
 *    run code the engine could not instrument (`watchdogRun`), never for ordinary cells.
 *  - The watchdog can leave a signal that lands as a run ends as a stale semaphore token that
 *    terminates the NEXT breakOnSigint run: after an interrupt, the next watchdog run is preceded
 *    by short empty probes, so the token hits them, not the user's cell.
 *  - A signal can be lost in that same race: an escalator thread re-sends SIGINT every 0.5 s
 *    while the flag is up and a watchdog run is in progress (the only place a signal helps). It
 *    sleeps on the interrupt flag itself (woken by `raiseInterrupt`, or after 1 s at most), so a
 *    cell starting or ending costs one shared-memory store, not a thread wake-up.
 */
import { Script } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { clearInterrupts, interruptRaised, raiseInterrupt } from '../contract.js';

/** Slot 0: the id of the execute request running now, 0 between cells; slot 1: 1 during a breakOnSigint run. */
const running = new Int32Array(new SharedArrayBuffer(8));
let escalator: Worker | undefined;
let needsProbe = false;
let installed = false;

const ESCALATOR = `
const { workerData: { running, flag, pid } } = require('node:worker_threads');
for (;;) {
  Atomics.wait(flag, 0, 0, 1000);
  let up = 0;
  for (let v = Atomics.load(flag, 0); v !== 0; v = Atomics.load(flag, 0)) {
    Atomics.wait(flag, 0, v, 100);
    if (Atomics.load(flag, 0) !== 0 && Atomics.load(running, 1) !== 0) { up += 100; if (up >= 500) { process.kill(pid, 'SIGINT'); up = 0; } } else up = 0;
  }
}`;

/** Installs the SIGINT listener (aims at the running cell; SIGINT never kills the kernel) and the escalator. */
export function installSigint(flag: Int32Array): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => raiseInterrupt(flag, Atomics.load(running, 0)));
  try {
    escalator = new Worker(ESCALATOR, { eval: true, workerData: { running, flag, pid: process.pid } });
    escalator.unref();
  } catch { /* without it a lost signal needs a second Stop */ }
}

/**
 * Before execute request `id` runs: drops stale interrupts (their signals may still be on the way:
 * the next watchdog run probes first) and marks the cell as running.
 * @returns true when an interrupt is already aimed at this cell (it must not run)
 */
export function startCell(flag: Int32Array, id: number): boolean {
  if (clearInterrupts(flag, id)) needsProbe = true;
  Atomics.store(running, 0, id);
  return interruptRaised(flag);
}

/**
 * Runs `run` (a vm run with breakOnSigint) as the cell's watchdog run: after a recent interrupt,
 * empty probes absorb a stale watchdog token first; the escalator may re-send SIGINT meanwhile.
 * @example const v = watchdogRun(flag, () => script.runInThisContext({ breakOnSigint: true }));
 */
export function watchdogRun<T>(flag: Int32Array, run: () => T): T {
  if (needsProbe) absorbStaleSignal(flag);
  Atomics.store(running, 1, 1);
  try {
    return run();
  } finally {
    Atomics.store(running, 1, 0);
  }
}

/**
 * After execute request `id`: no cell runs, and an interrupt aimed at it (or earlier) is spent.
 * Its SIGINT may have landed as a watchdog run ended, so the next cell probes first.
 */
export function endCell(flag: Int32Array, id: number): void {
  Atomics.store(running, 0, 0);
  if (clearInterrupts(flag, id + 1)) needsProbe = true;
}

/** Records that a cell ended by an interrupt (the next cell first absorbs a stale signal). */
export function noteInterrupt(): void {
  needsProbe = true;
}

const probe = new Script('{ const t = Date.now(); while (Date.now() - t < 25) {} }', { filename: '<sigint probe>' });

/** Runs the probes, unless (or until) an interrupt is aimed at the cell about to start. */
function absorbStaleSignal(flag: Int32Array, rounds = 4): void {
  if (interruptRaised(flag)) return;
  needsProbe = false;
  for (let i = 0; i < rounds && !interruptRaised(flag); i++) {
    try { probe.runInThisContext({ breakOnSigint: true }); } catch {
      return; // the token hit a probe (or the probe failed: never let it break an execute)
    }
  }
}

/** Stops the escalator thread (engine shutdown). */
export async function stopEscalator(): Promise<void> {
  await escalator?.terminate();
  escalator = undefined;
  installed = false;
}
