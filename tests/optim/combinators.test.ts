/**
 * Combinators, transforms, schedules, the registry, state ownership and bad input. The tests that
 * step optimizers run per backend (cpu and wasm; webgpu alone when FLOWLAB_BACKEND=webgpu).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import type { Tensor } from '../../src/tensor/types.js';
import * as O from '../../src/optim/index.js';
import { close, runFixed, gradSeq, P0, backendTest } from './harness.js';
import { read } from '../../src/tensor/read.js';
import { onWebgpu } from '../backends.js';

const G = gradSeq();
const S = O.schedules;

backendTest('chain(clipByGlobalNorm, addDecayedWeights, scaleByLearningRate) = clipped SGD with decay', async () => {
  const opt = O.chain(O.clipByGlobalNorm(1), O.addDecayedWeights(0.1), O.scaleByLearningRate(0.05));
  let p = P0.slice();
  const exp = G.map((g) => { const n = Math.hypot(...g); const f = Math.min(1, 1 / n); p = p.map((x, i) => x - 0.05 * (f * g[i] + 0.1 * x)); return p.slice(); });
  close(await runFixed(opt, P0, G), exp, { label: 'chain' });
});

backendTest('partition and masked route parameters to their transformations', async () => {
  const params = { w: tf.tensor2d([[1, 2], [3, 4]]), b: tf.tensor1d([1, -1]) };
  const grads = { w: tf.tensor2d([[1, 1], [1, 1]]), b: tf.tensor1d([2, 2]) };
  const opt = O.partition({ matrix: O.sgd({ lr: 0.1 }) as never, vector: O.sgd({ lr: 1 }) as never }, (_, p) => (p.rank === 2 ? 'matrix' : 'vector'));
  const r = await opt.update(grads, opt.init(params), params);
  const u = r.updates as Record<string, Tensor>;
  assert.deepEqual(Array.from(await read(u.w)).map((x) => +x.toFixed(6)), [-0.1, -0.1, -0.1, -0.1]);
  assert.deepEqual(Array.from(await read(u.b)), [-2, -2]);
  const m = O.masked(O.scale(-3), { w: true, b: false });
  const r2 = await m.update(grads, m.init(params), params);
  assert.deepEqual(Array.from(await read((r2.updates as Record<string, Tensor>).w)), [-3, -3, -3, -3]);
  assert.deepEqual(Array.from(await read((r2.updates as Record<string, Tensor>).b)), [2, 2], 'masked-out leaves pass through');
  assert.throws(() => O.partition({ a: O.identity() }, () => 'zzz').init(params), /label "zzz"/);
  tf.dispose([params.w, params.b, grads.w, grads.b, u.w, u.b]);
});

backendTest('injectHyperparams: changing state.hyperparams.lr mid-run changes the step; schedules are followed', async () => {
  const opt = O.injectHyperparams((h: { lr: number }) => O.sgd({ lr: h.lr }) as never, { lr: 0.1 });
  const w = tf.tensor1d([1]);
  const g = tf.tensor1d([2]);
  let s = opt.init(w);
  const r1 = await opt.update(g, s, w);
  assert.ok(Math.abs((await read(r1.updates as Tensor))[0] + 0.2) < 1e-7);
  s = r1.state;
  (s.hyperparams as Record<string, number>).lr = 0.5;
  assert.equal(O.currentLr(opt, s), 0.5);
  const r2 = await opt.update(g, s, w);
  assert.ok(Math.abs((await read(r2.updates as Tensor))[0] + 1.0) < 1e-7, 'the new lr is used');
  const sched = O.injectHyperparams((h: { lr: number }) => O.sgd({ lr: h.lr }) as never, { lr: (c: number) => 0.1 * (c + 1) });
  let ss = sched.init(w);
  const got: number[] = [];
  for (let i = 0; i < 3; i++) { const r = await sched.update(g, ss, w); got.push((await read(r.updates as Tensor))[0]); O.disposeState(ss); ss = r.state; tf.dispose(r.updates as Tensor); }
  close([got], [[-0.2, -0.4, -0.6]], { label: 'scheduled lr' });
});

backendTest('multiSteps applies the inner optimizer to the mean of k gradients, zero in between', async () => {
  const opt = O.multiSteps(O.sgd({ lr: 0.1 }) as never, { every: 2 });
  const out = await runFixed(opt, P0, G);
  const mean01 = G[0].map((x, i) => (x + G[1][i]) / 2), mean23 = G[2].map((x, i) => (x + G[3][i]) / 2);
  const p1 = P0.map((x, i) => x - 0.1 * mean01[i]);
  close(out, [P0, p1, p1, p1.map((x, i) => x - 0.1 * mean23[i])], { label: 'multiSteps' });
});

backendTest('applyIfFinite skips non-finite gradients and keeps the inner state', async () => {
  const opt = O.applyIfFinite(O.sgd({ lr: 0.1, momentum: 0.5 }) as never);
  const out = await runFixed(opt, P0, [G[0], [NaN, 1, 1, 1], G[1]]);
  const m1 = G[0];
  const p1 = P0.map((x, i) => x - 0.1 * m1[i]);
  const p3 = p1.map((x, i) => x - 0.1 * (0.5 * m1[i] + G[1][i]));
  close(out, [p1, p1, p3], { label: 'applyIfFinite' });
});

backendTest('adaptiveGradClip clips each output unit to λ·max(‖w‖, ε)', async () => {
  const w = tf.tensor2d([[3, 0], [4, 0.001]]);
  const g = tf.tensor2d([[1, 1], [0, 1]]);
  const opt = O.adaptiveGradClip({ clipping: 0.1, eps: 1e-3 });
  const u = (await opt.update(g, opt.init(w), w)).updates as Tensor;
  const d = Array.from(await read(u));
  // column 0: ‖w‖ = 5 → max 0.5; ‖g‖ = 1 → scaled by 0.5. column 1: ‖w‖ ≈ 0.001 → max 1e-4; ‖g‖ = √2.
  close([d], [[0.5, 1e-4 / Math.SQRT2, 0, 1e-4 / Math.SQRT2]], { label: 'agc', atol: 1e-7 });
  tf.dispose([w, g, u]);
});

test('schedules match their closed forms', () => {
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  near(S.constant(0.3)(99), 0.3);
  near(S.linear({ init: 1, end: 0, steps: 10 })(4), 0.6);
  near(S.cosineDecay({ init: 2, steps: 10, alpha: 0.1 })(5), 2 * (0.9 * 0.5 + 0.1));
  near(S.cosineDecay({ init: 2, steps: 10 })(20), 0);
  const wc = S.warmupCosineDecay({ peak: 1, warmup: 10, steps: 110 });
  near(wc(5), 0.5); near(wc(10), 1); near(wc(60), 0.5); near(wc(110), 0);
  const wsd = S.warmupStableDecay({ peak: 2, warmup: 10, steps: 100, decay: 20 });
  near(wsd(5), 1); near(wsd(50), 2); near(wsd(90), 1); near(wsd(100), 0);
  near(S.warmupLinearDecay({ peak: 1, warmup: 2, steps: 12 })(7), 0.5);
  near(S.step({ init: 1, boundaries: { 10: 0.1, 20: 0.5 } })(15), 0.1);
  near(S.step({ init: 1, boundaries: { 10: 0.1, 20: 0.5 } })(25), 0.05);
  near(S.polynomial({ init: 1, end: 0.1, power: 2, steps: 10 })(5), 0.9 * 0.25 + 0.1);
  near(S.exponential({ init: 1, rate: 0.5, transitionSteps: 10 })(20), 0.25);
  near(S.exponential({ init: 1, rate: 0.5, transitionSteps: 10, staircase: true })(19), 0.5);
  const r = S.sgdr({ max: 1, period: 10, mult: 2 });
  near(r(0), 1); near(r(5), 0.5); near(r(10), 1); near(r(20), 0.5); near(r(30), 1);
  near(S.join([S.constant(1), S.linear({ init: 0, end: 1, steps: 4 })], [3])(5), 0.5);
  assert.throws(() => S.join([S.constant(1)], [3]), /boundaries/);
  assert.throws(() => S.cosineDecay({ init: 1, steps: 0 }), /steps/);
});

backendTest('a scheduled lr inside an optimizer is evaluated at the 0-based step count', async () => {
  close(await runFixed(O.sgd({ lr: (c) => 0.1 / (c + 1) }), [0], [[1], [1], [1]]), [[-0.1], [-0.15], [-0.1 - 0.05 - 0.1 / 3]], { label: 'sgd schedule' });
});

test('registry: create by name, refuses silent overwrites, read-only view', () => {
  assert.ok(O.optimizerNames().length >= 40);
  assert.equal(O.create('adam', { lr: 0.5 }).hyperparams.lr, 0.5);
  assert.throws(() => O.registerOptimizer('adam', { factory: O.adam, kind: 'elementwise', description: 'x' }), /already registered/);
  assert.throws(() => { (O.optimizers as Record<string, unknown>).adam = {}; }, /read-only/);
  assert.throws(() => O.create('nope'), /unknown optimizer "nope"/);
  O.registerOptimizer('myAdam', { factory: O.adam, kind: 'elementwise', description: 'test' });
  assert.equal(O.create('myAdam').name, 'adam');
});

backendTest('ownership: updates and new state never alias the inputs; 1,000 steps (200 on webgpu) leak no tensors', async () => {
  const opt = O.chain(O.clipByGlobalNorm(10), O.adam({ lr: 1e-2 }) as never);
  const before = tf.memory().numTensors;
  let w = tf.tensor1d([1, 2, 3]);
  let s = opt.init(w);
  const steps = onWebgpu() ? 200 : 1000;   // lavapipe emulates the GPU on the CPU
  for (let i = 0; i < steps; i++) {
    const g = tf.mul(w, 2);
    const r = await opt.update(g, s, w);
    const inputIds = new Set<number>();
    for (const t of [g, w]) inputIds.add(t.id);
    O.disposeState(s);
    assert.ok(!inputIds.has((r.updates as Tensor).id));
    const w2 = O.applyUpdates(w, r.updates);
    tf.dispose([w, g, r.updates as Tensor]);
    w = w2; s = r.state;
  }
  w.dispose(); O.disposeState(s);
  assert.equal(tf.memory().numTensors, before);
  // identity: the update must be a fresh tensor the caller can dispose independently of grads.
  const g = tf.tensor1d([1]);
  const r = await O.identity().update(g, {});
  assert.notEqual((r.updates as Tensor).id, g.id);
  tf.dispose([g, r.updates as Tensor]);
});

backendTest('bad input: errors name the argument and the fix', async () => {
  const opt = O.adam();
  const w = tf.tensor1d([1, 2]);
  const s = opt.init(w);
  await assert.rejects(opt.update(tf.tensor1d([1, 2, 3]), s, w), /grads: expected shape \[2\]/);
  await assert.rejects(opt.update(5 as never, s, w), /grads/);
  await assert.rejects(O.adamw().update(tf.tensor1d([1, 2]), O.adamw().init(w)), /params is required/);
  assert.throws(() => O.adam({ b1: 1.5 }), /b1 must be in \[0, 1\)/);
  await assert.rejects(O.sam().update(tf.tensor1d([1, 2]), O.sam().init(w), w), /context.problem is required/);
  assert.throws(() => O.sgd({ nesterov: true }), /nesterov requires momentum/);
  assert.throws(() => O.toNamed(w, { entries: [], numParams: 3 }), /numParams = 3/);
  assert.throws(() => O.deserializeState({ a: { __typed: 'Nope', data: [] } }), /unknown typed array/);
});

backendTest('toNamed / fromNamed round-trip a flat vector through a ParamSpec', async () => {
  const spec = { numParams: 8, entries: [
    { name: 'W', shape: [2, 3], offset: 0, size: 6, outputAxis: 1, kind: 'weight' as const },
    { name: 'b', shape: [2], offset: 6, size: 2, outputAxis: null, kind: 'bias' as const },
  ] };
  const w = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7]);
  const named = O.toNamed(w, spec);
  assert.deepEqual(named.W.shape, [2, 3]);
  assert.deepEqual(Array.from(await read(named.b)), [6, 7]);
  assert.deepEqual(Array.from(await read(O.fromNamed(named, spec))), [0, 1, 2, 3, 4, 5, 6, 7]);
});
