/**
 * The JIT warm-up (kernel/engine/warmup.ts): its cells are real notebook-like TypeScript that the
 * fast compile path accepts, and its steps never run while a request is waiting or running, nor
 * before the kernel has been quiet for idleMs after one — except first-phase steps while a
 * request waits for them — and that an engine holds back large cells, not small ones, for that phase.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { Script } from 'node:vm';
import { compileUncached } from '../../kernel/engine/transform/compile.js';
import { typescript } from '../../kernel/engine/typescript.js';
import { startWarmup, warmedUp, warmupCell } from '../../kernel/engine/warmup.js';
import { recordingEngine, resultText } from './helpers.js';

const ts = await typescript();

test('every kind of warm-up cell compiles on the fast path to valid JavaScript', () => {
  for (let k = 0; k < 8; k++) {
    const src = warmupCell(k);
    const c = compileUncached(ts, src);
    assert.ok(!('syntaxError' in c), `cell ${k} has a syntax error: ${JSON.stringify(c)}`);
    // A transpileModule round trip would leave a sourceMappingURL-free output too; the fast path keeps
    // every line where it was, so the line counts agree.
    assert.equal(c.code.split('\n').length >= src.split('\n').length, true);
    assert.doesNotThrow(() => new Script(c.code, { filename: `<warm-up ${k}>` }), `cell ${k} compiled to invalid JavaScript:\n${c.code}`);
    assert.notEqual(warmupCell(k), warmupCell(k + 4), 'cells differ, so no compile cache can answer them');
  }
});

test('steps wait while busy and until idleMs after the last request; onReady runs once, after readySteps', async () => {
  // The warm-up's own timers are unref'd (it never keeps a process alive): hold the loop open.
  const keepAlive = setInterval(() => undefined, 1000);
  let busy = true;
  let last = 0;
  let done = 0;
  const t0 = performance.now();
  let doneAt = 0;
  startWarmup(ts, { busy: () => busy, lastActivity: () => last, idleMs: 80, readySteps: 3, steps: 6, onReady: () => { done++; doneAt = performance.now() - t0; } });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(done, 0, 'no progress while a request is running');
  busy = false;
  last = performance.now(); // a request just ended: wait idleMs more
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(done, 0, 'no progress within idleMs of the last request');
  await warmedUp();
  assert.equal(done, 1);
  assert.ok(doneAt >= 150 + 80 - 5, `finished at ${doneAt.toFixed(0)} ms, before the quiet period ended`);
  clearInterval(keepAlive);
});

test('hurried (a request waits for it), the first phase runs at once; the second still waits for idleMs', async () => {
  const keepAlive = setInterval(() => undefined, 1000);
  const last = performance.now(); // a request just ended
  const at: number[] = [];
  const w = startWarmup(ts, { busy: () => false, lastActivity: () => last, idleMs: 400, readySteps: 3, steps: 5, onStep: () => { at.push(performance.now() - last); } });
  w.hurry(true);
  await warmedUp();
  assert.equal(at.length, 3, 'the first phase is done');
  assert.ok(at[2]! < 400, `the hurried first phase waited for a quiet period (${at[2]!.toFixed(0)} ms)`);
  for (let i = 0; i < 100 && at.length < 5; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(at.length, 5);
  assert.ok(at[3]! >= 395, `a second-phase step ran ${at[3]!.toFixed(0)} ms after the last request, before idleMs (400)`);
  w.stop();
  clearInterval(keepAlive);
});

test('stopping resolves warmedUp() without running onReady', async () => {
  let done = 0;
  const w = startWarmup(ts, { busy: () => true, lastActivity: () => 0, steps: 4, onReady: () => { done++; } });
  w.stop();
  await warmedUp();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(done, 0);
});

test("an engine's small cells run while its warm-up's first phase goes on; a large cell waits for that phase", async () => {
  const { exec, request } = recordingEngine(tmpdir());
  await new Promise((r) => setImmediate(r)); // TypeScript is loaded here already: the warm-up has started
  let phaseDone = false;
  void warmedUp().then(() => { phaseDone = true; });
  const small = await exec('1 + 1');
  assert.equal(resultText(small.reply), '2');
  assert.equal(phaseDone, false, 'the small cell waited for the warm-up');
  const lines = ['class Big {', '  constructor(public x: number) {}'];
  for (let m = 0; lines.join('\n').length < 400; m++) lines.push(`  m${m}(k: number): number { return this.x * k + ${m}; }`);
  const big = await exec([...lines, '}', 'new Big(2).m3(5)'].join('\n'));
  assert.equal(resultText(big.reply), '13');
  assert.equal(phaseDone, true, "the large cell ran before the warm-up's first phase was done");
  await request({ kind: 'shutdown' });
});
