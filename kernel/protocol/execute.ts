/**
 * execute_request: status busy, execute_input, the engine run, execute_result or error,
 * execute_reply, history. The shell dispatcher publishes idle after it.
 *
 * For latency the request goes to the engine first and busy / execute_input are published while
 * the main thread picks it up: they are queued on the IOPub outbox synchronously, before this
 * worker can see any output event of the cell (events arrive as later messages), so IOPub still
 * reads busy → execute_input → outputs. Nothing on the way back waits for a socket except the
 * reply, which is handed to ZeroMQ before the dispatcher queues idle.
 */
import type { MimeBundle } from '../contract.js';
import { reply, type KernelContext } from './context.js';
import { errorKey, publishedErrors } from './events.js';
import type { Message } from './wire.js';

/** Milliseconds between publishing a failed cell's error on IOPub and sending its execute_reply. */
export const ERROR_REPLY_GAP_MS = 50;

/** Guarantees the text/plain entry every execute_result must carry. */
export function withPlainText(data: MimeBundle): MimeBundle {
  if (typeof data['text/plain'] === 'string') return data;
  const firstText = Object.values(data).find((v): v is string => typeof v === 'string');
  return { ...data, 'text/plain': firstText ?? '' };
}

/** The outcome the dispatcher needs for stop_on_error. */
export interface ExecuteOutcome {
  failed: boolean;
  stopOnError: boolean;
}

/** Handles one execute_request end to end (except busy/idle). */
export async function executeRequest(ctx: KernelContext, msg: Message): Promise<ExecuteOutcome> {
  const c = msg.content;
  const stopOnError = c.stop_on_error !== false;
  if (typeof c.code !== 'string') {
    const err = { ename: 'BadRequest', evalue: 'execute_request content.code must be a string', traceback: ['BadRequest: execute_request content.code must be a string'] };
    void ctx.iopub.status('busy', msg.header);
    void ctx.iopub.publish('error', err, msg.header);
    await reply(ctx, ctx.shell, msg, 'execute_reply', { status: 'error', execution_count: ctx.executionCount, ...err });
    return { failed: true, stopOnError };
  }
  const code = c.code;
  const silent = c.silent === true;
  const storeHistory = !silent && c.store_history !== false;
  const allowStdin = c.allow_stdin === true;
  const cellId = typeof msg.metadata.cellId === 'string' ? msg.metadata.cellId : undefined;
  if (!ctx.history.isOpen) await ctx.history.open();
  if (storeHistory) ctx.executionCount += 1;
  const count = ctx.executionCount;

  ctx.current = msg;
  const running = ctx.engine.request(
    { kind: 'execute', code, silent, storeHistory, allowStdin, executionCount: count, ...(cellId ? { cellId } : {}) },
    msg,
  );
  void ctx.iopub.status('busy', msg.header);
  if (!silent) void ctx.iopub.publish('execute_input', { code, execution_count: count }, msg.header);
  const r = await running;
  ctx.current = undefined;

  if (r.kind === 'execute' && r.status === 'ok') {
    let plain: string | null = null;
    if (r.result && !silent) {
      const data = withPlainText(r.result.data ?? {});
      plain = data['text/plain'] as string;
      void ctx.iopub.publish('execute_result', { execution_count: count, data, metadata: r.result.metadata ?? {} }, msg.header);
    }
    if (storeHistory) ctx.history.add(count, code, plain);
    await reply(ctx, ctx.shell, msg, 'execute_reply', { status: 'ok', execution_count: count, payload: [], user_expressions: {} });
    return { failed: false, stopOnError };
  }

  const err = r.kind === 'execute' && r.status === 'error'
    ? { ename: String(r.ename), evalue: String(r.evalue), traceback: Array.isArray(r.traceback) ? r.traceback.map(String) : [] }
    : { ename: 'InternalError', evalue: `the engine answered an execute request with '${r.kind}'`, traceback: [] as string[] };
  if (publishedErrors.get(msg) !== errorKey(err)) await ctx.iopub.publish('error', err, msg.header);
  // qtconsole draws the next prompt on the reply and a traceback of its own cell at the end of
  // the page: when it handles the reply first, the traceback lands in the new input line and is
  // sent with the next cell. A head start for the IOPub error makes that rare: on a 2-core
  // machine at load 9, 1 error in 2 with no gap, 1 in 41 with 10 ms, 1 in 27 with 25 ms (the
  // console's thread was not scheduled for 170 ms), 0 in 36 with 50 ms. Only failed cells
  // wait; qtconsole's race itself cannot be closed from the kernel.
  await new Promise((resolve) => setTimeout(resolve, ERROR_REPLY_GAP_MS));
  if (storeHistory) ctx.history.add(count, code, null);
  await reply(ctx, ctx.shell, msg, 'execute_reply', { status: 'error', execution_count: count, ...err, payload: [], user_expressions: {} });
  return { failed: true, stopOnError };
}
