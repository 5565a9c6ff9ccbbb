import { tf } from '../../src/tensor/tf.js';
await tf.setBackend('wasm');
const w = tf.tensor1d([1, 2, 3]);
console.log(Array.from(tf.matMul(tf.reshape(w, [1, 3]), tf.reshape(w, [3, 1])).dataSync()));
console.log(Array.from(tf.matMul(tf.tensor2d([[2]]), tf.reshape(w, [1, 3])).dataSync()), 'expect 2,4,6');
const x = tf.tensor1d([1, 2, 3, 4, 5, 6]);
console.log(Array.from(tf.matMul(tf.ones([1, 3]), tf.reshape(x, [3, 2])).dataSync()), 'expect 9,12');
console.log(Array.from(tf.matMul(tf.ones([1, 2]), tf.reshape(x, [2, 3])).dataSync()), 'expect 5,7,9');
