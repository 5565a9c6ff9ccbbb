/**
 * A per-cell timeout that works even while a synchronous loop blocks the main thread: a tiny
 * worker thread sets the interrupt flag and sends SIGINT when the armed time runs out.
 */
import { Worker } from 'node:worker_threads';

const SOURCE = `
const { parentPort, workerData: { flag, fired, pid } } = require('node:worker_threads');
let timer;
parentPort.on('message', (m) => {
  clearTimeout(timer);
  if (m.arm) timer = setTimeout(() => { Atomics.store(fired, 0, 1); Atomics.store(flag, 0, 1); process.kill(pid, 'SIGINT'); }, m.arm);
});`;

/** Arms and disarms a timeout that interrupts the running cell. */
export class Watchdog {
  private readonly worker: Worker;
  private readonly firedFlag = new Int32Array(new SharedArrayBuffer(4));
  constructor(flag: Int32Array) {
    this.worker = new Worker(SOURCE, { eval: true, workerData: { flag, fired: this.firedFlag, pid: process.pid } });
    this.worker.unref();
  }
  /** True when the current arming ran out. */
  get fired(): boolean { return Atomics.load(this.firedFlag, 0) === 1; }
  /** Interrupts the cell after `ms` milliseconds unless disarmed first. */
  arm(ms: number): void { Atomics.store(this.firedFlag, 0, 0); this.worker.postMessage({ arm: ms }); }
  /** Cancels the pending timeout. */
  disarm(): void { this.worker.postMessage({ arm: 0 }); }
  /** Stops the worker. */
  async close(): Promise<void> { await this.worker.terminate(); }
}
