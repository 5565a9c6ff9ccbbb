/**
 * Filter-normalised directions (Li et al. 2018), slices and interpolation against closed forms,
 * trajectory PCA against a path built in a known plane, eigen-ratio maps of a quadratic.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import type { ParamSpec } from '../../src/tensor/types.js';
import { directions, slice1d, slice2d, interpolate, trajectoryPCA, trajectorySlice, eigenRatioMap } from '../../src/landscape/index.js';
import { lcg, quadraticProblem, randomOrthogonal, symmetricWithSpectrum, useSuiteBackend } from './helpers.js';

before(useSuiteBackend);

function specOf(list: [string, number[], 'weight' | 'bias' | 'norm'][]): ParamSpec {
  let offset = 0;
  const entries = list.map(([name, shape, kind]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const e = { name, shape, offset, size, outputAxis: shape.length > 1 ? shape.length - 1 : null, kind };
    offset += size;
    return e;
  });
  return { entries, numParams: offset };
}

const spec = specOf([['conv/kernel', [2, 2, 3, 5], 'weight'], ['conv/bias', [5], 'bias'], ['dense/kernel', [4, 3], 'weight'], ['norm/scale', [3], 'norm']]);
const dim = spec.numParams;
const quad = (n: number, A?: Float64Array) => quadraticProblem(A ?? symmetricWithSpectrum(Array.from({ length: n }, (_, i) => 2 - i / n), randomOrthogonal(n, 1)), n);

test('filter normalisation: each output filter (last axis) has the norm of the weights\' filter; 1-D entries zeroed', async () => {
  const P = quadraticProblem(new Float64Array(dim * dim), dim, { spec });
  const r = lcg(2);
  const w = Float32Array.from({ length: dim }, () => r() * 4 - 2);
  const d = await directions.random(P, { w, seed: 3 });
  for (const e of spec.entries) {
    if (e.shape.length === 1) {
      for (let i = 0; i < e.size; i++) assert.equal(d[e.offset + i], 0, `${e.name} zeroed`);
      continue;
    }
    const nOut = e.shape[e.shape.length - 1];
    for (let j = 0; j < nOut; j++) {
      let dn = 0, wn = 0;
      // TF.js row-major layout: element i belongs to output filter i % nOut
      for (let i = j; i < e.size; i += nOut) { dn += d[e.offset + i] ** 2; wn += w[e.offset + i] ** 2; }
      assert.ok(Math.abs(Math.sqrt(dn) - Math.sqrt(wn)) < 1e-5 * Math.sqrt(wn), `${e.name} filter ${j}`);
    }
  }
  assert.deepEqual(await directions.random(P, { w, seed: 3 }), d, 'deterministic by seed');
  assert.notDeepEqual(await directions.random(P, { w, seed: 4 }), d, 'other seeds differ');
  const withBias = await directions.random(P, { w, seed: 3, ignoreBias: false });
  const b = spec.entries[1];
  for (let i = 0; i < b.size; i++) assert.equal(withBias[b.offset + i], w[b.offset + i]);
  await assert.rejects(() => directions.random(P, { seed: 1 }), /needs the point w/);
});

test('without a spec a direction is Gaussian rescaled to ‖w‖ (or unit norm)', async () => {
  const P = quad(10);
  const w = Float32Array.from({ length: 10 }, (_, i) => i);
  const norm = (x: Float32Array) => Math.hypot(...x);
  assert.ok(Math.abs(norm(await directions.random(P, { w })) - norm(w)) < 1e-4);
  assert.ok(Math.abs(norm(await directions.random(P, { filterNormalized: false })) - 1) < 1e-6);
});

test('slice1d, slice2d and interpolate equal the closed-form quadratic ½xᵀAx', async () => {
  const n = 8;
  const A = symmetricWithSpectrum([3, 2, 1, 0.5, -0.5, 1, 2, 4], randomOrthogonal(n, 8));
  const P = quad(n, A);
  const f = (x: number[]) => { let s = 0; for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += 0.5 * x[i] * A[i * n + j] * x[j]; return s; };
  const r = lcg(6);
  const w = Float32Array.from({ length: n }, () => r() - 0.5), d1 = Float32Array.from({ length: n }, () => r() - 0.5), d2 = Float32Array.from({ length: n }, () => r() - 0.5);
  const t1 = await slice1d(P, w, d1);
  assert.equal(t1.numRows(), 51);
  const a1 = t1.array('alpha') as number[], l1 = t1.array('loss') as number[];
  assert.equal(a1[0], -1); assert.equal(a1[50], 1);
  a1.forEach((a, i) => assert.ok(Math.abs(l1[i] - f(Array.from(w, (x, k) => x + a * d1[k]))) < 1e-5));
  const t2 = await slice2d(P, w, d1, d2, { points: 5, range: [-2, 2] });
  assert.equal(t2.numRows(), 25);
  const [al, be, lo] = ['alpha', 'beta', 'loss'].map((c) => t2.array(c) as number[]);
  al.forEach((a, i) => assert.ok(Math.abs(lo[i] - f(Array.from(w, (x, k) => x + a * d1[k] + be[i] * d2[k]))) < 1e-4));
  const ti = await interpolate(P, w, d1);
  assert.equal(ti.numRows(), 401);
  const ai = ti.array('alpha') as number[], li = ti.array('loss') as number[];
  assert.equal(ai[0], -0.5); assert.equal(ai[400], 1.5);
  ai.forEach((a, i) => assert.ok(Math.abs(li[i] - f(Array.from(w, (x, k) => (1 - a) * x + a * d1[k]))) < 1e-5));
  await assert.rejects(() => slice1d(P, w, d1, { range: [1, -1] }), /range must be \[lo, hi\]/);
  await assert.rejects(() => slice1d(P, w, new Float32Array(3)), /d has length 3/);
});

test('trajectoryPCA recovers a path lying in a known plane, with explained variance from the construction', async () => {
  const n = 30;
  const Q = randomOrthogonal(n, 4);
  const e1 = Float64Array.from({ length: n }, (_, i) => Q[i * n]), e2 = Float64Array.from({ length: n }, (_, i) => Q[i * n + 1]);
  const a = [-6, -3, 0, 3, 6], b = [1, -1, 0, -1, 1]; // centred and uncorrelated: variances 90 and 4
  const wf = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const ws = a.map((_, t) => Float32Array.from(wf, (x, i) => x + a[t] * e1[i] + b[t] * e2[i]));
  ws.push(Float32Array.from(wf)); // final point = θ_final (a = b = 0)
  a.push(0); b.push(0);
  const pca = await trajectoryPCA(ws);
  const sa = a.reduce((s, x) => s + x, 0) / a.length, sb = b.reduce((s, x) => s + x, 0) / b.length;
  const va = a.reduce((s, x) => s + (x - sa) ** 2, 0), vb = b.reduce((s, x) => s + (x - sb) ** 2, 0);
  const cab = a.reduce((s, x, i) => s + (x - sa) * (b[i] - sb), 0);
  // explained variance ratios = eigenvalues of the 2×2 covariance of (a, b), normalised
  const tr = va + vb, det = va * vb - cab * cab, disc = Math.sqrt(tr * tr / 4 - det);
  assert.ok(Math.abs(pca.explainedVarianceRatio[0] - (tr / 2 + disc) / tr) < 1e-4);
  assert.ok(Math.abs(pca.explainedVarianceRatio[1] - (tr / 2 - disc) / tr) < 1e-4);
  const p1 = pca.coords.array('pc1') as number[], p2 = pca.coords.array('pc2') as number[];
  a.forEach((_, t) => assert.ok(Math.abs(Math.hypot(p1[t], p2[t]) - Math.hypot(a[t], b[t])) < 1e-3, 'coordinates preserve distances to θ_final'));
  for (const d of pca.directions) {
    const inPlane = Math.hypot(d.reduce((s, x, i) => s + x * e1[i], 0), d.reduce((s, x, i) => s + x * e2[i], 0));
    assert.ok(Math.abs(inPlane - 1) < 1e-4, 'directions span the plane');
  }
  const P = quad(n);
  const grid = await trajectorySlice(P, pca, { points: 3 });
  assert.equal(grid.numRows(), 9);
  await assert.rejects(() => trajectoryPCA([ws[0]]), /at least 2/);
});

test('eigenRatioMap of a quadratic is |λmin/λmax| everywhere', async () => {
  const n = 10;
  const eigs = [5, 3, 2, 1, 0, -0.5, -1, 1, 2, -2];
  const P = quad(n, symmetricWithSpectrum(eigs, randomOrthogonal(n, 3)));
  const t = await eigenRatioMap(P, new Float32Array(n), new Float32Array(n).fill(1), new Float32Array(n).fill(-1), { points: 2 });
  assert.equal(t.numRows(), 4);
  for (const r of t.array('ratio') as number[]) assert.ok(Math.abs(r - 0.4) < 1e-4);
});
