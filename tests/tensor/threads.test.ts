/**
 * Experimental wasm matMul over worker_threads: the split product equals the single-threaded
 * product exactly (same XNNPACK kernels on disjoint row blocks), small products keep the plain
 * path, and threads: 1 restores the original kernel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend } from '../../src/tensor/index.js';

test('wasm matMul split over 2 threads equals the single-threaded product', async () => {
  await backend.use('wasm', { threads: 1 });
  const a = tf.randomNormal([301, 257], 0, 1, 'float32', 1);
  const b = tf.randomNormal([257, 129], 0, 1, 'float32', 2);
  const single = tf.matMul(a, b).dataSync();
  const info = await backend.use('wasm', { threads: 2 });
  assert.equal(info.threads, 2);
  const { useWasmThreads } = await import('../../src/tensor/threads.js');
  await useWasmThreads(2, { minMacs: 1 });
  const split = tf.matMul(a, b);
  assert.deepEqual(split.shape, [301, 129]);
  assert.deepEqual(Array.from(split.dataSync()), Array.from(single));
  // gradients through the split kernel are unchanged too
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, b))))(a).dataSync();
  await backend.use('wasm', { threads: 1 });
  assert.equal(backend.info().threads, 1);
  const g1 = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, b))))(a).dataSync();
  assert.deepEqual(Array.from(g), Array.from(g1));
  await assert.rejects(backend.use('cpu', { threads: 2 }), /option 'threads' applies to 'wasm' only/);
  tf.dispose([a, b, split]);
});
