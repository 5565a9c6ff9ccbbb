/**
 * The protocol worker (a worker_thread): handles every message of the kernel, signs and checks
 * them, and talks to the engine on the main thread through kernel/contract.ts messages. It binds
 * control (ROUTER), stdin (ROUTER) and heartbeat (REP) to their ports; shell and IOPub reach it
 * through the main thread's relays (./front.cts, bound there before this thread has booted), to
 * which it binds a DEALER and a PUB over inproc. Because it never runs user code, and the relays
 * run on libzmq's own threads, the heartbeat, interrupts, kernel_info and output go on while a
 * cell blocks the main thread.
 *
 * This entry only reads the connection file and binds the sockets, then loads the message loop
 * (./run-protocol.ts): a client that connected before the kernel bound reaches it only at its
 * next reconnect attempt (jupyter_client's ZeroMQ retries every 100–200 ms), so every millisecond
 * before the bind can cost a hundred after it. It is CommonJS for that reason: a worker starts
 * ~10 ms sooner without the ES module loader, and `require('zeromq')` costs less than importing
 * it (measured here: an empty ESM worker 30–40 ms to its first line, CommonJS 22 ms; with
 * zeromq loaded 46–52 against 32 ms).
 *
 * workerData: ProtocolWorkerData (./spawn-worker.cts).
 * To the main thread it posts { type: 'bound' } (the main thread loads the engine now),
 * { type: 'engineRequest', request }, { type: 'exit', code }, { type: 'fatal', message }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as zmq from 'zeromq';
import { bindFailure, endpoint, hmacAlgorithm, MAX_MESSAGE_BYTES, readConnectionFile, tuneSocket, type Channel, type ZSocket } from './connection.cjs';
import { FRONT_CHANNELS, type FrontChannel, type ProtocolWorkerData } from './spawn-worker.cjs';

/** kernel/protocol/log.ts's format (an ES module: not loaded before the bind). */
function log(message: string): void {
  process.stderr.write(`[flowlab kernel] ${message}\n`);
}

const BIND_ORDER: readonly Channel[] = ['iopub', 'shell', 'control', 'stdin', 'hb'];

/** The worker's sockets: shell and IOPub bound to the main thread's relays (./front.cts), the others to their ports. */
function createSockets(): Record<Channel, ZSocket> {
  return {
    shell: new zmq.Dealer() as unknown as ZSocket, // frames as a ROUTER gets them: the relay's ROUTER adds and strips the identity
    control: new zmq.Router() as unknown as ZSocket,
    iopub: new zmq.Publisher() as unknown as ZSocket,
    stdin: new zmq.Router() as unknown as ZSocket,
    hb: new zmq.Reply() as unknown as ZSocket,
  };
}

async function main(): Promise<void> {
  const port = parentPort!;
  const { connectionFile, interruptBuffer, inproc } = workerData as ProtocolWorkerData;
  process.on('uncaughtException', (err) => log(`worker: uncaught ${err.stack ?? err}`));
  process.on('unhandledRejection', (err) => log(`worker: unhandled rejection ${(err as Error)?.stack ?? err}`));

  const info = readConnectionFile(connectionFile);
  hmacAlgorithm(info.signature_scheme); // a bad scheme fails here, before binding
  const sockets = createSockets();
  for (const channel of BIND_ORDER) {
    const socket = sockets[channel];
    tuneSocket(socket);
    const address = FRONT_CHANNELS.includes(channel as FrontChannel) ? inproc[channel as FrontChannel] : endpoint(info, channel);
    try {
      await socket.bind(address);
    } catch (err) {
      throw bindFailure(channel, address, err as Error);
    }
  }
  port.postMessage({ type: 'bound' });
  const { runProtocol } = await import('./run-protocol.js');
  await runProtocol({ port, sockets, key: info.key, signatureScheme: info.signature_scheme, interruptBuffer, maxMessageBytes: MAX_MESSAGE_BYTES });
}

main().catch((err: Error) => {
  log(`protocol worker failed to start: ${err.message}`);
  parentPort?.postMessage({ type: 'fatal', message: err.message });
});
