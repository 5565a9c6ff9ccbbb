/**
 * A small Jupyter client over ZeroMQ (DEALER shell/control/stdin, SUB iopub, REQ heartbeat), for
 * benchmarks and scripted checks against any kernel that speaks the messaging protocol.
 */
import { randomUUID } from 'node:crypto';
import { endpoint, type Channel, type ConnectionInfo } from './connection.cjs';
import { Outbox } from './outbox.js';
import { parseFrames, Signer, toFrames, type Header } from './wire.js';

/** A message as the client sees it. */
export interface ClientMessage {
  channel: Channel;
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: Record<string, any>;
}

/** What one request produced: its reply and the IOPub messages up to its idle status. */
export interface Exchange {
  reply: ClientMessage;
  iopub: ClientMessage[];
}

type Sock = { receive(): Promise<Buffer[]>; send(f: Buffer[]): Promise<void>; connect(a: string): void; close(): void; closed: boolean; routingId?: string; linger: number; subscribe?(...t: string[]): void };

interface Pending {
  reply?: ClientMessage;
  iopub: ClientMessage[];
  idle: boolean;
  waitIdle: boolean;
  resolve: (x: Exchange) => void;
}

/** Connects to a kernel's five channels. */
export class KernelClient {
  readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly pending = new Map<string, Pending>();
  private readonly outboxes = new Map<string, Outbox>();
  /** Every IOPub message received (for assertions on late output). */
  readonly iopubLog: ClientMessage[] = [];
  /** Called for each stdin message (input_request). */
  onStdin: (msg: ClientMessage) => void = () => undefined;

  private constructor(readonly info: ConnectionInfo, private readonly sockets: Record<Channel, Sock>) {
    this.signer = new Signer(info.key, info.signature_scheme);
    for (const ch of ['shell', 'control', 'stdin'] as const) {
      this.outboxes.set(ch, new Outbox(sockets[ch], ch));
      void this.loop(ch);
    }
    void this.loop('iopub');
  }

  /** Opens sockets to the kernel described by a connection info. */
  static async connect(info: ConnectionInfo): Promise<KernelClient> {
    const zmq = await import('zeromq');
    const id = randomUUID();
    const mk = (s: Sock, ch: Channel): Sock => {
      s.linger = 0;
      s.connect(endpoint(info, ch).replace('tcp://*', 'tcp://127.0.0.1'));
      return s;
    };
    const sub = new zmq.Subscriber() as unknown as Sock;
    sub.subscribe!();
    return new KernelClient(info, {
      shell: mk(new zmq.Dealer({ routingId: id }) as unknown as Sock, 'shell'),
      control: mk(new zmq.Dealer({ routingId: `${id}-c` }) as unknown as Sock, 'control'),
      stdin: mk(new zmq.Dealer({ routingId: id }) as unknown as Sock, 'stdin'),
      iopub: mk(sub, 'iopub'),
      hb: mk(new zmq.Request() as unknown as Sock, 'hb'),
    });
  }

  private async loop(channel: Channel): Promise<void> {
    const socket = this.sockets[channel];
    while (!socket.closed) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch {
        return;
      }
      const parsed = parseFrames(frames, this.signer);
      if (!parsed.ok) continue;
      const m = parsed.message;
      const msg: ClientMessage = { channel, header: m.header, parent_header: m.parent_header, metadata: m.metadata, content: m.content };
      if (channel === 'iopub') this.iopubLog.push(msg);
      if (channel === 'stdin') this.onStdin(msg);
      const p = this.pending.get(String(m.parent_header.msg_id));
      if (!p) continue;
      if (channel === 'iopub') {
        if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') p.idle = true;
        else if (m.header.msg_type !== 'status') p.iopub.push(msg);
      } else if (channel !== 'stdin') p.reply = msg;
      if (p.reply && (p.idle || !p.waitIdle)) {
        this.pending.delete(String(m.parent_header.msg_id));
        p.resolve({ reply: p.reply, iopub: p.iopub });
      }
    }
  }

  /** Sends a message; returns its msg_id. */
  send(channel: 'shell' | 'control' | 'stdin', msgType: string, content: object, parent: object = {}): string {
    const header: Header = { msg_id: randomUUID(), msg_type: msgType, session: this.session, username: 'flowlab-client', date: new Date().toISOString(), version: '5.3' };
    void this.outboxes.get(channel)!.send(toFrames(this.signer, [], header, parent, {}, content));
    return header.msg_id;
  }

  /**
   * Sends a request and waits for its reply (and, by default, its idle status).
   * @example const { reply, iopub } = await client.request('shell', 'execute_request', { code: '1 + 1' })
   */
  request(channel: 'shell' | 'control', msgType: string, content: object, { timeoutMs = 30000, waitIdle = channel === 'shell' } = {}): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      const id = this.send(channel, msgType, content);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${msgType}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { iopub: [], idle: false, waitIdle, resolve: (x) => (clearTimeout(timer), resolve(x)) });
    });
  }

  /**
   * Startup handshake: kernel_info until a reply arrives (resolves with ms since `since`), then
   * until IOPub delivers (PUB/SUB drops messages published before the subscription is live).
   */
  async ready({ since = performance.now(), timeoutMs = 30000 } = {}): Promise<number> {
    const reply = await this.request('shell', 'kernel_info_request', {}, { timeoutMs, waitIdle: false });
    const startup = performance.now() - since;
    for (let i = 0; ; i++) {
      const got = await this.request('shell', 'kernel_info_request', {}, { timeoutMs: 200 }).then(() => true, () => false);
      if (got) break;
      if (i > timeoutMs / 200) throw new Error('IOPub never delivered a status message');
    }
    void reply;
    return startup;
  }

  /** Runs code; resolves with the execute_reply and the cell's IOPub output. */
  execute(code: string, opts: { silent?: boolean; storeHistory?: boolean; allowStdin?: boolean; timeoutMs?: number } = {}): Promise<Exchange> {
    const content = { code, silent: opts.silent ?? false, store_history: opts.storeHistory ?? true, user_expressions: {}, allow_stdin: opts.allowStdin ?? false, stop_on_error: true };
    return this.request('shell', 'execute_request', content, { timeoutMs: opts.timeoutMs });
  }

  /** One heartbeat round trip; resolves with its duration in ms, rejects after timeoutMs. */
  async ping(timeoutMs = 2000): Promise<number> {
    const t0 = performance.now();
    const hb = this.sockets.hb;
    await hb.send([Buffer.from('ping')]);
    await Promise.race([hb.receive(), new Promise((_, rej) => setTimeout(() => rej(new Error('heartbeat timeout')), timeoutMs))]);
    return performance.now() - t0;
  }

  /** Closes every socket. */
  close(): void {
    for (const s of Object.values(this.sockets)) s.close();
  }
}
