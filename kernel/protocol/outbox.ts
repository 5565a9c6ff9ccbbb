/**
 * Serialized sending on one ZeroMQ socket.
 *
 * zeromq 6 allows one `send()` in flight per socket; the kernel sends from many async handlers,
 * so every socket gets an Outbox that chains sends in call order and never throws.
 */
import { log } from './log.js';

/** Anything with zeromq 6's `send(frames)`. */
export interface Sendable {
  send(frames: Buffer[]): Promise<void>;
}

/** Chains sends on one socket; a failed send is logged and dropped. */
export class Outbox {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly socket: Sendable, private readonly name: string) {}

  /** Queues frames; resolves once they are handed to ZeroMQ (or dropped). */
  send(frames: Buffer[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.tail = this.tail.then(
      () => this.socket.send(frames).catch((err: Error) => log(`${this.name}: send failed: ${err.message}`)),
    );
    return this.tail;
  }

  /** Resolves when everything queued so far is sent; later sends are ignored. */
  async drain(): Promise<void> {
    await this.tail;
    this.closed = true;
  }
}
