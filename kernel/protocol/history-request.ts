/**
 * history_request: tail, range and search (glob patterns, `unique`, `n`) over the persistent
 * history, rows as [session, line, source] or, with output: true, [session, line, [source, output]].
 */
import { reply, type KernelContext } from './context.js';
import { toRows, type HistoryEntry } from './history.js';
import type { Message } from './wire.js';

const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined);

/** Answers one history_request. Unknown access types get an empty history. */
export async function historyRequest(ctx: KernelContext, msg: Message): Promise<void> {
  const c = msg.content;
  await ctx.history.open();
  let entries: HistoryEntry[] = [];
  if (c.hist_access_type === 'tail') {
    entries = await ctx.history.tail(Math.max(0, int(c.n) ?? 10));
  } else if (c.hist_access_type === 'range') {
    entries = await ctx.history.range(int(c.session) ?? 0, int(c.start) ?? 0, int(c.stop));
  } else if (c.hist_access_type === 'search') {
    const n = int(c.n);
    entries = await ctx.history.search(typeof c.pattern === 'string' ? c.pattern : '*', { n: n !== undefined && n > 0 ? n : undefined, unique: c.unique === true });
  }
  await reply(ctx, ctx.shell, msg, 'history_reply', { status: 'ok', history: toRows(entries, c.output === true) });
}
