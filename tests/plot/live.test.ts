/**
 * Live figures: throttled re-renders through the display hook, same display id, final state shown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as plot from '../../src/plot/index.js';

type Call = { bundle: Record<string, any>; options?: { id?: string; update?: boolean } };
const HOOK = Symbol.for('flowlab.display');

function withHook<T>(fn: (calls: Call[]) => Promise<T>): Promise<T> {
  const calls: Call[] = [];
  (globalThis as any)[HOOK] = { display: (bundle: any, options: any) => calls.push({ bundle: JSON.parse(JSON.stringify(bundle)), options }), clearOutput() {} };
  return fn(calls).finally(() => { delete (globalThis as any)[HOOK]; });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('live: ≤ 1 render per throttle window, update_display_data with one id, final state on done()', () => withHook(async (calls) => {
  plot.config({ staticImages: false });
  plot.resetRenderSession();
  const view = plot.live((t: { step: number[]; loss: number[] }) => plot.lines(t, { y: 'loss' }), { throttleMs: 100 });
  const t = { step: [] as number[], loss: [] as number[] };
  const start = performance.now();
  for (let i = 0; i < 300; i++) {
    t.step.push(i); t.loss.push(1 / (1 + i));
    view.onRecord({ step: i }, { step: [...t.step], loss: [...t.loss] });
    const until = performance.now() + 1; while (performance.now() < until) { /* 1 ms of "training" */ }
  }
  const elapsed = performance.now() - start;
  await view.onEnd();
  const carrier = calls[0];
  assert.ok(String(carrier.bundle['text/html']).includes('data-flowlab-plotly'), 'plotly.js carrier shown first, as its own output');
  const renders = calls.slice(1);
  assert.equal(renders.length, view.renders);
  assert.ok(renders.length <= Math.ceil(elapsed / 100) + 2, `${renders.length} renders in ${elapsed.toFixed(0)} ms exceed 1 per 100 ms`);
  assert.ok(renders.length >= 2);
  assert.equal(renders[0].options?.update, false);
  assert.ok(renders.slice(1).every((c) => c.options?.update === true && c.options?.id === view.id));
  const final = renders[renders.length - 1].bundle['application/vnd.plotly.v1+json'];
  assert.equal(final.data[0].x.length, 300, 'the final render shows all 300 points');
  assert.ok(!String(renders[1].bundle['text/html']).includes('data-flowlab-plotly'), 'updates never carry plotly.js');
}));

test('live: a trailing update fires after the throttle window without done()', () => withHook(async (calls) => {
  plot.resetRenderSession();
  const view = plot.live((n: number) => plot.lines({ step: [0, n], loss: [1, n] }, { y: 'loss' }), { throttleMs: 40 });
  view.update(1);
  view.update(2);
  assert.equal(view.renders, 1);
  await sleep(120);
  assert.equal(view.renders, 2);
  assert.deepEqual(calls[calls.length - 1].bundle['application/vnd.plotly.v1+json'].data[0].x, [0, 2]);
  await view.done();
  assert.equal(view.renders, 2, 'nothing new to show');
}));

test('live: outside a notebook nothing is displayed but the latest figure is kept', async () => {
  const view = plot.live((n: number) => plot.lines({ step: [n], loss: [n] }, { y: 'loss' }), { throttleMs: 0 });
  view.update(5);
  await view.done();
  assert.equal(view.renders, 0);
  assert.deepEqual((view.figure!.data[0] as any).x, [5]);
  assert.throws(() => plot.live(42 as never), /`builder` must be a function/);
});

test('live + fl.train: view.callback follows gradient descent on ½·a·w², final figure matches the closed form', () => withHook(async (calls) => {
  const { tf } = await import('../../src/tensor/tf.js');
  const { problem } = await import('../../src/tensor/problem.js');
  const { sgd } = await import('../../src/optim/sgd.js');
  const { train } = await import('../../src/lab/train.js');
  plot.config({ staticImages: false });
  const a = 4;
  const lr = 0.1;
  const P = problem((w) => tf.mul(0.5 * a, tf.sum(tf.square(w))), { dim: 1 });
  const w0 = tf.tensor1d([1]);
  const before = tf.memory().numTensors;
  const view = plot.live((t: Record<string, number[]>) => plot.lines(t, { y: 'loss', logY: true }), { throttleMs: 50 });
  const run = await train(P, sgd({ lr }), { w0, steps: 25, callbacks: [view.callback], progress: false });
  await view.done();
  run.w.dispose();
  (await import('../../src/optim/state.js')).disposeState(run.state);
  w0.dispose();
  assert.ok(tf.memory().numTensors <= before, 'no tensors leaked by the live figure');
  const final = calls[calls.length - 1].bundle['application/vnd.plotly.v1+json'];
  const y = final.data[0].y as number[];
  assert.equal(y.length, 25);
  y.forEach((v, t) => {
    const exact = 0.5 * a * (1 - lr * a) ** (2 * t);   // w_t = (1 − ηa)^t w_0
    assert.ok(Math.abs(v - exact) <= 1e-5 * Math.max(exact, 1e-6) + 1e-7, `loss at step ${t}: ${v} vs ${exact}`);
  });
}));
