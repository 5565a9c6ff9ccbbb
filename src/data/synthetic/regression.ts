/** Seeded teacher–student regression data. */
import { tf } from '../../tensor/tf.js';
import { makeDataset, type Dataset } from '../dataset.js';
import { rng } from '../random.js';

/**
 * Teacher–student regression: x ~ N(0, I_input); targets from a random teacher,
 * linear y = W x/√input (hidden = 0) or two-layer y = A tanh(W x/√input)/√hidden, plus N(0, noise²).
 * W, A have i.i.d. N(0, 1) entries. The teacher's matrices are returned as `teacher` (row-major).
 * @example const data = teacherStudent({ n: 100, input: 10, hidden: 0 });
 */
export function teacherStudent({ n = 100, input = 10, output = 1, hidden = 0, noise = 0, seed = 0 } = {}): Dataset & { teacher: { W: Float64Array; A?: Float64Array } } {
  for (const [k, v] of [['n', n], ['input', input], ['output', output]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`teacherStudent: ${k} must be a positive integer, got ${v}`);
  }
  const r = rng(seed);
  const h = hidden > 0 ? hidden : output;
  const W = Float64Array.from({ length: h * input }, () => r.normal());
  const A = hidden > 0 ? Float64Array.from({ length: output * hidden }, () => r.normal()) : undefined;
  const x = new Float32Array(n * input);
  const y = new Float32Array(n * output);
  for (let i = 0; i < n; i++) {
    const xi = Array.from({ length: input }, () => r.normal());
    x.set(xi, i * input);
    const z = Array.from({ length: h }, (_, j) => xi.reduce((a, v, k) => a + W[j * input + k] * v, 0) / Math.sqrt(input));
    for (let o = 0; o < output; o++) {
      const f = A ? z.reduce((a, v, j) => a + A[o * hidden + j] * Math.tanh(v), 0) / Math.sqrt(hidden) : z[o];
      y[i * output + o] = f + noise * r.normal();
    }
  }
  const ds = makeDataset({
    name: `teacherStudent[n=${n},in=${input},hidden=${hidden}]`,
    x: tf.tensor2d(x, [n, input]),
    y: tf.tensor2d(y, [n, output]),
    labels: null,
    classes: 0,
    shape: [input],
  });
  return Object.assign(ds, { teacher: A ? { W, A } : { W } });
}
