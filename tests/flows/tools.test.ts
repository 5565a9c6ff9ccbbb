/**
 * The flows' tools: Gaussian smoothing (hand-computed), edgeOfStability (hand-built table), the
 * train() recorders (effective sharpness of real GD on the toy equals η·a·y in closed form),
 * the stable flow of GD (= gradient flow, closed form), and interrupts (the kernel's probe stops a
 * flow cleanly and keeps the recorded rows), and the central flow's reads: one packed read per
 * substep (counted by wrapping tf.Tensor.prototype.data), with its shared derivative pass or without.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { tf } from '../../src/tensor/tf.js';
import { sgd } from '../../src/optim/index.js';
import { train } from '../../src/lab/train.js';
import { centralFlow, edgeOfStability, flowRecorders, gaussianSmooth, stableFlow } from '../../src/flows/index.js';
import { sharpnessToy } from './helpers/toys.js';
import { problem } from '../../src/tensor/problem.js';
import { read } from '../../src/tensor/read.js';

test('gaussianSmooth: weights exp(−d²/2σ²), normalised, truncated at 4σ', () => {
  const out = gaussianSmooth([0, 1, 2], [0, 3, 6], 1);
  const k1 = Math.exp(-0.5), k2 = Math.exp(-2);
  assert.ok(Math.abs(out[1] - (k1 * 0 + 3 + k1 * 6) / (1 + 2 * k1)) < 1e-12);
  assert.ok(Math.abs(out[0] - (0 + k1 * 3 + k2 * 6) / (1 + k1 + k2)) < 1e-12);
  // a period-2 oscillation around a line is removed (up to the edges)
  const steps = Array.from({ length: 41 }, (_, i) => i);
  const sm = gaussianSmooth(steps, steps.map((t) => 0.5 * t + (t % 2 ? 1 : -1)), 3);
  assert.ok(Math.abs(sm[20] - 10) < 1e-3, `smoothed ${sm[20]}`);
});

test('edgeOfStability: first step at 2 (effective) or 2/η (raw); null when never; bad column named', () => {
  const t = aq.table({ step: [0, 1, 2, 3], eig_1: [1.2, 1.9, 2.01, 1.99], sharpness: [10, 19, 20.5, 20] });
  assert.equal(edgeOfStability(t), 2);
  assert.equal(edgeOfStability(t, { column: 'sharpness', lr: 0.1 }), 2);
  assert.equal(edgeOfStability(t, { column: 'sharpness', lr: 0.05 }), null);
  assert.equal(edgeOfStability(t, { tol: 0.06 }), 1);
  assert.throws(() => edgeOfStability(t, { column: 'nope' }), /no column 'nope'/);
});

test('flowRecorders in train(): snapshots are w_t and eig_1 = η·S(y_t) = η·a·y_t for real GD on the toy', async () => {
  const a = [1, 0.5], ys = [17, 10], eta = 0.1;
  const P = sharpnessToy([a], ys);
  const w0 = tf.tensor1d([0.1, 10, 8]);
  const rec = flowRecorders({ eigs: 1 });
  const run = await train(P, sgd({ lr: eta }), { w0, steps: 30, recorders: rec.recorders, progress: false });
  for (const r of run.table.objects() as Array<Record<string, number>>) {
    const w = rec.snapshots.get(r.step)!;
    const S = a[0] * w[1] + a[1] * w[2];
    // while x ≈ 0 the top Hessian eigenvalue is S (x couples only at order x)
    if (Math.abs(w[0]) < 1e-2 && S > 1.2) assert.ok(Math.abs(r.eig_1 - eta * S) < 1e-3 * eta * S + 2e-3, `step ${r.step}: ${r.eig_1} vs ${eta * S}`);
  }
  // snapshot 0 is w0 and snapshot t+1 = w_t − η∇L(w_t) (hand-computed GD step)
  const s0 = rec.snapshots.get(0)!, s1 = rec.snapshots.get(1)!;
  const S0 = a[0] * s0[1] + a[1] * s0[2];
  assert.ok(Math.abs(s1[0] - (s0[0] - eta * S0 * s0[0])) < 1e-6);
  assert.ok(Math.abs(s1[1] - (s0[1] - eta * (0.5 * s0[0] ** 2 * a[0] + s0[1] - ys[0]))) < 1e-5);
  tf.dispose([w0, run.w]);
  P.dispose();
});

test('stableFlow of GD is gradient flow: y(t) = y* + e^{−ηt}(y0 − y*) on the toy', async () => {
  const P = sharpnessToy([[1, 0.5]], [30, 20]);
  const before = tf.memory().numTensors;
  const sf = await stableFlow(P, [0.1, 5, 5], { lr: 0.1, steps: 20, record: { w: true } });
  sf.w.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  sf.ws!.forEach((w, t) => {
    const y = [30 + Math.exp(-0.1 * t) * (5 - 30), 20 + Math.exp(-0.1 * t) * (5 - 20)];
    // Euler with ⌈2·S_eff⌉ ≥ 4 substeps: first-order error, measured ≤ 0.08 over the path of length 29
    assert.ok(Math.hypot(w[1] - y[0], w[2] - y[1]) < 0.15, `step ${t}`);
  });
  P.dispose();
});

test('an interrupt request stops centralFlow cleanly with the rows recorded so far', async () => {
  const P = sharpnessToy([[1, 0.5]], [30, 20]);
  const probe = Symbol.for('flowlab.interruptRequested');
  let calls = 0;
  (globalThis as Record<symbol, unknown>)[probe] = () => ++calls > 40; // the eigensolver polls it too
  try {
    const before = tf.memory().numTensors;
    const cf = await centralFlow(P, [0.1, 5, 5], { lr: 0.1, steps: 100 });
    assert.equal(cf.interrupted, true);
    const steps = cf.table.array('step') as ArrayLike<number>;
    assert.ok(steps.length >= 1 && steps.length < 101, `partial run: ${steps.length} rows`);
    for (let i = 0; i < steps.length; i++) assert.equal(steps[i], i);
    assert.deepEqual(cf.w.shape, [3], 'flow.w is a Tensor1D owned by the result');
    cf.w.dispose();
    assert.equal(tf.memory().numTensors, before);
  } finally {
    delete (globalThis as Record<symbol, unknown>)[probe];
  }
  P.dispose();
});

test('central flow: one packed read per substep with critical directions, no synchronous reads; the shared pass (curvatureGradBatch) and separate calls give the same flow', async () => {
  const a = [1, 0.5], ys = [30, 20];
  const toy = sharpnessToy([a], ys); // closed-form derivatives, no curvatureGradBatch: separate calls
  const At = tf.tensor2d([a]), yt = tf.tensor1d(ys);
  const fused = problem((w) => tf.tidy(() => {
    const x = w.slice(0, 1), y = w.slice(1, 2);
    const s = tf.reshape(tf.matMul(At, tf.reshape(y, [2, 1])), [1]);
    return tf.add(tf.mul(0.5, tf.sum(tf.mul(s, tf.square(x)))), tf.mul(0.5, tf.sum(tf.square(tf.sub(y, yt))))) as tf.Scalar;
  }), { dim: 3, checkFinite: false });
  // critical from the start (η a·y₀ = 2.5): one solve at step 0 only, rows at the first and last steps
  const run = async (P: typeof toy | typeof fused, steps: number) => {
    const proto = tf.Tensor.prototype as unknown as Record<string, (...x: unknown[]) => unknown>;
    const names = ['data', 'dataSync', 'arraySync', 'bufferSync'] as const;
    const originals = names.map((m) => proto[m]);
    let reads = 0, syncReads = 0;
    names.forEach((m, i) => { proto[m] = function (this: unknown, ...x: unknown[]) { if (m === 'data') reads++; else syncReads++; return originals[i].apply(this, x); }; });
    try {
      const cf = await centralFlow(P, [0.1, 20, 10], { lr: 0.1, steps, eigEvery: 1000, record: { every: 1000 } });
      const w = Array.from(await read(cf.w));
      cf.w.dispose();
      return { reads, syncReads, w, crit: (cf.table.array('nCritical') as ArrayLike<number>)[1] };
    } finally {
      names.forEach((m, i) => { proto[m] = originals[i]; });
    }
  };
  for (const P of [toy, fused]) {
    const [short, long] = [await run(P, 3), await run(P, 6)];
    assert.equal(long.crit, 1);
    assert.equal(long.reads - short.reads, 3 * 4, '3 more steps of 4 substeps: one read each');
    assert.equal(long.syncReads, 0);
  }
  const [wToy, wFused] = [(await run(toy, 6)).w, (await run(fused, 6)).w];
  wToy.forEach((v, i) => assert.ok(Math.abs(v - wFused[i]) < 1e-5 * (1 + Math.abs(v)), `w[${i}]: ${v} vs ${wFused[i]}`));
  // rows of a stable stretch (nothing critical) with directions recorded: the top tracked unit direction, no leaks
  const before = tf.memory().numTensors;
  const stable = await centralFlow(toy, [0.1, 5, 5], { lr: 0.1, steps: 3, record: { directions: true } });
  stable.w.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  assert.ok(stable.directions!.every((d) => d.length === 1 && Math.abs(Math.hypot(...d[0]) - 1) < 1e-5 && Math.abs(d[0][0]) > 0.99), 'unit, along the x axis (the sharpest direction)');
  tf.dispose([At, yt]);
  toy.dispose();
});
