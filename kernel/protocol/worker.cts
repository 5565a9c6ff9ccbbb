/**
 * The protocol worker (a worker_thread): owns every ZeroMQ socket of the kernel (shell and
 * control ROUTERs, iopub XPUB, stdin ROUTER, heartbeat REP), signs and checks messages, and talks
 * to the engine on the main thread through kernel/contract.ts messages. Because it never runs
 * user code, the heartbeat, interrupts and kernel_info answer while a cell blocks the main thread.
 *
 * This entry only reads the connection file and binds the sockets, then loads the message loop
 * (./run-protocol.ts; in dist one bundled file, see ./load-loop.cts): a client that connected
 * before the kernel bound reaches it only at its next reconnect attempt (jupyter_client's ZeroMQ
 * retries every 100–200 ms), so every millisecond before the bind can cost a hundred after it.
 * It is CommonJS for that reason: a worker starts ~10 ms sooner without the ES module loader, and
 * `require('zeromq')` costs less than importing it (measured here: an empty ESM worker 30–40 ms
 * to its first line, CommonJS 22 ms; with zeromq loaded 46–52 against 32 ms). iopub is bound
 * first: a client sees no output before its subscription arrives.
 *
 * Tried and left out (commit b36a947, branch experiment/front-relay): binding shell and IOPub on
 * the main thread at the entry's first lines and relaying them to this worker through libzmq's
 * proxy (zmq_proxy on a threadpool thread, inproc to here). They were then up ~35 ms sooner and
 * never missed a client's first retry, but every message took one more thread hop: each cell's
 * round trip grew 7–12 % on this 2-core machine (two 9-run A/Bs against this design), while this
 * design missed the first retry in about one start in ten, and only because Node here spends
 * ~50 ms on NODE_EXTRA_CA_CERTS before any script (without it, it binds by ~85 ms, before any
 * retry). bench/kernel.ts counts the starts that missed a retry.
 *
 * workerData: ProtocolWorkerData (./spawn-worker.cts).
 * To the main thread it posts { type: 'bound' } (the main thread loads the engine now),
 * { type: 'engineRequest', request }, { type: 'exit', code }, { type: 'fatal', message }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import { endpoint, hmacAlgorithm, readConnectionFile, type Channel, type ZSocket } from './connection.cjs';
import { loadProtocolLoop } from './load-loop.cjs';
import type { ProtocolWorkerData } from './spawn-worker.cjs';

/** kernel/protocol/log.ts's format (an ES module: not loaded before the bind). */
function log(message: string): void {
  process.stderr.write(`[flowlab kernel] ${message}\n`);
}

/** Messages larger than this (all frames together) are dropped unread: FLOWLAB_MAX_MESSAGE_BYTES, default 100 MiB. */
const MAX_MESSAGE_BYTES = Number(process.env.FLOWLAB_MAX_MESSAGE_BYTES) || 100 * 1024 * 1024;
const BIND_ORDER: readonly Channel[] = ['iopub', 'shell', 'control', 'stdin', 'hb'];

async function main(): Promise<void> {
  const port = parentPort!;
  const { connectionFile, interruptBuffer } = workerData as ProtocolWorkerData;
  process.on('uncaughtException', (err) => log(`worker: uncaught ${err.stack ?? err}`));
  process.on('unhandledRejection', (err) => log(`worker: unhandled rejection ${(err as Error)?.stack ?? err}`));

  const info = readConnectionFile(connectionFile);
  hmacAlgorithm(info.signature_scheme); // a bad scheme fails here, before binding
  const sockets: Record<Channel, ZSocket> = {
    shell: new zmq.Router() as unknown as ZSocket,
    control: new zmq.Router() as unknown as ZSocket,
    // XPUB, every subscription passed up (also a second client's, with the same empty topic):
    // run-protocol.ts answers each with a status, so a client knows its subscription is live.
    iopub: new zmq.XPublisher({ verbosity: 'allSubs' }) as unknown as ZSocket,
    stdin: new zmq.Router() as unknown as ZSocket,
    hb: new zmq.Reply() as unknown as ZSocket,
  };
  for (const channel of BIND_ORDER) {
    const socket = sockets[channel];
    socket.linger = 1000;
    socket.maxMessageSize = Math.max(MAX_MESSAGE_BYTES * 4, 1 << 30);
    const address = endpoint(info, channel);
    try {
      await socket.bind(address);
    } catch (err) {
      throw new Error(`${channel}: could not bind ${address} (${(err as Error).message}). Another process may hold the port: start the kernel again from your Jupyter client (it picks free ports), or fix ${channel}_port in the connection file.`);
    }
  }
  port.postMessage({ type: 'bound' });
  const { runProtocol } = await loadProtocolLoop(() => import('./run-protocol.js'), log);
  await runProtocol({ port, sockets, key: info.key, signatureScheme: info.signature_scheme, interruptBuffer, maxMessageBytes: MAX_MESSAGE_BYTES });
}

main().catch((err: Error) => {
  log(`protocol worker failed to start: ${err.message}`);
  parentPort?.postMessage({ type: 'fatal', message: err.message });
});
