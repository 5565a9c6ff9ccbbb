import { tf } from '../../src/tensor/tf.js';
import { problem, checkDerivatives } from '../../src/tensor/index.js';
await tf.setBackend(process.argv[2] ?? 'wasm');
const cases: Record<string, [number, (w: tf.Tensor1D) => tf.Tensor]> = {
  batchNorm: [12, (w) => { const x = tf.reshape(w.slice(0, 8), [2, 4]); const m = tf.moments(x, 0); return tf.batchNorm(x, m.mean, m.variance, w.slice(8, 4), undefined, 1e-3); }],
  conv1d: [20, (w) => tf.conv1d(tf.reshape(w.slice(0, 12), [1, 6, 2]) as tf.Tensor3D, tf.reshape(w.slice(12, 8), [2, 2, 2]) as tf.Tensor3D, 1, 'same')],
  depthwise: [22, (w) => tf.depthwiseConv2d(tf.reshape(w.slice(0, 18), [1, 3, 3, 2]) as tf.Tensor4D, tf.reshape(w.slice(18, 4), [1, 1, 2, 2]) as tf.Tensor4D, 1, 'valid')],
  prod: [4, (w) => tf.prod(tf.add(w, 2))],
  einsum: [12, (w) => tf.einsum('ij,jk->ik', tf.reshape(w.slice(0, 6), [2, 3]), tf.reshape(w.slice(6, 6), [3, 2]))],
  mse: [6, (w) => tf.losses.meanSquaredError(tf.tanh(w), tf.ones([6]))],
  huber: [6, (w) => tf.losses.huberLoss(tf.ones([6]), tf.mul(w, 3))],
  logLoss: [6, (w) => tf.losses.logLoss(tf.tensor1d([1, 0, 1, 0, 1, 1]), tf.sigmoid(w))],
  atan2: [6, (w) => tf.atan2(w.slice(0, 3), tf.add(w.slice(3, 3), 2))],
  sinhcosh: [3, (w) => tf.add(tf.sinh(w), tf.cosh(w))],
  norm2d: [6, (w) => tf.norm(tf.reshape(w, [2, 3]), 'euclidean', 1)],
  relu6sq: [4, (w) => tf.square(tf.relu(w))],
  mirrorPad: [4, (w) => tf.mirrorPad(tf.reshape(w, [2, 2]), [[1, 1], [0, 1]], 'reflect')],
  reverse: [4, (w) => tf.mul(tf.reverse(w), tf.exp(w))],
  splitconcat: [6, (w) => { const [a, b] = tf.split(w, 2); return tf.mul(a, tf.tanh(b)); }],
  expandSqueeze: [3, (w) => tf.squeeze(tf.expandDims(tf.exp(w), 0))],
  argmaxOneHot: [4, (w) => tf.mul(tf.oneHot(tf.argMax(w), 4).cast('float32'), tf.exp(w))],
  cast: [3, (w) => tf.cast(tf.exp(w), 'float32')],
  softplusBig: [3, (w) => tf.softplus(tf.mul(w, 20))],
  stridedSlice: [6, (w) => tf.exp(tf.stridedSlice(w, [0], [6], [2]))],
  prelu: [6, (w) => tf.prelu(w.slice(0, 3), tf.add(w.slice(3, 3), 0))],
  lrn: [8, (w) => tf.localResponseNormalization(tf.reshape(w, [1, 1, 2, 4]) as tf.Tensor4D)],
  resize: [4, (w) => tf.image.resizeBilinear(tf.reshape(w, [1, 2, 2, 1]) as tf.Tensor4D, [3, 3])],
  squaredNorm: [4, (w) => tf.dot(w, w)],
};
for (const [name, [dim, f]] of Object.entries(cases)) {
  const r = (i: number) => (Math.sin(i * 2.3 + 1) > 0 ? 1 : -1) * (0.3 + 0.6 * Math.abs(Math.cos(i * 1.7)));
  const c = tf.keep(tf.randomNormal([64], 0, 1, 'float32', 3));
  const P = problem((w) => { const y = tf.reshape(f(w), [-1]); const cc = tf.slice(c, 0, y.shape[0]); return tf.sum(tf.mul(cc, tf.add(tf.mul(tf.mul(y, y), y), y))) as tf.Scalar; }, { dim, name });
  const w = tf.tensor1d(Array.from({ length: dim }, (_, i) => r(i)));
  try { const rep = checkDerivatives(P, w, { directions: 2 }); console.log(rep.pass ? 'ok  ' : 'FAIL', name, rep.pass ? '' : rep.toString().split('\n').slice(1).join(' |')); }
  catch (e) { console.log('ERR ', name, String(e).split('\n')[0].slice(0, 200)); }
}
