import { tf } from '../../src/tensor/tf.js';
import { problem } from '../../src/tensor/index.js';
await tf.setBackend('wasm');
const w = tf.tensor1d([1, 2, 3]), v = tf.tensor1d([1, 0, -1]);
const fs: Record<string, (w: tf.Tensor1D) => tf.Tensor> = {
  mulsum: (w) => tf.square(tf.sum(tf.mul(w, w))),
  mm_rr: (w) => tf.square(tf.sum(tf.matMul(tf.reshape(w, [1, 3]), tf.reshape(w, [3, 1])))),
  mm_ab: (w) => tf.square(tf.sum(tf.matMul(tf.reshape(w, [1, 3]), tf.reshape(tf.mul(w, 1), [3, 1])))),
  mm_cubeless: (w) => tf.sum(tf.mul(tf.matMul(tf.reshape(w, [1, 3]), tf.reshape(w, [3, 1])), tf.sum(w))),
  mm_lin: (w) => tf.sum(tf.matMul(tf.reshape(w, [1, 3]), tf.reshape(w, [3, 1]))),
  mm_2x: (w) => tf.sum(tf.matMul(tf.reshape(w, [3, 1]), tf.reshape(w, [1, 3]))),
};
for (const [k, f] of Object.entries(fs)) {
  const P = problem(f as (w: tf.Tensor1D) => tf.Scalar, { dim: 3 });
  console.log(k, Array.from(P.hvp(w, v).dataSync()));
}
await tf.setBackend('cpu');
for (const [k, f] of Object.entries(fs)) console.log('cpu', k, Array.from(problem(f as (w: tf.Tensor1D) => tf.Scalar, { dim: 3 }).hvp(w, v).dataSync()));
const { withOriginalGradients } = await import('../../src/tensor/gradients/index.js');
await tf.setBackend('wasm');
for (let i = 0; i < 3; i++) {
  const P = problem(fs.mm_rr as (w: tf.Tensor1D) => tf.Scalar, { dim: 3 });
  console.log('orig grad', withOriginalGradients(['BatchMatMul'], () => Array.from(P.hvp(w, v).dataSync())), 'flowlab', Array.from(P.hvp(w, v).dataSync()));
}
const x = tf.tensor2d([[1], [2], [3]]);
for (let i = 0; i < 3; i++) { const t = tf.transpose(x); const y = tf.tidy(() => tf.matMul(tf.tensor2d([[2]]), tf.transpose(tf.tensor2d([[1], [2], [3]])))); console.log('t', Array.from(t.dataSync()), Array.from(y.dataSync())); }
