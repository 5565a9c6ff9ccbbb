/**
 * The worker's side of the engine bridge (see kernel/contract.ts): numbered requests to the main
 * thread, replies matched by id, events routed to the Jupyter request they belong to, even after
 * that request went idle (late output from background work keeps its original parent header).
 */
import type { MessagePort } from 'node:worker_threads';
import { PENDING_REQUESTS_INDEX, type EngineEvent, type EngineMessage, type EngineReply, type EngineRequest } from '../contract.js';
import { log } from './log.js';
import type { Message } from './wire.js';

/** Distributive Omit, so each request variant keeps its own fields. */
export type RequestBody = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'id'> : never) : never;

/** Where an engine request came from: the Jupyter message that caused it. */
export type Origin = Pick<Message, 'header' | 'identities' | 'content'>;

const KEEP_ORIGINS = 4096;

/** Sends requests to the engine and dispatches what it posts back. */
export class EngineLink {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: EngineReply) => void>();
  private readonly origins = new Map<number, Origin>();
  /** Called for every engine event, with the Jupyter message of the request it names (if known). */
  onEvent: (event: EngineEvent, origin: Origin | undefined) => void = () => undefined;
  /** True once the engine said 'ready'. */
  ready = false;

  /**
   * @param port the main thread's end
   * @param shared the kernel's shared Int32Array: requests posted are counted at PENDING_REQUESTS_INDEX
   *   (the main thread counts them down as it takes them), if given
   */
  constructor(private readonly port: Pick<MessagePort, 'postMessage'>, private readonly shared?: Int32Array) {}

  /** Sends a request; resolves with its reply. The origin is remembered for late events. */
  request(body: RequestBody, origin?: Origin): Promise<EngineReply> {
    const id = this.nextId++;
    if (origin) {
      this.origins.set(id, origin);
      if (this.origins.size > KEEP_ORIGINS) this.origins.delete(this.origins.keys().next().value as number);
    }
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      if (this.shared) Atomics.add(this.shared, PENDING_REQUESTS_INDEX, 1);
      this.port.postMessage({ type: 'engineRequest', request: { ...body, id } });
    });
  }

  /** Posts a request whose reply nobody awaits (inputReply, comm traffic during a cell). */
  notify(body: RequestBody): void {
    void this.request(body);
  }

  /** The Jupyter message that caused an engine request id. */
  origin(id: number): Origin | undefined {
    return this.origins.get(id);
  }

  /** Handles one message the main thread forwarded from the engine. */
  receive(msg: EngineMessage): void {
    if (msg.type === 'ready') {
      this.ready = true;
      return;
    }
    if (msg.type === 'reply') {
      const { type: _type, ...reply } = msg;
      const resolve = this.waiting.get(reply.id);
      if (!resolve) return log(`engine reply for unknown request ${reply.id} ignored`);
      this.waiting.delete(reply.id);
      resolve(reply as EngineReply);
      return;
    }
    if (msg.type === 'event') {
      const { type: _type, ...event } = msg;
      this.onEvent(event as EngineEvent, this.origins.get(event.parent));
      return;
    }
    log(`unknown message from the engine ignored: ${JSON.stringify(msg).slice(0, 200)}`);
  }

  /** Settles every waiting request with `fallback(id)` (used when the engine is gone). */
  failAll(fallback: (id: number) => EngineReply): void {
    for (const [id, resolve] of this.waiting) resolve(fallback(id));
    this.waiting.clear();
  }
}
