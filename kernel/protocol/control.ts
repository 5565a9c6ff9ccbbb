/**
 * The control channel: handled at once, even while a cell runs on the shell channel.
 * interrupt_request raises the interrupt; shutdown_request (restart or not) shuts the engine
 * down, replies (on control and IOPub) and exits; kernel_info_request is answered too.
 * Busy/idle is published around a control request only while the shell is idle, so a running
 * cell is never reported idle by mistake.
 */
import { reply, type KernelContext } from './context.js';
import { log } from './log.js';
import { kernelInfoContent } from './shell.js';
import type { Message } from './wire.js';

const ENGINE_SHUTDOWN_TIMEOUT_MS = 1500;

/** Handles one control request. Never throws. */
export async function handleControl(ctx: KernelContext, msg: Message): Promise<void> {
  const type = msg.header.msg_type;
  const announce = !ctx.shellBusy;
  if (announce) await ctx.iopub.status('busy', msg.header);
  try {
    switch (type) {
      case 'interrupt_request':
        ctx.interrupt();
        await reply(ctx, ctx.control, msg, 'interrupt_reply', { status: 'ok' });
        break;
      case 'shutdown_request': {
        const restart = msg.content.restart === true;
        await Promise.race([
          ctx.engine.ready ? ctx.engine.request({ kind: 'shutdown', restart }, msg) : Promise.resolve(),
          new Promise((resolve) => setTimeout(resolve, ENGINE_SHUTDOWN_TIMEOUT_MS)),
        ]);
        const content = { status: 'ok', restart };
        await reply(ctx, ctx.control, msg, 'shutdown_reply', content);
        await ctx.iopub.publish('shutdown_reply', content, msg.header);
        if (announce) await ctx.iopub.status('idle', msg.header);
        await ctx.exit(0);
        return;
      }
      case 'kernel_info_request':
        await reply(ctx, ctx.control, msg, 'kernel_info_reply', kernelInfoContent());
        break;
      default:
        log(`unknown control message type '${type}' ignored`);
    }
  } catch (err) {
    log(`control ${type} failed: ${(err as Error).stack ?? err}`);
  }
  if (announce) await ctx.iopub.status('idle', msg.header);
}
