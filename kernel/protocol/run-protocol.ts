/**
 * The protocol worker's message loop (kernel/protocol/worker.cts binds the sockets first and then
 * loads this): serves shell, control, stdin and heartbeat, publishes on iopub, and bridges
 * requests to the engine on the main thread through kernel/contract.ts messages.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';
import { raiseInterrupt, type EngineMessage } from '../contract.js';
import type { Channel, ZSocket } from './connection.cjs';
import type { KernelContext } from './context.js';
import { handleControl } from './control.js';
import { EngineLink } from './engine-link.js';
import { pendingInput, routeEvent } from './events.js';
import { HistoryStore } from './history.js';
import { IOPub } from './iopub.js';
import { debug, log } from './log.js';
import { Outbox } from './outbox.js';
import { watchParent } from './parent-watch.js';
import { kernelInfoContent, ShellQueue } from './shell.js';
import { makeHeader, parseFrames, Signer, toFrames, type Message } from './wire.js';

/** How long an interrupt waits for the flag to work before it also sends SIGINT. */
const SIGINT_DELAY_MS = 100;


/** What the worker entry hands over once its sockets are bound. */
export interface BoundSockets {
  port: MessagePort;
  sockets: Record<Channel, ZSocket>;
  key: string;
  signatureScheme: string;
  interruptBuffer: SharedArrayBuffer;
  /** Messages larger than this (all frames together) are dropped unread. */
  maxMessageBytes: number;
}

