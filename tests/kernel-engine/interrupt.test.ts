/**
 * Interrupts as the protocol worker sends them (flag + SIGINT from another thread, since the main
 * thread is blocked): a synchronous `while (true) {}`, a loop nobody instrumented (built with
 * new Function, stopped by breakOnSigint), an awaited async loop and a never-settling await, each within
 * a second, keeping every variable defined before. The protocol aims the flag at the id of the
 * cell it handed over (kernel/contract.ts): an interrupt that lands before the engine started that
 * cell stops it, one aimed at an earlier cell never does.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, test } from 'node:test';
import { interruptLater, recordingEngine, resultText, sleep } from './helpers.js';

const k = recordingEngine(tmpdir(), 'off');
after(async () => {
  await k.request({ kind: 'shutdown', restart: false });
  // Once in a fresh-clone CI run this file's process stayed alive after every test had passed, on
  // one ref'd Timeout (not found yet): name what is left and exit instead of hanging the run.
  setTimeout(() => {
    process.stderr.write(`kernel-engine/interrupt: still alive 5 s after shutdown on ${JSON.stringify(process.getActiveResourcesInfo())}; exiting\n`);
    process.exit(0);
  }, 5000).unref();
});

async function interrupted(code: string, opts: { signal?: boolean } = {}): Promise<number> {
  const t0 = performance.now();
  interruptLater(k.flag, 500, opts);
  const { reply } = await k.exec(code);
  assert.equal(reply.status, 'error', `cell was not interrupted: ${JSON.stringify(reply)}`);
  assert.equal(reply.status === 'error' && reply.ename, 'KeyboardInterrupt');
  const ms = performance.now() - t0;
  // The protocol always follows the flag with SIGINT; deliver the missing signal so the engine
  // does not wait for it before the next cell.
  if (opts.signal === false) { process.kill(process.pid, 'SIGINT'); await sleep(20); }
  return ms;
}

test('while (true) {} stops on interrupt (flag + SIGINT), variables survive', async () => {
  await k.exec('const keep = { v: 41 }; let counter = 0;');
  const ms = await interrupted('while (true) { counter++ }');
  assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
  assert.equal(resultText((await k.exec('keep.v + 1')).reply), '42');
  assert.equal(resultText((await k.exec('counter > 0')).reply), 'true');
});

test('the flag alone stops instrumented loops, also inside functions defined in the cell', async () => {
  const ms = await interrupted('function spin() { for (;;) {} }\nspin()', { signal: false });
  assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
});

test('SIGINT stops code the engine did not instrument (a loop built with new Function)', async () => {
  const ms = await interrupted("new Function('while (true) {}')()", { signal: true });
  assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
  // The flag was set too; a fresh cell resets it and runs normally.
  assert.equal(resultText((await k.exec('1 + 2')).reply), '3');
});

test('an awaited async loop and a never-settling await stop; completed assignments stay', async () => {
  const ms = await interrupted('let ticks = 0;\nwhile (true) { await new Promise((r) => setTimeout(r, 10)); ticks++ }', { signal: false });
  assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
  assert.equal(resultText((await k.exec('ticks > 3')).reply), 'true');
  await interrupted('const never = await new Promise(() => {})', { signal: false });
});

test('a library loop polling interruptRequested() returns cleanly and `await` still assigns its result', async () => {
  // A library loop is not instrumented by the engine: define it through Function.
  await k.exec("const libJob = new Function('p', 'return (async () => { let s = 0; while (!p()) { s++; await new Promise((r) => setImmediate(r)); } return s; })()');");
  interruptLater(k.flag, 500, { signal: false });
  const r = await k.exec("const run = await libJob(globalThis[Symbol.for('flowlab.interruptRequested')]);\nrun");
  process.kill(process.pid, 'SIGINT'); // the protocol's signal after the flag (the cell already ended)
  await sleep(20);
  // The job saw the interrupt, stopped cleanly and its result was assigned before any check fired.
  assert.equal(r.reply.status, 'ok', JSON.stringify(r.reply));
  assert.equal(resultText((await k.exec('run > 0')).reply), 'true');
});

test('an interrupt aimed at a cell the engine has not started yet stops it when it starts', async () => {
  // The protocol hands a cell over and publishes busy at once; a front end's interrupt may land
  // before the main thread takes the cell (it is finishing the previous request or a warm-up
  // step). The engine used to clear the flag as the cell started, and the loop then ran on.
  await k.exec('let before = 1');
  const backstop = interruptLater(k.flag, 3000, { signal: false }); // so a failure cannot hang the suite
  try {
    Atomics.store(k.flag, 0, k.nextId());
    const t0 = performance.now();
    const { reply } = await k.exec('while (true) {}');
    const ms = performance.now() - t0;
    assert.equal(reply.status === 'error' && reply.ename, 'KeyboardInterrupt', JSON.stringify(reply));
    assert.ok(ms < 1000, `the interrupt was lost: the cell ran ${ms.toFixed(0)} ms`);
  } finally {
    await backstop.terminate();
  }
  assert.equal(Atomics.load(k.flag, 0), 0, 'the interrupt is spent when its cell ends');
  assert.equal(resultText((await k.exec('before + 1')).reply), '2');
});

test('a never-settling await stops on an interrupt aimed at its own request id (what the protocol stores)', async () => {
  const backstop = interruptLater(k.flag, 3000, { signal: false }); // so a failure cannot hang the suite
  try {
    const id = k.nextId();
    setTimeout(() => Atomics.store(k.flag, 0, id), 200);
    const t0 = performance.now();
    const { reply } = await k.exec('const pending = await new Promise(() => {})');
    const ms = performance.now() - t0;
    assert.equal(reply.status === 'error' && reply.ename, 'KeyboardInterrupt', JSON.stringify(reply));
    assert.ok(ms < 1500, `the await ignored an interrupt aimed at its id: it ran ${ms.toFixed(0)} ms`);
  } finally {
    await backstop.terminate();
  }
  assert.equal(resultText((await k.exec('1 + 1')).reply), '2');
});

test('an interrupt aimed at an earlier cell (it came while the kernel was idle) never stops the next one', async () => {
  Atomics.store(k.flag, 0, k.nextId() - 1);
  const r = await k.exec('await new Promise((r) => setTimeout(r, 30));\nlet total = 0;\nfor (let i = 0; i < 1000; i++) total += i;\ntotal');
  assert.equal(resultText(r.reply), '499500');
  // A SIGINT the main thread handles while no cell runs (it was blocked when it came) is dropped too.
  process.kill(process.pid, 'SIGINT');
  await sleep(30);
  assert.equal(Atomics.load(k.flag, 0), 0);
  assert.equal(resultText((await k.exec('await new Promise((r) => setTimeout(r, 30)); total')).reply), '499500');
});
