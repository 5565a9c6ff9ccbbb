/**
 * The kernel's front door: the shell ROUTER and the IOPub XPUB, bound on the main thread as soon
 * as the kernel starts, each relayed by libzmq's proxy (zmq_proxy_steerable, on a thread of its
 * own) to the protocol worker's socket over `inproc://`.
 *
 * Why: a Jupyter client connects before the kernel binds and reaches it only at its next
 * reconnect attempt, 100–200 ms later (libzmq's interval plus jitter); the first cell waits for
 * both shell (the kernel_info_reply) and IOPub (the subscription). Bound from the worker, they
 * waited for a worker thread to boot (~35 ms here) and missed the first attempt in about one
 * start in three; bound here they are up ~15 ms after the first line. The proxies forward while
 * the main thread runs a cell, so nothing about the worker's job changes: it still owns every
 * message, only through a DEALER (shell) and a PUB (IOPub) bound to inproc endpoints. Control,
 * stdin and heartbeat stay bound by the worker (a client does not need them to run a cell).
 *
 * Each proxy holds a libuv threadpool thread for the life of the kernel (the pool is made two
 * threads larger where it has not started yet), and a process must not exit with one running
 * (libzmq's context would wait for its sockets forever): `stop()` ends them, on process 'exit'.
 */
import * as zmq from 'zeromq';
import { bindFailure, endpoint, readConnectionFile, tuneSocket } from './connection.cjs';
import type { FrontChannel, InprocEndpoints } from './spawn-worker.cjs';

/**
 * Makes libuv's threadpool `extra` threads larger while `start` runs: the relays hold a thread
 * each for the life of the kernel. libuv reads UV_THREADPOOL_SIZE once, when the pool starts, so
 * this widens it only where nothing has used the pool yet (kernel/launch.cts; `flowlab kernel`
 * has, and its relays share the usual four). The variable is put back at once, so cells and
 * their child processes see the user's setting.
 */
function withWiderThreadpool(extra: number, start: () => void): void {
  const before = process.env.UV_THREADPOOL_SIZE;
  process.env.UV_THREADPOOL_SIZE = String((Number(before) || 4) + extra);
  try {
    start();
  } finally {
    if (before === undefined) delete process.env.UV_THREADPOOL_SIZE;
    else process.env.UV_THREADPOOL_SIZE = before;
  }
}

/** The bound front sockets and their proxies. */
export class Front {
  private readonly proxies: zmq.Proxy[] = [];
  private readonly sockets: zmq.Socket[] = [];
  private readonly runs: Promise<void>[] = [];
  private stopped = false;
  /** Why the front could not start (naming the fix: an unreadable connection file, a taken port); undefined when both channels are bound and relayed. */
  readonly failure: Error | undefined;

  /** Binds at once (synchronously: no turn of the event loop, which may be busy loading the kernel, stands before it). */
  constructor(connectionFile: string, inproc: InprocEndpoints) {
    try {
      this.start(connectionFile, inproc);
    } catch (err) {
      this.failure = err as Error;
    }
  }

  private start(connectionFile: string, inproc: InprocEndpoints): void {
    const info = readConnectionFile(connectionFile);
    const pairs: Array<[FrontChannel, zmq.Socket, zmq.Socket]> = [
      ['iopub', new zmq.XPublisher(), new zmq.XSubscriber()],
      ['shell', new zmq.Router(), new zmq.Dealer()],
    ];
    for (const [channel, outside, inside] of pairs) {
      this.sockets.push(outside, inside);
      tuneSocket(outside);
      tuneSocket(inside);
      inside.connect(inproc[channel]); // inproc allows connect before the worker binds
      const address = endpoint(info, channel);
      try {
        outside.bindSync(address);
      } catch (err) {
        for (const socket of this.sockets) socket.close();
        throw bindFailure(channel, address, err as Error);
      }
    }
    withWiderThreadpool(pairs.length, () => {
      for (const [channel, outside, inside] of pairs) {
        const proxy = new zmq.Proxy(outside, inside);
        this.proxies.push(proxy);
        this.runs.push(proxy.run().catch((err: Error) => {
          if (!this.stopped) process.stderr.write(`[flowlab kernel] ${channel} relay stopped: ${err.message}\n`);
        }));
      }
    });
  }

  /** Ends the proxies, then closes the sockets: for a kernel that failed to start and ends without process.exit. */
  async close(): Promise<void> {
    this.stop();
    await Promise.all(this.runs);
    for (const socket of this.sockets) if (!socket.closed) socket.close();
  }

  /** Ends the proxies (synchronously: safe in a process 'exit' listener). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const proxy of this.proxies) {
      try {
        proxy.terminate();
      } catch {
        // already ended
      }
    }
  }
}
