/**
 * The shell channel: requests handled strictly in arrival order, each between status busy and
 * idle. After a failed execute with stop_on_error, execute requests already queued are aborted.
 */
import type { EngineReply } from '../contract.js';
import { reply, replyType, type KernelContext } from './context.js';
import { executeRequest } from './execute.js';
import { historyRequest } from './history-request.js';
import { kernelInfo } from './kernel-info.js';
import { isCompleteQuick, type Completeness } from './is-complete-quick.js';
import { debug, log } from './log.js';
import type { Message } from './wire.js';

let cachedInfo: Record<string, unknown> | undefined;
/** kernel_info_reply content (computed once). */
export function kernelInfoContent(): Record<string, unknown> {
  return (cachedInfo ??= kernelInfo());
}

/** Longest wait for the engine's is_complete answer before the compiler-free one is sent. */
const IS_COMPLETE_WAIT_MS = 250;

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

async function engineOr<K extends EngineReply['kind']>(ctx: KernelContext, msg: Message, body: Parameters<KernelContext['engine']['request']>[0], kind: K): Promise<Extract<EngineReply, { kind: K }> | undefined> {
  const r = await ctx.engine.request(body, msg);
  if (r.kind === kind) return r as Extract<EngineReply, { kind: K }>;
  log(`engine answered ${body.kind} with '${r.kind}'`);
  return undefined;
}

type Handler = (ctx: KernelContext, msg: Message) => Promise<unknown>;

const handlers: Record<string, Handler> = {
  kernel_info_request: (ctx, msg) => reply(ctx, ctx.shell, msg, 'kernel_info_reply', kernelInfoContent()),
  execute_request: executeRequest,
  history_request: historyRequest,
  async complete_request(ctx, msg) {
    const code = str(msg.content.code);
    const cursorPos = Math.max(0, Math.min(code.length, num(msg.content.cursor_pos, code.length)));
    const r = await engineOr(ctx, msg, { kind: 'complete', code, cursorPos }, 'complete');
    await reply(ctx, ctx.shell, msg, 'complete_reply', {
      status: 'ok',
      matches: (r?.matches ?? []).map(String),
      cursor_start: num(r?.cursorStart, cursorPos),
      cursor_end: num(r?.cursorEnd, cursorPos),
      metadata: r?.metadata ?? {},
    });
  },
  async inspect_request(ctx, msg) {
    const code = str(msg.content.code);
    const cursorPos = Math.max(0, Math.min(code.length, num(msg.content.cursor_pos, code.length)));
    const detailLevel = msg.content.detail_level === 1 ? 1 : 0;
    const r = await engineOr(ctx, msg, { kind: 'inspect', code, cursorPos, detailLevel }, 'inspect');
    await reply(ctx, ctx.shell, msg, 'inspect_reply', { status: 'ok', found: Boolean(r?.found), data: r?.data ?? {}, metadata: r?.metadata ?? {} });
  },
  async is_complete_request(ctx, msg) {
    // Front ends wait briefly (jupyter console: 1 s, then it stops asking for the whole session);
    // while the engine is busy starting up, answer without the compiler (is-complete-quick.ts).
    const code = str(msg.content.code);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const quick = new Promise<Completeness>((resolve) => { timer = setTimeout(() => resolve(isCompleteQuick(code)), IS_COMPLETE_WAIT_MS); });
    const r = await Promise.race([engineOr(ctx, msg, { kind: 'isComplete', code }, 'isComplete'), quick]);
    clearTimeout(timer);
    const status = r?.status ?? 'unknown';
    await reply(ctx, ctx.shell, msg, 'is_complete_reply', status === 'incomplete' ? { status, indent: r?.indent ?? '' } : { status });
  },
  comm_info_request(ctx, msg) {
    const target = typeof msg.content.target_name === 'string' ? msg.content.target_name : undefined;
    const comms: Record<string, { target_name: string }> = {};
    for (const [id, info] of ctx.comms) if (target === undefined || info.targetName === target) comms[id] = { target_name: info.targetName };
    return reply(ctx, ctx.shell, msg, 'comm_info_reply', { status: 'ok', comms });
  },
  async comm_open(ctx, msg) {
    const commId = str(msg.content.comm_id);
    const targetName = str(msg.content.target_name);
    if (!commId) return log('comm_open without comm_id ignored');
    ctx.comms.set(commId, { targetName });
    await ctx.engine.request({ kind: 'comm', event: 'open', commId, targetName, data: msg.content.data ?? {} }, msg);
  },
  async comm_msg(ctx, msg) {
    const commId = str(msg.content.comm_id);
    if (!ctx.comms.has(commId)) return log(`comm_msg for unknown comm '${commId}' ignored`);
    await ctx.engine.request({ kind: 'comm', event: 'msg', commId, data: msg.content.data ?? {} }, msg);
  },
  async comm_close(ctx, msg) {
    const commId = str(msg.content.comm_id);
    if (!ctx.comms.delete(commId)) return log(`comm_close for unknown comm '${commId}' ignored`);
    await ctx.engine.request({ kind: 'comm', event: 'close', commId, data: msg.content.data ?? {} }, msg);
  },
};

/** Queues shell requests and handles them one at a time. */
export class ShellQueue {
  private readonly queue: Message[] = [];
  private running = false;
  private aborting = false;

  constructor(private readonly ctx: KernelContext, private readonly extra: Record<string, Handler> = {}) {}

  /** Adds a request; it runs after every request queued before it. */
  push(msg: Message): void {
    this.queue.push(msg);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const msg = this.queue.shift()!;
      await this.handle(msg).catch((err: Error) => log(`shell ${msg.header.msg_type} failed: ${err.stack ?? err.message}`));
      if (this.queue.length === 0) this.aborting = false;
    }
    this.running = false;
  }

  private async handle(msg: Message): Promise<void> {
    const { ctx } = this;
    const type = msg.header.msg_type;
    debug(`shell ← ${type} ${msg.header.msg_id}`);
    const handler = Object.hasOwn(handlers, type) ? handlers[type] : Object.hasOwn(this.extra, type) ? this.extra[type] : undefined;
    ctx.shellBusy = true;
    // execute_request publishes busy itself, right after handing the cell to the engine.
    const announced = type === 'execute_request' && !this.aborting;
    if (!announced) void ctx.iopub.status('busy', msg.header);
    try {
      if (!handler) {
        log(`unknown shell message type '${type}' ignored`);
      } else if (this.aborting && type === 'execute_request') {
        await reply(ctx, ctx.shell, msg, replyType(type), { status: 'aborted', execution_count: ctx.executionCount });
      } else {
        const out = await handler(ctx, msg);
        if (type === 'execute_request' && (out as { failed?: boolean }).failed && (out as { stopOnError?: boolean }).stopOnError) {
          this.aborting = this.queue.length > 0;
        }
      }
    } finally {
      // Queued after everything the request published and after its reply was handed to ZeroMQ;
      // the outbox sends in order, so the next request's busy cannot overtake it.
      ctx.iopub.flush();
      void ctx.iopub.status('idle', msg.header);
      ctx.shellBusy = false;
    }
  }
}
