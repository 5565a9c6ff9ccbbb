/**
 * Engine events → Jupyter messages: stream, display_data / update_display_data, clear_output,
 * error (IOPub), comm_open / comm_msg / comm_close (IOPub), input_request (stdin).
 * Each goes out with the parent header of the request that produced it, also after that request
 * went idle (late output from background work).
 */
import type { EngineEvent } from '../contract.js';
import type { KernelContext } from './context.js';
import type { Origin } from './engine-link.js';
import { log } from './log.js';
import { makeHeader, toFrames } from './wire.js';

/** Error IOPub messages already published per request (so the reply's error is not repeated). */
export const publishedErrors = new WeakMap<object, string>();

/** Identity of an error, for de-duplication. */
export function errorKey(e: { ename: string; evalue: string; traceback: string[] }): string {
  return JSON.stringify([e.ename, e.evalue, e.traceback]);
}

/** The client waiting for an input_reply, if any. */
export const pendingInput: { origin: Origin | undefined } = { origin: undefined };

/** Routes one engine event to IOPub or stdin. Never throws. */
export function routeEvent(ctx: KernelContext, event: EngineEvent, origin: Origin | undefined): void {
  const parent = origin?.header ?? {};
  const { iopub } = ctx;
  switch (event.kind) {
    case 'stream':
      if (typeof event.text === 'string' && event.text.length > 0) iopub.stream(parent, event.name === 'stderr' ? 'stderr' : 'stdout', event.text);
      return;
    case 'display': {
      const transient = event.displayId ? { display_id: String(event.displayId) } : {};
      if (event.update && !event.displayId) return log('update_display_data without a display id ignored');
      void iopub.publish(event.update ? 'update_display_data' : 'display_data', { data: event.data ?? {}, metadata: event.metadata ?? {}, transient }, parent);
      return;
    }
    case 'clearOutput':
      void iopub.publish('clear_output', { wait: Boolean(event.wait) }, parent);
      return;
    case 'error': {
      const err = { ename: String(event.ename), evalue: String(event.evalue), traceback: (event.traceback ?? []).map(String) };
      if (origin) publishedErrors.set(origin, errorKey(err));
      void iopub.publish('error', err, parent);
      return;
    }
    case 'comm':
      routeComm(ctx, event, parent);
      return;
    case 'inputRequest': {
      if (!origin || origin.content.allow_stdin !== true) {
        log('input requested by a cell whose client does not allow stdin; answering with an empty string');
        ctx.engine.notify({ kind: 'inputReply', value: '' });
        return;
      }
      iopub.flush();
      pendingInput.origin = origin;
      const content = { prompt: String(event.prompt ?? ''), password: Boolean(event.password) };
      void ctx.stdin.send(toFrames(ctx.signer, origin.identities, makeHeader('input_request', ctx.session), origin.header, {}, content));
      return;
    }
    default:
      log(`unknown engine event ${JSON.stringify((event as { kind?: unknown }).kind)} ignored`);
  }
}

function routeComm(ctx: KernelContext, event: Extract<EngineEvent, { kind: 'comm' }>, parent: Origin['header'] | Record<string, never>): void {
  const commId = String(event.commId);
  if (event.event === 'open') {
    ctx.comms.set(commId, { targetName: String(event.targetName ?? '') });
    void ctx.iopub.publish('comm_open', { comm_id: commId, target_name: String(event.targetName ?? ''), data: event.data ?? {} }, parent);
  } else if (event.event === 'msg') {
    void ctx.iopub.publish('comm_msg', { comm_id: commId, data: event.data ?? {} }, parent);
  } else {
    ctx.comms.delete(commId);
    void ctx.iopub.publish('comm_close', { comm_id: commId, data: event.data ?? {} }, parent);
  }
}