/** Runs the protocol on bound sockets until shutdown (then posts { type: 'exit' } to the main thread). */
export async function runProtocol({ port, sockets, key, signatureScheme, interruptBuffer, maxMessageBytes: MAX_MESSAGE_BYTES }: BoundSockets): Promise<void> {
  const signer = new Signer(key, signatureScheme);
  const interruptFlag = new Int32Array(interruptBuffer);
  const session = randomUUID();
  const outboxes = { shell: new Outbox(sockets.shell, 'shell'), control: new Outbox(sockets.control, 'control'), stdin: new Outbox(sockets.stdin, 'stdin'), iopub: new Outbox(sockets.iopub, 'iopub') };
  const engine = new EngineLink(port, new Int32Array(interruptBuffer));
  let sentinel: ChildProcess | undefined;
  let exiting = false;

  const ctx: KernelContext = {
    signer, session, engine,
    iopub: new IOPub(outboxes.iopub, signer, session),
    shell: outboxes.shell, control: outboxes.control, stdin: outboxes.stdin,
    history: new HistoryStore(),
    comms: new Map(),
    interruptFlag,
    executionCount: 0,
    shellBusy: false,
    current: undefined,
    interrupt() {
      // The flag stops instrumented loops and awaits at once. It carries the id of the execute
      // request last handed to the engine, so the engine keeps it even if it has not started that
      // cell yet (kernel/contract.ts); when no cell runs, that id is an earlier cell's and the
      // next cell drops it. Only if the cell is still running shortly after (blocked in code the
      // engine does not instrument) does SIGINT follow, for vm's breakOnSigint; signalling right
      // away could hit the next cell once this one stopped.
      raiseInterrupt(interruptFlag, engine.lastExecute);
      const running = ctx.current;
      if (!running) return;
      setTimeout(() => {
        if (ctx.current !== running) return;
        try {
          process.kill(process.pid, 'SIGINT');
        } catch (err) {
          log(`interrupt: could not signal the main thread (${(err as Error).message})`);
        }
      }, SIGINT_DELAY_MS);
    },
    async exit(code) {
      if (exiting) return;
      exiting = true;
      ctx.iopub.flush();
      await Promise.all(Object.values(outboxes).map((o) => o.drain()));
      await ctx.history.flush();
      sentinel?.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 30));
      for (const s of Object.values(sockets)) s.close();
      port.postMessage({ type: 'exit', code });
    },
  };
  engine.onEvent = (event, origin) => routeEvent(ctx, event, origin);
  watchParent(() => {
    log('the front end that started this kernel is gone: shutting down');
    void ctx.exit(0);
    // A main thread stuck in a synchronous cell never reads the exit message.
    setTimeout(() => process.kill(process.pid, 'SIGTERM'), 5000).unref();
  });
  port.on('message', (m: EngineMessage) => {
    try {
      engine.receive(m);
    } catch (err) {
      log(`engine message failed: ${(err as Error).stack ?? err}`);
    }
  });

  // What the first kernel_info_reply does not need starts after it (or 300 ms after binding):
  // the SIGINT sentinel (node:child_process and a child process) and the history database.
  let deferredStarted = false;
  const startDeferred = (): void => {
    if (deferredStarted) return;
    deferredStarted = true;
    void import('./sentinel.js').then(({ startSentinel }) => {
      // The kernel process got the same SIGINT (same process group): the flag only, no second signal.
      if (!exiting) sentinel = startSentinel(() => raiseInterrupt(interruptFlag, engine.lastExecute));
    }, (err: Error) => log(`SIGINT sentinel not started: ${err.message}`));
    void ctx.history.open();
  };
  const shell = new ShellQueue(ctx, {
    shutdown_request: (c, m) => handleControl(c, m),
    interrupt_request: (c, m) => handleControl(c, m),
  });

  const accept = (channel: Channel, frames: Buffer[]): Message | undefined => {
    let size = 0;
    for (const f of frames) size += f.length;
    if (size > MAX_MESSAGE_BYTES) return void log(`${channel}: dropped a ${size}-byte message (limit ${MAX_MESSAGE_BYTES}; set FLOWLAB_MAX_MESSAGE_BYTES to raise it)`);
    const parsed = parseFrames(frames, signer);
    if (!parsed.ok) return void log(`${channel}: dropped a message: ${parsed.reason}`);
    debug(`${channel} ← ${parsed.message.header.msg_type}`);
    return parsed.message;
  };

  const serve = async (channel: Channel, onFrames: (frames: Buffer[]) => unknown): Promise<void> => {
    const socket = sockets[channel];
    while (!socket.closed) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch (err) {
        if (socket.closed || exiting) return;
        log(`${channel}: receive failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      try {
        await onFrames(frames);
      } catch (err) {
        log(`${channel}: handler failed: ${(err as Error).stack ?? err}`);
      }
    }
  };

  void serve('hb', (frames) => sockets.hb.send(frames));
  void serve('iopub', (frames) => {
    if (frames[0] && ctx.iopub.subscribed(frames[0], ctx.shellBusy)) debug('iopub ← subscription: status sent');
  });
  void serve('shell', (frames) => {
    const msg = accept('shell', frames);
    if (!msg) return;
    if (msg.header.msg_type === 'kernel_info_request') setTimeout(startDeferred, 0);
    shell.push(msg);
  });
  void serve('control', (frames) => {
    const msg = accept('control', frames);
    if (msg) void handleControl(ctx, msg);
  });
  void serve('stdin', (frames) => {
    const msg = accept('stdin', frames);
    if (!msg) return;
    if (msg.header.msg_type !== 'input_reply') return log(`stdin: unexpected '${msg.header.msg_type}' ignored`);
    if (!pendingInput.origin) return log('stdin: input_reply with no input pending ignored');
    pendingInput.origin = undefined;
    engine.notify({ kind: 'inputReply', value: typeof msg.content.value === 'string' ? msg.content.value : '' });
  });

  primeFirstReply(signer, session);
  await ctx.iopub.status('starting');
  setTimeout(startDeferred, 300);
}

/**
 * Runs the first kernel_info_reply's path once before any client can ask (clients connect at
 * their next reconnect attempt, tens of ms after the bind): the reply content (file reads) and
 * one sign → parse → verify round of the wire code, so the first real request does not pay for
 * V8 compiling those functions (measured: 2–4 ms of the first reply).
 */
function primeFirstReply(signer: Signer, session: string): void {
  try {
    kernelInfoContent();
    const frames = toFrames(signer, [], makeHeader('kernel_info_request', session), {}, {}, {});
    parseFrames(frames, signer);
  } catch (err) {
    log(`priming the first reply failed (harmless): ${(err as Error).message}`);
  }
}
