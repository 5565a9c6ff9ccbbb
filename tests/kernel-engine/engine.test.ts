/**
 * The execution engine driven directly (no ZeroMQ): state across cells, top-level await, imports
 * (pure-ESM package, flowlab, tslab shim), results and MIME selection, errors mapped to cell
 * positions, output attribution of async work, survival of background failures, display surface.
 * The engine runs from a temporary folder outside the repository, like a notebook elsewhere.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inspect } from 'node:util';
import { flowlabEntry, kernelRoot } from '../../kernel/engine/paths.js';
import { resolveSpecifier } from '../../kernel/engine/runtime/modules.js';
import { recordingEngine, resultText, sleep } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlab-engine-'));
// A tiny pure-ESM package: only an "import" export condition, "type": "module" (tslab cannot load these).
const pkg = join(dir, 'node_modules', 'esm-only');
mkdirSync(pkg, { recursive: true });
writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'esm-only', type: 'module', exports: { '.': { import: './main.js' } } }));
writeFileSync(join(pkg, 'main.js'), 'export const answer = 6 * 7;\nexport default function greet(n) { return `hi ${n}`; }\n');
const k = recordingEngine(dir, 'off');
after(async () => { await k.request({ kind: 'shutdown', restart: false }); rmSync(dir, { recursive: true, force: true }); });

test('state persists across cells; re-running const works; functions see later reassignment', async () => {
  assert.equal(resultText((await k.exec('const base: number = 5;\nlet scale = 2')).reply), undefined);
  assert.equal(resultText((await k.exec('function scaled(v: number) { return v * scale + base }\nscaled(10)')).reply), '25');
  assert.equal(resultText((await k.exec('const base: number = 7; scale = 3; scaled(10)')).reply), '37');
  assert.equal(resultText((await k.exec('const base: number = 7; base')).reply), '7', 're-running a const cell must work');
});

test('classes, enums and types declared in one cell are usable in later cells', async () => {
  await k.exec('class Vec { constructor(public x: number, public y: number) {}\n  norm2(): number { return this.x ** 2 + this.y ** 2 } }\nenum Dir { Up = 1, Down }\ntype Pair = [number, number];');
  const { reply } = await k.exec('const pr: Pair = [3, 4];\nnew Vec(...pr).norm2() + Dir.Down');
  assert.equal(resultText(reply), String(3 ** 2 + 4 ** 2 + 2));
});

test('constructor parameter properties assign fields, with and without extends', async () => {
  // Hand-computed: V(3) has x = 3 and y = 2 (default), so sum() = 5; W(5) extends V with z = 5:
  // sum() = 5 + 2 and z = 5, so 12. The first class takes the fast type-stripping path, the second
  // (a super() call must run first) the full transpiler: both must agree with the language.
  assert.equal(resultText((await k.exec('class PV { constructor(public x: number, private readonly y: number = 2) {}\n  sum() { return this.x + this.y; } }\nnew PV(3).sum()')).reply), '5');
  assert.equal(resultText((await k.exec('class PW extends PV { constructor(public z: number) { super(z); } }\nnew PW(5).sum() + new PW(5).z')).reply), '12');
  const r = (await k.exec('class PE {\n  constructor(public a: number) {}\n  fail() { throw new Error("boom"); }\n}\nnew PE(1).fail()')).reply;
  assert.equal(r.status, 'error');
  assert.match((r as { traceback: string[] }).traceback.join('\n'), /:3:/, 'positions stay exact after the inserted assignment');
});

test('top-level await; a trailing promise is shown, not awaited', async () => {
  assert.equal(resultText((await k.exec('const later = await new Promise<number>((r) => setTimeout(() => r(41), 5));\nlater + 1')).reply), '42');
  assert.equal(resultText((await k.exec('Promise.resolve(3)')).reply), 'Promise { 3 }');
});

test('undefined gives no result; a trailing `;`-less expression and strings are inspected', async () => {
  assert.equal((await k.exec('let nothing')).reply.status, 'ok');
  for (const code of ['undefined', 'void 0', 'let nothing2']) {
    const { reply } = await k.exec(code);
    assert.deepEqual([reply.status, (reply as { result?: unknown }).result], ['ok', undefined], code);
  }
  assert.equal(resultText((await k.exec("'a' + 'b'")).reply), "'ab'");
  assert.equal(resultText((await k.exec('({ a: 1, b: [1, 2] })')).reply), inspect({ a: 1, b: [1, 2] }));
});

test('rich MIME: Jupyter.display bundles (text/plain added), PNG bytes as image/png', async () => {
  const { reply } = await k.exec("({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>rich</b>' }; } })");
  assert.equal(reply.status, 'ok');
  const data = (reply as { result: { data: Record<string, unknown> } }).result.data;
  assert.equal(data['text/html'], '<b>rich</b>');
  assert.equal(typeof data['text/plain'], 'string');
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3];
  const r2 = (await k.exec(`new Uint8Array([${png.join(',')}])`)).reply as { result: { data: Record<string, unknown> } };
  assert.equal(r2.result.data['image/png'], Buffer.from(png).toString('base64'));
});

test('display, update, html/md/svg templates and clearOutput emit display events for the cell', async () => {
  const { reply, id } = await k.exec("const h = display(md`# One`);\nh.update(html`<i>two</i>`);\ndisplay(svg`<svg/>`, { id: 'fixed' });\nclearOutput({ wait: true });\nh.id");
  const ev = k.eventsFor(id);
  const shown = ev.filter((e) => e.kind === 'display') as Array<{ data: Record<string, unknown>; update: boolean; displayId?: string }>;
  assert.equal(shown[0].data['text/markdown'], '# One');
  assert.equal(shown[1].update, true);
  assert.equal(shown[1].data['text/html'], '<i>two</i>');
  assert.equal(shown[1].displayId, shown[0].displayId);
  assert.equal(resultText(reply), `'${shown[0].displayId}'`);
  assert.equal(shown[2].displayId, 'fixed');
  assert.equal(shown[2].data['image/svg+xml'], '<svg/>');
  assert.ok(ev.some((e) => e.kind === 'clearOutput' && e.wait === true));
});

test('the library display hook and interrupt probe are installed', async () => {
  const { id } = await k.exec("globalThis[Symbol.for('flowlab.display')].display({ 'text/plain': 'lib' }, { id: 'bar', update: true })");
  const e = k.eventsFor(id).find((x) => x.kind === 'display') as { data: Record<string, unknown>; update: boolean; displayId?: string };
  assert.deepEqual([e.data['text/plain'], e.update, e.displayId], ['lib', true, 'bar']);
  assert.equal(resultText((await k.exec("globalThis[Symbol.for('flowlab.interruptRequested')]()")).reply), 'false');
});

test('a pure-ESM package imports from the notebook folder (default and named)', async () => {
  const { reply } = await k.exec("import greet, { answer } from 'esm-only';\nimport * as esm from 'esm-only';\n`${greet('x')} ${answer} ${esm.answer}`");
  assert.equal(resultText(reply), "'hi x 42 42'");
  assert.equal(resultText((await k.exec("(await import('esm-only')).answer")).reply), '42');
  assert.equal(resultText((await k.exec('import.meta.dirname')).reply), `'${dir}'`);
});

test('`import * as fl from "flowlab"` resolves to the kernel package from a folder outside the repo', async (t) => {
  const file = resolveSpecifier('flowlab', dir);
  assert.equal(file, flowlabEntry());
  assert.ok(file.startsWith(kernelRoot()), `${file} is not inside ${kernelRoot()}`);
  if (!existsSync(file)) { t.skip(`flowlab entry ${file} not built yet`); return; }
  const { reply } = await k.exec('import * as fl from "flowlab";\ntypeof fl');
  assert.equal(resultText(reply), "'object'");
});

test('tslab shim: display.html, newDisplay updates one output, isNode', async () => {
  const { reply, id } = await k.exec("import * as tslab from 'tslab';\ntslab.display.html('<u>t</u>');\nconst nd = tslab.newDisplay();\nnd.text('first'); nd.markdown('*second*');\ntslab.isNode && !tslab.isBrowser");
  assert.equal(resultText(reply), 'true');
  const shown = k.eventsFor(id).filter((e) => e.kind === 'display') as Array<{ data: Record<string, unknown>; update: boolean; displayId?: string }>;
  assert.equal(shown[0].data['text/html'], '<u>t</u>');
  assert.deepEqual([shown[1].data['text/plain'], shown[1].update], ['first', false]);
  assert.deepEqual([shown[2].data['text/markdown'], shown[2].update, shown[2].displayId], ['*second*', true, shown[1].displayId]);
});

test('thrown errors: ename, evalue and frames mapped to the cell line:column', async () => {
  const { reply } = await k.exec('const a2 = 1;\nfunction boom(n: number): never {\n  throw new RangeError(`bad ${n}`);\n}\nboom(a2);');
  assert.equal(reply.status, 'error');
  if (reply.status !== 'error') return;
  assert.deepEqual([reply.ename, reply.evalue], ['RangeError', 'bad 1']);
  const n = k.count();
  assert.ok(reply.traceback.some((l) => l.includes(`boom (<cell ${n}>:3:9)`)), reply.traceback.join('\n'));
  assert.ok(reply.traceback.some((l) => l.includes(`<cell ${n}>:5:1`)), reply.traceback.join('\n'));
  assert.ok(!reply.traceback.some((l) => /kernel[\\/]engine|node:internal/.test(l)), 'internal frames must be trimmed');
  const late = (await k.exec("await 0; throw new Error('late')")).reply;
  assert.ok(late.status === 'error' && late.traceback.some((l) => l.includes(`<cell ${k.count()}>:1:16`)), JSON.stringify(late));
});

test('syntax errors: SyntaxError reply with line:col; the next cell still runs', async () => {
  const { reply } = await k.exec('const ok = 1;\nlet broken = (2 + ;');
  assert.equal(reply.status, 'error');
  assert.ok(reply.status === 'error' && reply.ename === 'SyntaxError' && reply.evalue.includes(':2:19'), JSON.stringify(reply));
  assert.equal(resultText((await k.exec('1 + 1')).reply), '2');
});

test('output of awaited work and of timers goes to the cell that started it', async () => {
  const a = await k.exec("setTimeout(() => console.log('from A'), 30);\nawait new Promise((r) => setTimeout(r, 5)); console.error('A awaited')");
  const b = await k.exec('await new Promise((r) => setTimeout(r, 80)); 0');
  const streams = k.events.filter((e) => e.kind === 'stream') as Array<{ parent: number; name: string; text: string }>;
  assert.ok(streams.some((s) => s.parent === a.id && s.name === 'stderr' && s.text === 'A awaited\n'));
  assert.ok(streams.some((s) => s.parent === a.id && s.name === 'stdout' && s.text === 'from A\n'), 'timer output must keep its cell');
  assert.ok(!streams.some((s) => s.parent === b.id));
});

test('output during a long synchronous loop is posted at once, not at the end', async () => {
  const { id, at } = await k.exec("console.log('started');\nconst t0 = Date.now(); while (Date.now() - t0 < 300) {}");
  const ev = k.eventsFor(id).find((e) => e.kind === 'stream')!;
  assert.ok(at - ev.at > 200, `stream posted only ${(at - ev.at).toFixed(0)} ms before the reply`);
});

test('unhandled rejections and uncaught exceptions after a cell ends become error events; the kernel lives', async () => {
  const { reply, id } = await k.alone(async () => {
    const r = await k.exec("Promise.reject(new TypeError('bg-fail'));\nsetTimeout(() => { throw new Error('timer-fail') }, 5);\n'done'");
    await sleep(60);
    return r;
  });
  assert.equal(resultText(reply), "'done'");
  const errs = k.eventsFor(id).filter((e) => e.kind === 'error') as Array<{ ename: string; evalue: string }>;
  assert.ok(errs.some((e) => e.ename === 'TypeError' && e.evalue === 'bg-fail'));
  assert.ok(errs.some((e) => e.evalue === 'timer-fail'));
  assert.equal(resultText((await k.exec('6 * 7')).reply), '42');
  const exit = (await k.exec('process.exit(1)')).reply;
  assert.ok(exit.status === 'error' && /would stop the kernel/.test(exit.evalue), 'process.exit in a cell is refused');
});

test('input() asks the front end when allowed and refuses when not', async () => {
  const denied = (await k.exec("await input('name?')")).reply;
  assert.ok(denied.status === 'error' && /allow_stdin/.test(denied.evalue));
  const id = 9000;
  const pending = k.engine.handle({ id, kind: 'execute', code: "const who = await input('name?'); `hello ${who}`", silent: false, storeHistory: true, allowStdin: true, executionCount: 999 });
  for (let i = 0; i < 100 && !k.eventsFor(id).some((e) => e.kind === 'inputRequest'); i++) await sleep(5);
  const req = k.eventsFor(id).find((e) => e.kind === 'inputRequest') as { prompt: string } | undefined;
  assert.equal(req?.prompt, 'name?');
  assert.deepEqual(await k.engine.handle({ id: 9001, kind: 'inputReply', value: 'Ada' }), { id: 9001, kind: 'ack' });
  assert.equal(resultText((await pending) as never), "'hello Ada'");
});

test('comm: an open to an unknown target is closed; a registered target gets messages', async () => {
  const r = await k.engine.handle({ id: 9100, kind: 'comm', event: 'open', commId: 'c1', targetName: 'nobody', data: {} });
  assert.equal(r.kind, 'ack');
  assert.ok(k.eventsFor(9100).some((e) => e.kind === 'comm' && e.event === 'close' && e.commId === 'c1'));
  await k.exec("globalThis[Symbol.for('flowlab.comm')].registerTarget('echo', (comm) => { comm.onMsg = (d) => comm.send({ got: d }); })");
  await k.engine.handle({ id: 9101, kind: 'comm', event: 'open', commId: 'c2', targetName: 'echo', data: {} });
  await k.engine.handle({ id: 9102, kind: 'comm', event: 'msg', commId: 'c2', data: 5 });
  const sent = k.events.find((e) => e.kind === 'comm' && e.event === 'msg') as { data: unknown } | undefined;
  assert.deepEqual(sent?.data, { got: 5 });
});
