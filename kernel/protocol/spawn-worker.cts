/**
 * Starting the protocol worker (./worker.cts) for a connection file, and the main thread's front
 * sockets (./front.cts) that relay shell and IOPub to it.
 *
 * CommonJS because the kernelspec's entry (kernel/launch.cts) calls it before any ES module
 * loads: the worker takes ~35 ms to boot here, and every millisecond before the sockets are bound
 * can cost a client's whole reconnect interval (see worker.cts). The worker starts first, the
 * front binds while it boots. The kernel's own listeners attach later, once kernel/main.ts has
 * loaded, so what the worker says before then is kept and handed over.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Front } from './front.cjs';

/** What both kernel entries (kernel/launch.cts, `flowlab kernel`) say when no connection file is given. */
export const CONNECTION_FILE_REQUIRED = '--connection-file is required: the JSON file your Jupyter client wrote (kernel.json passes {connection_file}).';

/** The channels the main thread binds and relays to the worker (./front.cts); the worker binds the others itself. */
export const FRONT_CHANNELS = ['iopub', 'shell'] as const;
export type FrontChannel = (typeof FRONT_CHANNELS)[number];

/** The inproc endpoints the worker binds for the front channels. */
export type InprocEndpoints = Record<FrontChannel, string>;

let started = 0;

/** Fresh inproc endpoint names (unique in this process: one ZeroMQ context serves every thread). */
function inprocEndpoints(): InprocEndpoints {
  const id = `${process.pid}-${++started}`;
  return { iopub: `inproc://flowlab-iopub-${id}`, shell: `inproc://flowlab-shell-${id}` };
}

/** The protocol worker's workerData (read by ./worker.cts). */
export interface ProtocolWorkerData {
  connectionFile: string;
  /** Int32 slots: [interrupt flag, engine requests posted by the worker and not yet started]. */
  interruptBuffer: SharedArrayBuffer;
  /** Where the worker binds shell and IOPub for the main thread's relays (./front.cts). */
  inproc: InprocEndpoints;
}

/** What the main thread listens to on the protocol worker. */
export interface ProtocolListeners {
  message(m: unknown): void;
  error(err: Error): void;
  exit(code: number): void;
}
type Event = keyof ProtocolListeners;
const EVENTS: readonly Event[] = ['message', 'error', 'exit'];

/**
 * A started protocol worker, the main thread's front sockets it serves (./front.cts), the buffer
 * they share, and the events the worker sent before the kernel listened.
 */
export class ProtocolWorker {
  readonly interruptBuffer = new SharedArrayBuffer(8);
  readonly worker: Worker;
  readonly front: Front;
  private early: Array<[Event, unknown]> | undefined = [];
  private listeners: ProtocolListeners | undefined;
  private closed = false;
  private readonly relay = {
    message: (m: unknown) => this.emit('message', m),
    error: (err: unknown) => this.emit('error', err),
    exit: (code: unknown) => this.emit('exit', code),
  };

  /** `create` starts the worker with the workerData it is given; the front binds while it boots. */
  constructor(connectionFile: string, create: (workerData: ProtocolWorkerData) => Worker) {
    const inproc = inprocEndpoints();
    this.worker = create({ connectionFile, interruptBuffer: this.interruptBuffer, inproc });
    for (const event of EVENTS) this.worker.on(event, this.relay[event]);
    // Loaded only now (zeromq with it): nothing may delay the worker's start.
    const { Front } = require('./front.cjs') as typeof import('./front.cjs');
    this.front = new Front(connectionFile, inproc);
    process.on('exit', () => this.front.stop());
    // A front that cannot bind ends the kernel as a worker that cannot bind does. The front binds
    // synchronously, so this comes before anything the worker says (its 'bound' included).
    if (this.front.failure) this.emit('message', { type: 'fatal', message: this.front.failure.message });
  }

  /** Attaches the kernel's listeners, first handing them what the worker sent before (in order). */
  listen(listeners: ProtocolListeners): void {
    const early = this.early ?? [];
    this.early = undefined;
    this.listeners = listeners;
    for (const [event, arg] of early) (listeners[event] as (arg: unknown) => void)(arg);
  }

  /** Stops the worker and the front (a kernel that failed to start: its process can then end). */
  async close(): Promise<void> {
    this.closed = true; // its exit is expected now: not reported to the kernel
    await Promise.all([this.front.close(), this.worker.terminate()]);
  }

  private emit(event: Event, arg: unknown): void {
    if (this.closed) return;
    if (this.listeners) (this.listeners[event] as (arg: unknown) => void)(arg);
    else this.early!.push([event, arg]);
  }
}

/** Starts the compiled protocol worker (dist/kernel/protocol/worker.cjs) for `connectionFile`. */
export function spawnProtocolWorker(connectionFile: string): ProtocolWorker {
  return new ProtocolWorker(connectionFile, (workerData) => new Worker(join(__dirname, 'worker.cjs'), { workerData }));
}
