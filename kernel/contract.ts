/**
 * The contract between the kernel's two halves.
 *
 *  - kernel/protocol/ (runs in a worker thread): ZeroMQ sockets, signing, message handlers,
 *    heartbeat, control, history, comms. It never blocks, so the heartbeat and interrupts work
 *    while a cell runs.
 *  - kernel/engine/ (runs on the main thread): TypeScript cells in a persistent vm context,
 *    display surface, completion, inspection, type checking.
 *
 * The two talk only through these plain, structured-clonable messages (worker postMessage).
 * MIME bundles follow the Jupyter convention: { "text/plain": string, "text/html"?: string, ... }.
 */

export type MimeBundle = Record<string, unknown>;

/** Requests from the protocol worker to the engine (main thread). `id` pairs a request with its reply. */
export type EngineRequest =
  | { id: number; kind: 'execute'; code: string; silent: boolean; storeHistory: boolean; allowStdin: boolean; executionCount: number; cellId?: string }
  | { id: number; kind: 'complete'; code: string; cursorPos: number }
  | { id: number; kind: 'inspect'; code: string; cursorPos: number; detailLevel: 0 | 1 }
  | { id: number; kind: 'isComplete'; code: string }
  | { id: number; kind: 'inputReply'; value: string }
  | { id: number; kind: 'comm'; event: 'open' | 'msg' | 'close'; commId: string; targetName?: string; data: unknown }
  | { id: number; kind: 'shutdown'; restart: boolean };

/** Replies from the engine, one per request id. */
export type EngineReply =
  | { id: number; kind: 'execute'; status: 'ok'; result?: { data: MimeBundle; metadata: Record<string, unknown> } }
  | { id: number; kind: 'execute'; status: 'error'; ename: string; evalue: string; traceback: string[] }
  | { id: number; kind: 'complete'; matches: string[]; cursorStart: number; cursorEnd: number; metadata: Record<string, unknown> }
  | { id: number; kind: 'inspect'; found: boolean; data: MimeBundle; metadata: Record<string, unknown> }
  | { id: number; kind: 'isComplete'; status: 'complete' | 'incomplete' | 'invalid' | 'unknown'; indent?: string }
  | { id: number; kind: 'ack' };

/**
 * Output events the engine emits while a request runs (and, for background work, after it:
 * `parent` names the execute request id the output belongs to; the protocol keeps the
 * Jupyter parent header of each request id so late output still reaches the right cell).
 */
export type EngineEvent =
  | { kind: 'stream'; parent: number; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'display'; parent: number; data: MimeBundle; metadata: Record<string, unknown>; displayId?: string; update: boolean }
  | { kind: 'clearOutput'; parent: number; wait: boolean }
  | { kind: 'inputRequest'; parent: number; prompt: string; password: boolean }
  | { kind: 'comm'; parent: number; event: 'open' | 'msg' | 'close'; commId: string; targetName?: string; data: unknown }
  | { kind: 'error'; parent: number; ename: string; evalue: string; traceback: string[] };

/** Everything the engine posts to the protocol worker. */
export type EngineMessage = ({ type: 'reply' } & EngineReply) | ({ type: 'event' } & EngineEvent) | { type: 'ready' };

/**
 * Interrupt flag shared by both halves: an Int32Array over a SharedArrayBuffer of length 1.
 * The protocol worker stores 1 (Atomics.store) on interrupt_request or a relayed SIGINT; the
 * engine's instrumented loops and awaits check it and throw an interrupt error; the engine resets
 * it to 0 when a new execute request starts.
 */
export const INTERRUPT_FLAG_INDEX = 0;

/** Raises the interrupt flag and wakes the threads waiting on it (the engine's SIGINT escalator). */
export function raiseInterrupt(shared: Int32Array): void {
  Atomics.store(shared, INTERRUPT_FLAG_INDEX, 1);
  Atomics.notify(shared, INTERRUPT_FLAG_INDEX);
}

/**
 * In the kernel process the same shared array has a second slot: the number of engine requests
 * the protocol worker has posted that the main thread has not started yet (the worker adds 1 per
 * request, the main thread subtracts 1 when it takes one). The engine's background warm-up reads
 * it so that it never starts a step while a request is on its way.
 */
export const PENDING_REQUESTS_INDEX = 1;
