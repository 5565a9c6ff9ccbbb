/** train(): table rows/columns against hand-computed GD iterates, analyses, recorders,
 * divergence, interrupts, checkpoint resume, minibatches, progress display, memory. */
import { read, readPacked, readScalars } from '../../src/tensor/read.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/tensor/tf.js';
import { problem } from '../../src/tensor/index.js';
import type { Tensor1D } from '../../src/tensor/types.js';
import * as O from '../../src/optim/index.js';
import { train } from '../../src/lab/train.js';
import { progressText } from '../../src/lab/progress.js';

const A = [1, 4, 10];
const C = [1, -1, 2];
const quad = (scale = 1) => {
  const a = tf.tensor1d(A.map((x) => x * scale)), c = tf.tensor1d(C);
  return problem((w) => tf.mul(0.5, tf.sum(tf.mul(a, tf.square(tf.sub(w, c))))), { dim: 3, name: 'quad' });
};
const lossOf = (w: number[]) => 0.5 * A.reduce((s, a, i) => s + a * (w[i] - C[i]) ** 2, 0);
const gradOf = (w: number[]) => w.map((x, i) => A[i] * (x - C[i]));

test('rows and columns: GD iterates, norms, lr and analyses on their schedule', async () => {
  const P = quad();
  const w0 = tf.tensor1d([0, 0, 0]) as Tensor1D;
  const before = tf.memory().numTensors;
  const run = await train(P, O.sgd({ lr: 0.05 }) as never, {
    w0, steps: 20, progress: false,
    every: { sharpness: 5, eigs: { every: 10, k: 2 }, eval: 5 },
    recorders: [{ name: 'distance', every: 2, record: async (c) => { const n = tf.norm(c.w); const [d0] = await readScalars([n]); n.dispose(); return { d0 }; } }, { name: 'twice', record: (c) => 2 * c.loss }],
  });
  const t = run.table;
  assert.equal(t.numRows(), 20);
  for (const col of ['step', 'loss', 'gradNorm', 'updateNorm', 'lr', 'sharpness', 'eig1', 'eig2', 'evalLoss', 'd0', 'twice']) assert.ok(t.columnNames().includes(col), `column ${col}`);
  let w = [0, 0, 0];
  for (let k = 0; k < 20; k++) {
    const row = t.object(k) as Record<string, number | null>;
    const g = gradOf(w);
    assert.equal(row.step, k);
    assert.ok(Math.abs(row.loss! - lossOf(w)) < 1e-4 * (1 + lossOf(w)), `loss at step ${k}`);
    assert.ok(Math.abs(row.gradNorm! - Math.hypot(...g)) < 1e-4 * Math.hypot(...g));
    assert.ok(Math.abs(row.updateNorm! - 0.05 * Math.hypot(...g)) < 1e-4 * Math.hypot(...g));
    assert.equal(row.lr, 0.05);
    assert.ok(Math.abs(row.twice! - 2 * row.loss!) < 1e-9);
    if (k % 5 === 0) {
      assert.ok(Math.abs(row.sharpness! - 10) < 1e-3, 'λmax = 10');
      assert.ok(Math.abs(row.evalLoss! - lossOf(w)) < 1e-4 * (1 + lossOf(w)));
    } else assert.equal(row.sharpness, null);
    if (k % 10 === 0) { assert.ok(Math.abs(row.eig1! - 10) < 1e-3 && Math.abs(row.eig2! - 4) < 1e-3); } else assert.equal(row.eig1, null);
    if (k % 2 === 0) assert.ok(Math.abs(row.d0! - Math.hypot(...w)) < 1e-5); else assert.equal(row.d0, null);
    w = w.map((x, i) => x - 0.05 * g[i]);
  }
  assert.ok(Math.abs(run.finalLoss - lossOf(w)) < 1e-4);
  Array.from(await read(run.w)).forEach((x, i) => assert.ok(Math.abs(x - w[i]) < 1e-5));
  assert.equal(run.step, 20);
  assert.equal(run.interrupted, false);
  assert.equal(run.diverged, undefined);
  run.w.dispose(); O.disposeState(run.state);
  assert.equal(tf.memory().numTensors, before, 'train leaks no tensors');
  w0.dispose();
});

test('preconditioned sharpness of RMSProp: λmax(P⁻¹H), P = (√ν̂ + ε)/η from the state after the step', async () => {
  const P = quad();
  const w0 = tf.tensor1d([0, 0, 0]) as Tensor1D;
  const lr = 0.01, eps = 1e-7;
  const run = await train(P, O.rmsprop({ lr, b2: 0.99, eps, biasCorrection: true }) as never, { w0, steps: 1, progress: false, every: { preconditionedSharpness: 1 } });
  const g0 = gradOf([0, 0, 0]);
  const expected = Math.max(...A.map((a, i) => (a * lr) / (Math.abs(g0[i]) + eps)));
  const got = run.table.object(0) as Record<string, number>;
  assert.ok(Math.abs(got.preconditionedSharpness - expected) < 1e-3 * expected, `${got.preconditionedSharpness} vs ${expected}`);
  run.w.dispose(); O.disposeState(run.state); w0.dispose();
});

