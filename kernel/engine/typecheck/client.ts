/**
 * The main thread's side of the type-check worker. Requests are answered asynchronously; `poll`
 * drains already-arrived answers synchronously (receiveMessageOnPort), so a check that finished
 * while a cell ran is reported before the execute reply.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { flowlabTypes, fromSource, kernelRoot } from '../paths.js';

interface Reply { id: number; ok: boolean; error?: string; text?: string; entries?: Array<{ name: string; kind: string; sortText: string }>; info?: { signature: string; doc: string } }

/** Client of the type-check worker. */
export class CheckClient {
  private worker?: Worker;
  private port?: MessagePort;
  private nextId = 1;
  private waiting = new Map<number, (r: Reply) => void>();
  private failed?: string;

  constructor(cwd: string) {
    try {
      const { port1, port2 } = new MessageChannel();
      const url = new URL(`./worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
      // From source (tests under tsx) the worker registers tsx itself: loader hooks are not inherited.
      const entry = fromSource
        ? `import(${JSON.stringify(pathToFileURL(join(dirname(createRequire(join(kernelRoot(), 'package.json')).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`
        : url;
      this.worker = new Worker(entry, {
        eval: fromSource,
        workerData: { port: port2, options: { cwd, kernelRoot: kernelRoot(), flowlabTypes: flowlabTypes() } },
        transferList: [port2],
        stdout: false, stderr: false,
      });
      this.worker.on('error', (e) => this.fail(String(e)));
      this.worker.on('exit', () => this.fail('type-check worker exited'));
      this.worker.unref();
      this.port = port1;
      port1.on('message', (r: Reply) => this.settle(r));
      port1.unref();
    } catch (e) {
      this.fail(String(e));
    }
  }

  private fail(reason: string): void {
    this.failed ??= reason;
    for (const [id, done] of this.waiting) done({ id, ok: false, error: reason });
    this.waiting.clear();
    this.port?.unref();
  }

  private settle(r: Reply): void {
    const done = this.waiting.get(r.id);
    if (done) { this.waiting.delete(r.id); done(r); }
    if (!this.waiting.size) this.port?.unref();
  }

  /** Sends a request; the promise settles with the worker's reply (ok: false if the worker is gone). */
  request(msg: Record<string, unknown>, onSettle?: (r: Reply) => void): { id: number; reply: Promise<Reply> } {
    const id = this.nextId++;
    if (this.failed || !this.port) {
      const r = { id, ok: false, error: this.failed };
      onSettle?.(r);
      return { id, reply: Promise.resolve(r) };
    }
    const reply = new Promise<Reply>((resolve) => this.waiting.set(id, (r) => { onSettle?.(r); resolve(r); }));
    this.port.ref(); // keep the process alive while an answer is due
    this.port.postMessage({ ...msg, id });
    return { id, reply };
  }

  /** Synchronously delivers every reply that has already arrived. */
  poll(): void {
    if (!this.port) return;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) this.settle(m.message as Reply);
  }

  /**
   * Type-checks a cell; `reply` resolves to the formatted diagnostics ('' when clean or
   * unavailable) and `result` holds them synchronously as soon as they arrived (see poll()).
   */
  check(cell: number, code: string): { id: number; reply: Promise<string>; result?: string } {
    const handle: { id: number; reply: Promise<string>; result?: string } = { id: 0, reply: Promise.resolve('') };
    const { id, reply } = this.request({ kind: 'check', cell, code }, (r) => { handle.result = r.ok ? r.text ?? '' : ''; });
    handle.id = id;
    handle.reply = reply.then((r) => (r.ok ? r.text ?? '' : ''));
    return handle;
  }

  /** Completion entries at a UTF-16 offset. */
  async complete(code: string, pos: number): Promise<Array<{ name: string; kind: string; sortText: string }>> {
    const r = await this.request({ kind: 'complete', code, pos }).reply;
    return r.ok ? r.entries ?? [] : [];
  }

  /** Quick info at a UTF-16 offset. */
  async inspect(code: string, pos: number): Promise<{ signature: string; doc: string } | undefined> {
    const r = await this.request({ kind: 'inspect', code, pos }).reply;
    return r.ok ? r.info : undefined;
  }

  /** Stops the worker. */
  async terminate(): Promise<void> {
    this.fail('type-check worker terminated');
    await this.worker?.terminate();
  }
}
