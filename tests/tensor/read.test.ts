/**
 * The tensor-read rule (src/tensor/read.ts): packed reads return each tensor's values in ONE
 * transfer; finite checks answer at once on CPU backends and, on webgpu, ride along with the next
 * read; synchronous reads are refused on webgpu with the async alternative named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { problem } from '../../src/tensor/index.js';
import { canReadSync, pendingChecks, read, readPacked, readScalars, readSync } from '../../src/tensor/read.js';
import { onWebgpu } from '../backends.js';

/** Counts Tensor.data() calls (transfers) made while `fn` runs. */
async function countTransfers<T>(fn: () => Promise<T>): Promise<{ result: T; transfers: number }> {
  const proto = tf.Tensor.prototype as unknown as { data: (...a: unknown[]) => Promise<unknown> };
  const original = proto.data;
  let transfers = 0;
  proto.data = function (this: unknown, ...a: unknown[]) { transfers++; return original.apply(this, a); };
  try {
    return { result: await fn(), transfers };
  } finally {
    proto.data = original;
  }
}

test('readPacked: several tensors (any shape, int32 too) come back in order from one transfer', async () => {
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const b = tf.scalar(-0.5);
  const c = tf.tensor1d([7, 8, 9], 'int32');
  const { result, transfers } = await countTransfers(() => readPacked([a, b, c]));
  assert.equal(transfers, 1);
  assert.deepEqual(result.map((v) => Array.from(v)), [[1, 2, 3, 4], [-0.5], [7, 8, 9]]);
  assert.deepEqual(await readScalars([b, c]), [-0.5, 7]);
  assert.deepEqual(Array.from(await read(a)), [1, 2, 3, 4]);
  assert.ok(!a.isDisposed && !b.isDisposed && !c.isDisposed, 'inputs stay alive');
  tf.dispose([a, b, c]);
  await assert.rejects(readPacked([a]), /already disposed/);
});

test('finite checks: a NaN result is reported with the method named (at once on CPU backends, at the next read on webgpu)', async () => {
  const P = problem((w) => tf.sum(tf.log(w)) as tf.Scalar, { dim: 2, name: 'logsum' });
  const w = tf.tensor1d([-1, 2]); // log(−1) = NaN
  if (canReadSync()) {
    assert.throws(() => P.loss(w), /logsum\.loss: the loss L\(w\) contains NaN or Inf/);
  } else {
    const before = pendingChecks();
    const l = P.loss(w); // no read: the check waits on the device
    assert.equal(pendingChecks(), before + 2, 'argument w and the loss are both checked on the device');
    const ok = tf.scalar(3);
    await assert.rejects(readScalars([ok]), /logsum\.loss: the loss L\(w\) contains NaN or Inf/);
    assert.equal(pendingChecks(), 0, 'the read answered every queued check');
    assert.deepEqual(await readScalars([ok]), [3], 'the next read is clean');
    tf.dispose([l, ok]);
  }
  w.dispose();
});

test('readSync: works on CPU backends, refused on webgpu with the async function named', () => {
  const t = tf.tensor1d([1.5, 2.5]);
  if (onWebgpu()) {
    assert.throws(() => readSync(t, 'await fl.read(t)'), /synchronously.*'webgpu'.*await fl\.read\(t\)/);
  } else {
    assert.deepEqual(Array.from(readSync(t)), [1.5, 2.5]);
  }
  t.dispose();
});