test('divergence: a non-finite loss stops the run, reports the step and warns', async () => {
  const P = quad(1e18);
  const w0 = tf.tensor1d([0, 0, 0]) as Tensor1D;
  const warnings: string[] = [];
  const onWarn = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarn);
  const run = await train(P, O.sgd({ lr: 1 }) as never, { w0, steps: 50, progress: false });
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarn);
  assert.ok(run.diverged, 'diverged is set');
  assert.ok(run.diverged!.step > 0 && run.diverged!.step < 50, `diverged at ${run.diverged!.step}`);
  assert.equal(run.table.numRows(), run.diverged!.step, 'rows before the divergence are kept');
  assert.ok(warnings.some((m) => /diverged at step/.test(m)), 'a warning is emitted');
  run.w.dispose(); O.disposeState(run.state); w0.dispose();
});

test('interrupt: the kernel probe stops the loop cleanly, keeping the rows', async () => {
  const key = Symbol.for('flowlab.interruptRequested');
  let seen = 0;
  (globalThis as Record<symbol, unknown>)[key] = () => seen >= 7;
  try {
    const P = quad();
    const w0 = tf.tensor1d([0, 0, 0]) as Tensor1D;
    const run = await train(P, O.adam({ lr: 0.01 }) as never, { w0, steps: 100, progress: false, callbacks: [() => { seen++; }] });
    assert.equal(run.interrupted, true);
    assert.equal(run.step, 7);
    assert.equal(run.table.numRows(), 7);
    run.w.dispose(); O.disposeState(run.state); w0.dispose();
  } finally {
    delete (globalThis as Record<symbol, unknown>)[key];
  }
});

test('checkpoint resume reproduces an uninterrupted run (rows and final w)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-train-'));
  try {
    const P = quad();
    const w0 = tf.tensor1d([0.5, 0.5, 0.5]) as Tensor1D;
    const opt = () => O.chain(O.clipByGlobalNorm(5), O.adam({ lr: 0.05 }) as never);
    const full = await train(P, opt(), { w0, steps: 12, progress: false });
    const path = join(dir, 'ck.json');
    const first = await train(P, opt(), { w0, steps: 5, progress: false, checkpoint: { path, every: 2 } });
    const second = await train(P, opt(), { steps: 12, resume: path, progress: false });
    assert.equal(second.step, 12);
    assert.equal(second.table.numRows(), 7);
    const a = full.table.array('loss') as number[], b = [...(first.table.array('loss') as number[]), ...(second.table.array('loss') as number[])];
    a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-6 * (1 + x), `loss row ${i}`));
    const [wf, wr] = await readPacked([full.w, second.w]);
    wf.forEach((x, i) => assert.ok(Math.abs(x - wr[i]) < 1e-6, 'final w'));
    for (const r of [full, first, second]) { r.w.dispose(); O.disposeState(r.state); }
    w0.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('minibatches: batch as a function of the step; problem.sample for a number', async () => {
  const Ps = [quad(1), quad(2)];
  const w0 = tf.tensor1d([0, 0, 0]) as Tensor1D;
  const run = await train(Ps[0], O.sgd({ lr: 0.01 }) as never, { w0, steps: 4, progress: false, batch: (s) => Ps[s % 2] });
  let w = [0, 0, 0];
  (run.table.array('loss') as number[]).forEach((l, s) => {
    const sc = s % 2 ? 2 : 1;
    assert.ok(Math.abs(l - sc * lossOf(w)) < 1e-4 * (1 + l), `minibatch loss at ${s}`);
    w = w.map((x, i) => x - 0.01 * sc * gradOf(w)[i]);
  });
  await assert.rejects(train(Ps[0], O.sgd() as never, { w0, steps: 2, progress: false, batch: 8 }), /problem.sample/);
  run.w.dispose(); O.disposeState(run.state); w0.dispose();
});

test('progress: notebook display updated in place (same id, update: true), throttled', async () => {
  const key = Symbol.for('flowlab.display');
  const calls: { bundle: Record<string, unknown>; o?: { id?: string; update?: boolean } }[] = [];
  (globalThis as Record<symbol, unknown>)[key] = { display: (bundle: Record<string, unknown>, o?: { id?: string; update?: boolean }) => calls.push({ bundle, o }), clearOutput() {} };
  try {
    const P = quad();
    const w0 = tf.tensor1d([0, 0, 0]) as Tensor1D;
    const run = await train(P, O.sgd({ lr: 0.01 }) as never, { w0, steps: 300, label: 'demo' });
    assert.ok(calls.length >= 2, 'at least a first display and the final update');
    assert.equal(calls[0].o?.update, false);
    assert.ok(calls.slice(1).every((c) => c.o?.update === true && c.o?.id === calls[0].o?.id));
    assert.match(String(calls[calls.length - 1].bundle['text/plain']), /^demo 100% 300\/300/);
    assert.match(String(calls[0].bundle['text/html']), /<div/);
    run.w.dispose(); O.disposeState(run.state); w0.dispose();
  } finally {
    delete (globalThis as Record<symbol, unknown>)[key];
  }
  assert.equal(progressText('x', 50, 100, 10), 'x 50% 50/100 [5.00 it/s, ETA 10s]');
});

test('bad input: named errors', async () => {
  const P = quad();
  await assert.rejects(train(P, O.sgd() as never, { steps: 3 } as never), /w0 is required/);
  await assert.rejects(train(P, O.sgd() as never, { w0: tf.tensor1d([1, 2]) as Tensor1D, steps: 3 }), /length problem.dim = 3/);
  await assert.rejects(train(P, {} as never, { w0: tf.tensor1d([1, 2, 3]) as Tensor1D, steps: 3 }), /GradientTransformation/);
  await assert.rejects(train(P, O.sgd() as never, { steps: 3, resume: '/nonexistent/ck.json' }), /no file at/);
});
