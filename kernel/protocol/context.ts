/**
 * The protocol worker's shared state, passed to every handler.
 */
import type { EngineLink } from './engine-link.js';
import type { HistoryStore } from './history.js';
import type { IOPub } from './iopub.js';
import type { Outbox } from './outbox.js';
import { makeHeader, toFrames, type Message, type Signer } from './wire.js';

/** One open comm and its target. */
export interface CommInfo {
  targetName: string;
}

/** What handlers need: sockets, signing, the engine, counters, history, comms. */
export interface KernelContext {
  signer: Signer;
  session: string;
  iopub: IOPub;
  shell: Outbox;
  control: Outbox;
  stdin: Outbox;
  engine: EngineLink;
  history: HistoryStore;
  comms: Map<string, CommInfo>;
  interruptFlag: Int32Array;
  /** The execution counter: grows by one per execute with store_history (and not silent). */
  executionCount: number;
  /** True while a shell request is being handled. */
  shellBusy: boolean;
  /** The execute request currently running (input_request goes to its client). */
  current: Message | undefined;
  /** Raises the interrupt: flag for the engine plus SIGINT to this process (vm breakOnSigint). */
  interrupt(): void;
  /** Flushes, closes sockets, asks the main thread to exit. */
  exit(code: number): Promise<void>;
}

/** Sends a reply to a request on the socket it came from. */
export function reply(ctx: KernelContext, socket: Outbox, request: Message, msgType: string, content: object, metadata: object = {}): Promise<void> {
  ctx.iopub.flush();
  return socket.send(toFrames(ctx.signer, request.identities, makeHeader(msgType, ctx.session), request.header, metadata, content));
}

/** `execute_request` → `execute_reply`, etc. */
export function replyType(msgType: string): string {
  return msgType.replace(/_request$/, '_reply');
}
