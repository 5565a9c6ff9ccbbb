/** Synthetic datasets: determinism and the defining properties of each generator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/index.js';
import { synthetic, rng } from '../../src/data/index.js';

const rows = (t: tf.Tensor, d: number) => {
  const v = t.dataSync();
  return Array.from({ length: v.length / d }, (_, i) => Array.from(v.slice(i * d, (i + 1) * d)));
};

test('rng: deterministic; uniform mean ½ and variance 1/12; normal mean 0 and variance 1', () => {
  const a = rng(3);
  const b = rng(3);
  for (let i = 0; i < 5; i++) assert.equal(a.normal(), b.normal());
  const r = rng(1);
  const N = 200000;
  let su = 0;
  let su2 = 0;
  let sn = 0;
  let sn2 = 0;
  for (let i = 0; i < N; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    su2 += u * u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  assert.ok(Math.abs(su / N - 0.5) < 0.003);
  assert.ok(Math.abs(su2 / N - (su / N) ** 2 - 1 / 12) < 0.002);
  assert.ok(Math.abs(sn / N) < 0.01);
  assert.ok(Math.abs(sn2 / N - 1) < 0.01);
  const p = rng(0).permutation(50);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
});

test('every generator is deterministic in its seed and changes with it', () => {
  const gens: [string, (seed: number) => { x: tf.Tensor; dispose(): void }][] = [
    ['gaussianMixture', (seed) => synthetic.gaussianMixture({ n: 30, classes: 3, seed })],
    ['twoMoons', (seed) => synthetic.twoMoons({ n: 30, seed })],
    ['spirals', (seed) => synthetic.spirals({ n: 30, seed })],
    ['separable', (seed) => synthetic.separable({ n: 30, seed })],
    ['teacherStudent', (seed) => synthetic.teacherStudent({ n: 30, seed })],
    ['sortingTask', (seed) => synthetic.sortingTask({ n: 30, seed })],
    ['ar1Sequences', (seed) => synthetic.ar1Sequences({ n: 5, seed })],
  ];
  const before = tf.memory().numTensors;
  for (const [name, g] of gens) {
    const [a, b, c] = [g(1), g(1), g(2)];
    assert.deepEqual(Array.from(a.x.dataSync()), Array.from(b.x.dataSync()), `${name} same seed`);
    assert.notDeepEqual(Array.from(a.x.dataSync()), Array.from(c.x.dataSync()), `${name} other seed`);
    for (const d of [a, b, c]) d.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

test('sortingTask: x = [s, sort(s)][:−1], targets are the next tokens, the first length−1 masked', () => {
  const ds = synthetic.sortingTask({ n: 50, vocab: 4, length: 8, seed: 0 });
  assert.deepEqual(ds.x.shape, [50, 15]);
  assert.deepEqual(ds.y.shape, [50, 15, 4]);
  const x = rows(ds.x, 15);
  const m = rows(ds.mask!, 15);
  const lab = ds.labels!;
  x.forEach((seq, i) => {
    const s = seq.slice(0, 8);
    const sorted = [...s].sort((a, b) => a - b);
    assert.deepEqual(seq.slice(8), sorted.slice(0, 7));
    for (let t = 0; t < 15; t++) {
      assert.equal(m[i][t], t < 7 ? 0 : 1);
      assert.equal(lab[i * 15 + t], t < 7 ? -1 : sorted[t - 7]);
    }
    assert.ok(seq.every((v) => v >= 0 && v < 4));
  });
  ds.dispose();
});

test('separable: every point has margin ≥ m along the returned direction, labels = sign', () => {
  const ds = synthetic.separable({ n: 200, dim: 3, margin: 0.3, seed: 2 });
  const x = rows(ds.x, 3);
  const y = ds.y.dataSync();
  x.forEach((p, i) => {
    const s = p.reduce((a, v, j) => a + v * ds.direction[j], 0);
    assert.ok(Math.abs(s) >= 0.3 - 1e-6);
    assert.equal(Math.sign(s), y[i]);
    assert.equal(ds.labels![i], y[i] > 0 ? 1 : 0);
  });
  ds.dispose();
});

test('twoMoons without noise lies on the two unit half circles', () => {
  const ds = synthetic.twoMoons({ n: 40, noise: 0 });
  rows(ds.x, 2).forEach(([a, b], i) => {
    const r = ds.labels![i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-6);
    assert.ok(ds.labels![i] === 0 ? b >= -1e-6 : b <= 0.5 + 1e-6);
  });
  ds.dispose();
});

test('gaussianMixture: balanced classes whose sample means approach the circle of means', () => {
  const ds = synthetic.gaussianMixture({ n: 3000, classes: 3, separation: 4, std: 0.5, seed: 1 });
  const sums = [[0, 0], [0, 0], [0, 0]];
  const counts = [0, 0, 0];
  rows(ds.x, 2).forEach(([a, b], i) => {
    const k = ds.labels![i];
    sums[k][0] += a;
    sums[k][1] += b;
    counts[k]++;
  });
  assert.deepEqual(counts, [1000, 1000, 1000]);
  sums.forEach(([a, b], k) => {
    const ang = (2 * Math.PI * k) / 3;
    assert.ok(Math.hypot(a / 1000 - 4 * Math.cos(ang), b / 1000 - 4 * Math.sin(ang)) < 0.06);
  });
  ds.dispose();
});

test('spirals (no noise): radius t and angle 2π·turns·t + 2πk/classes (mod 2π)', () => {
  const ds = synthetic.spirals({ n: 40, classes: 2, turns: 1.5, noise: 0 });
  const pts = rows(ds.x, 2);
  let maxR = 0;
  pts.forEach(([a, b], i) => {
    const t = Math.hypot(a, b);
    maxR = Math.max(maxR, t);
    if (t < 1e-6) return;
    const want = 2 * Math.PI * 1.5 * t + Math.PI * ds.labels![i];
    const diff = Math.atan2(b, a) - want;
    const wrapped = diff - 2 * Math.PI * Math.round(diff / (2 * Math.PI));
    assert.ok(Math.abs(wrapped) < 1e-4, `point ${i}`);
  });
  assert.ok(Math.abs(maxR - 1) < 1e-6, 'the spiral reaches t = 1');
  ds.dispose();
});

test('teacherStudent: y = W x/√d for the returned linear teacher (no noise)', () => {
  const ds = synthetic.teacherStudent({ n: 20, input: 5, output: 2, seed: 3 });
  const x = rows(ds.x, 5);
  const y = rows(ds.y, 2);
  x.forEach((xi, i) => {
    for (let o = 0; o < 2; o++) {
      const f = xi.reduce((a, v, k) => a + ds.teacher.W[o * 5 + k] * v, 0) / Math.sqrt(5);
      assert.ok(Math.abs(f - y[i][o]) < 1e-5);
    }
  });
  ds.dispose();
});

test('ar1Sequences: y_t = x_{t+1}, and an orthogonal W preserves norms', () => {
  const ds = synthetic.ar1Sequences({ n: 4, dim: 3, length: 6, seed: 5 });
  assert.deepEqual(ds.x.shape, [4, 5, 3]);
  const x = rows(ds.x, 3);
  const y = rows(ds.y, 3);
  for (let i = 0; i < 4; i++) {
    for (let t = 0; t < 5; t++) {
      const xs = x[i * 5 + t];
      const ys = y[i * 5 + t];
      assert.ok(Math.abs(Math.hypot(...xs) - Math.hypot(...ys)) < 1e-5);
      if (t < 4) assert.deepEqual(ys, x[i * 5 + t + 1]);
    }
  }
  ds.dispose();
});
