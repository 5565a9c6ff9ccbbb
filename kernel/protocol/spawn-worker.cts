/**
 * Starting the protocol worker (./worker.cts) for a connection file.
 *
 * CommonJS because the kernelspec's entry (kernel/launch.cts) calls it before any ES module
 * loads: the worker takes ~35 ms to boot here, and every millisecond before it binds can cost a
 * client's whole reconnect interval (see worker.cts). The kernel's own listeners attach later,
 * once kernel/main.ts has loaded, so what the worker says before then is kept and handed over.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** What both kernel entries (kernel/launch.cts, `flowlab kernel`) say when no connection file is given. */
export const CONNECTION_FILE_REQUIRED = '--connection-file is required: the JSON file your Jupyter client wrote (kernel.json passes {connection_file}).';

/** The protocol worker's workerData (read by ./worker.cts). */
export interface ProtocolWorkerData {
  connectionFile: string;
  /** Int32 slots: [interrupt flag, engine requests posted by the worker and not yet started]. */
  interruptBuffer: SharedArrayBuffer;
}

/** What the main thread listens to on the protocol worker. */
export interface ProtocolListeners {
  message(m: unknown): void;
  error(err: Error): void;
  exit(code: number): void;
}
type Event = keyof ProtocolListeners;
const EVENTS: readonly Event[] = ['message', 'error', 'exit'];

/** A started protocol worker, the buffer it shares with the main thread, and its early events. */
export class ProtocolWorker {
  readonly interruptBuffer = new SharedArrayBuffer(8);
  readonly worker: Worker;
  private early: Array<[Event, unknown]> | undefined = [];
  private readonly keep = EVENTS.map((event) => [event, (arg: unknown) => this.early?.push([event, arg])] as const);

  /** `create` starts the worker with the workerData it is given. */
  constructor(connectionFile: string, create: (workerData: ProtocolWorkerData) => Worker) {
    this.worker = create({ connectionFile, interruptBuffer: this.interruptBuffer });
    for (const [event, keep] of this.keep) this.worker.on(event, keep);
  }

  /** Attaches the kernel's listeners, first handing them what the worker sent before (in order). */
  listen(listeners: ProtocolListeners): void {
    const early = this.early ?? [];
    this.early = undefined;
    for (const [event, keep] of this.keep) this.worker.off(event, keep);
    for (const event of EVENTS) this.worker.on(event, listeners[event] as (arg: unknown) => void);
    for (const [event, arg] of early) (listeners[event] as (arg: unknown) => void)(arg);
  }
}

/** Starts the compiled protocol worker (dist/kernel/protocol/worker.cjs) for `connectionFile`. */
export function spawnProtocolWorker(connectionFile: string): ProtocolWorker {
  return new ProtocolWorker(connectionFile, (workerData) => new Worker(join(__dirname, 'worker.cjs'), { workerData }));
}
