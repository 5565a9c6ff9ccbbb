/**
 * fl.train frees what it allocated on every exit: when a recorder, a callback, the optimizer, the
 * step's minibatch function, a problem's `sample` or a checkpoint write throws mid-run, tf.memory()
 * is back where it was before the run, the caller's w0 is intact, and the caller sees the error
 * itself (the same object) or, for a bad minibatch, an error naming what was returned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/tensor/tf.js';
import { problem } from '../../src/tensor/index.js';
import type { Problem, Tensor1D } from '../../src/tensor/types.js';
import * as O from '../../src/optim/index.js';
import type { GradientTransformation } from '../../src/optim/types.js';
import { fromModel } from '../../src/models/fromModel.js';
import { linear } from '../../src/models/toys.js';
import { train, type TrainOptions } from '../../src/lab/train.js';

const quad = () => problem((w) => tf.mul(0.5, tf.sum(tf.square(tf.sub(w, 1)))), { dim: 3, name: 'quad' });
const boom = new Error('boom at step 3');
const atStep3 = (step: number) => { if (step === 3) throw boom; };

/** Runs train with `options`, expects `expected` (the same error object, or a message pattern), checks memory and w0. */
async function expectCleanExit(P: Problem, opt: GradientTransformation, options: Omit<TrainOptions, 'w0' | 'steps'> & { steps?: number }, expected: Error | RegExp) {
  const w0 = tf.tensor1d([0.5, -0.5, 2]) as Tensor1D;
  const before = tf.memory().numTensors;
  await assert.rejects(train(P, opt, { w0, steps: 6, progress: false, ...options }), (e: unknown) => {
    if (expected instanceof Error) assert.equal(e, expected, 'the error propagates unchanged');
    else assert.match((e as Error).message, expected);
    return true;
  });
  assert.equal(tf.memory().numTensors, before, 'every tensor train allocated is disposed');
  assert.equal(w0.isDisposed, false, "the caller's w0 is not disposed");
  w0.dispose();
}

test('a recorder that throws at step 3 (sync, async, beside the built-in analyses): no leak, the same error', async () => {
  const P = quad();
  await expectCleanExit(P, O.sgd({ lr: 0.1 }), { recorders: [{ name: 'x', record: (c) => { atStep3(c.step); return 1; } }] }, boom);
  await expectCleanExit(P, O.adam({ lr: 0.1 }), { recorders: [{ name: 'x', record: async (c) => { await Promise.resolve(); atStep3(c.step); return 1; } }] }, boom);
  await expectCleanExit(P, O.sgd({ lr: 0.1, momentum: 0.9 }), { every: { sharpness: 1, eval: 1 }, logEvery: 2, recorders: [{ name: 'x', every: 3, record: (c) => { atStep3(c.step); return 1; } }] }, boom);
});

test('a callback, the optimizer or the minibatch function that throws at step 3: no leak, the same error', async () => {
  const P = quad();
  await expectCleanExit(P, O.adam({ lr: 0.1 }), { callbacks: [(c) => atStep3(c.step)] }, boom);
  const sgd = O.sgd({ lr: 0.1, momentum: 0.9 }) as unknown as GradientTransformation;
  const failing: GradientTransformation = { ...sgd, update: async (g, s, w, ctx) => { atStep3(ctx!.step!); return sgd.update(g, s, w, ctx); } };
  await expectCleanExit(P, failing, {}, boom);
  await expectCleanExit(P, O.sgd({ lr: 0.1 }), { batch: (step) => { atStep3(step); return P; } }, boom);
});

test("a minibatch that is not a Problem: a named error, no leak", async () => {
  const P = quad();
  await expectCleanExit(P, O.sgd({ lr: 0.1 }), { batch: (step) => (step === 2 ? (new Int32Array(4) as never) : P) }, /options\.batch\(2\) must return the step's Problem, got object/);
  const wrong = Object.assign(quad(), { sample: () => new Int32Array(4) }) as Problem;
  await expectCleanExit(wrong, O.adam({ lr: 0.1 }), { batch: 4 }, /problem\.sample\(4, \{ step: 0 \}\) must return the minibatch's Problem, got object/);
});

test('a fromModel minibatch problem drawing its own minibatches, a recorder throwing at step 3: no leak, the same error', async () => {
  const X = [[1, 0], [0, 1], [-1, 0.5], [0.5, -1], [2, 1], [-0.5, -0.5], [1.5, 0.25], [0, -2]];
  const data = { x: tf.tensor2d(X), y: tf.tensor2d(X.map(([a, b]) => [a - 2 * b])) };
  const S = fromModel(linear({ input: 2, output: 1 }), data, 'mse', { batch: 2, seed: 1 });
  await expectCleanExit(S, O.adam({ lr: 0.1 }), { recorders: [{ name: 'x', record: (c) => { atStep3(c.step); return 1; } }] }, boom);
  S.dispose(); tf.dispose([data.x, data.y]);
});

test('a checkpoint that cannot be written: no leak, the file system error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-train-cleanup-'));
  try {
    await expectCleanExit(quad(), O.adam({ lr: 0.1 }), { checkpoint: { path: join(dir, 'missing-dir', 'run.json'), every: 2 } }, /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
