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
 * Interrupt flag shared by both halves: an Int32Array over a SharedArrayBuffer, slot 0.
 *
 * 0 means no interrupt. Otherwise it holds the id of the execute request the interrupt is aimed
 * at: the protocol worker stores the id of the execute it last posted (`raiseInterrupt`), so an
 * interrupt that arrives after a cell was handed to the engine but before the engine started it
 * is kept for that cell. Instrumented loops and awaits stop while the slot is non-zero. When an
 * execute with id g starts, the engine clears only values below g (`clearInterrupts`: aimed at
 * an earlier cell, i.e. stale), and when it ends, values up to g. Both writes are atomic
 * compare-and-swap loops, so no interrupt raised for a cell can be erased by that cell's own
 * bookkeeping. Embedders without request ids (tests, the notebook runner) store 1: for every
 * cell after the first that reads as "aimed at the running cell", and it is cleared when it ends.
 */
export const INTERRUPT_FLAG_INDEX = 0;

/**
 * Aims an interrupt at execute request `target` (values only grow: an interrupt for a later
 * request is never replaced by one for an earlier request) and wakes the threads waiting on the
 * flag (the engine's SIGINT escalator).
 * @example raiseInterrupt(flag, lastPostedExecuteId)
 */
export function raiseInterrupt(shared: Int32Array, target: number): void {
  if (!(target > 0)) return;
  for (let seen = Atomics.load(shared, INTERRUPT_FLAG_INDEX); seen < target;) {
    const was = Atomics.compareExchange(shared, INTERRUPT_FLAG_INDEX, seen, target);
    if (was === seen) break;
    seen = was;
  }
  Atomics.notify(shared, INTERRUPT_FLAG_INDEX);
}

/**
 * Clears the interrupt if it is aimed at a request before `below` (at a cell's start: `below` =
 * its id) — never one raised for `below` or later, even if raised while this runs.
 * @returns true when it cleared one
 */
export function clearInterrupts(shared: Int32Array, below: number): boolean {
  for (let seen = Atomics.load(shared, INTERRUPT_FLAG_INDEX); seen !== 0 && seen < below;) {
    const was = Atomics.compareExchange(shared, INTERRUPT_FLAG_INDEX, seen, 0);
    if (was === seen) return true;
    seen = was;
  }
  return false;
}

/** True while an interrupt is raised (what instrumented loops and library probes read). */
export function interruptRaised(shared: Int32Array): boolean {
  return Atomics.load(shared, INTERRUPT_FLAG_INDEX) !== 0;
}

/**
 * In the kernel process the same shared array has a second slot: the number of engine requests
 * the protocol worker has posted that the main thread has not started yet (the worker adds 1 per
 * request, the main thread subtracts 1 when it takes one). The engine's background warm-up reads
 * it so that it never starts a step while a request is on its way.
 */
export const PENDING_REQUESTS_INDEX = 1;
