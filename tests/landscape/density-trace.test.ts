/**
 * Stochastic Lanczos quadrature and Hutchinson's trace on quadratics with known spectra.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { spectrumDensity, trace } from '../../src/landscape/index.js';
import { quadraticProblem, randomOrthogonal, symmetricWithSpectrum, useSuiteBackend } from './helpers.js';

before(useSuiteBackend);

function trapezoid(x: Float64Array, y: Float64Array, lo = -Infinity, hi = Infinity): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) if (x[i] >= lo && x[i + 1] <= hi) s += 0.5 * (y[i] + y[i + 1]) * (x[i + 1] - x[i]);
  return s;
}

test('SLQ density integrates to 1 and its mass sits at the true eigenvalues', async () => {
  const eigs = [-1.5, -0.2, 0.3, 1, 1, 1, 2.5, 4, 7, 7.2, 12, 30];
  const n = eigs.length;
  const P = quadraticProblem(symmetricWithSpectrum(eigs, randomOrthogonal(n, 13)), n);
  const start = tf.memory().numTensors;
  const d = await spectrumDensity(P, new Float32Array(n), { iters: 100, runs: 2 });
  assert.equal(tf.memory().numTensors, start);
  assert.ok(Math.abs(trapezoid(d.grid, d.density) - 1) < 1e-9, 'integrates to 1');
  assert.ok(Math.abs(d.sigma2 - 1e-5 * (30 + 1.5)) < 1e-7, 'PyHessian kernel variance 1e-5·max(1, range)');
  // the Krylov space is exhausted after ≤ n steps: every node is a true eigenvalue
  for (const node of d.nodes) assert.ok(Math.min(...eigs.map((l) => Math.abs(l - node))) < 1e-4, `node ${node}`);
  const sd = Math.sqrt(d.sigma2);
  const distinct = [...new Set(eigs)];
  let near = 0;
  for (const l of distinct) {
    const m = trapezoid(d.grid, d.density, l - 6 * sd, l + 6 * sd);
    assert.ok(m > 1e-4, `mass near λ = ${l}`);
    near += m;
  }
  assert.ok(near > 0.999, `mass within 6σ of the eigenvalues: ${near}`);
  assert.ok(Math.abs(d.weights.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'weights sum to 1');
  // the quadrature's first moment is the normalised trace in expectation; with exact Krylov it is vᵀAv/‖v‖²
  const mean = d.nodes.reduce((s, x, i) => s + x * d.weights[i], 0);
  const exactMean = eigs.reduce((a, b) => a + b, 0) / n;
  assert.ok(Math.abs(mean - exactMean) < 0.5 * Math.max(...eigs.map(Math.abs)), 'first moment near tr(A)/n');
});

test('SLQ nodes for a large spectrum span [λmin, λmax] (Ritz values converge at the edges)', async () => {
  const n = 200;
  const eigs = Array.from({ length: n }, (_, i) => (i === 0 ? 50 : i === 1 ? -3 : Math.cos(i) * 2));
  const A = new Float64Array(n * n);
  eigs.forEach((l, i) => { A[i * n + i] = l; });
  const d = await spectrumDensity(quadraticProblem(A, n), new Float32Array(n), { iters: 40, grid: 2000 });
  assert.ok(Math.abs(Math.max(...d.nodes) - 50) < 1e-3 && Math.abs(Math.min(...d.nodes) + 3) < 1e-2);
  assert.equal(d.grid.length, 2000);
  assert.equal(d.hvps, 40);
});

test('Hutchinson trace: exact for a diagonal matrix, within 3 standard errors for a rotated one', async () => {
  const n = 60;
  const eigs = Array.from({ length: n }, (_, i) => 3 * Math.sin(i) + 1);
  const exact = eigs.reduce((a, b) => a + b, 0);
  const D = new Float64Array(n * n);
  eigs.forEach((l, i) => { D[i * n + i] = l; });
  const diag = await trace(quadraticProblem(D, n), new Float32Array(n), { samples: 20 });
  assert.ok(Math.abs(diag.value - exact) < 1e-4, 'zᵀDz = tr D for every Rademacher z');
  assert.ok(diag.stderr < 1e-5);
  const P = quadraticProblem(symmetricWithSpectrum(eigs, randomOrthogonal(n, 17)), n);
  for (const seed of [0, 1, 2]) {
    const t = await trace(P, new Float32Array(n), { samples: 100, seed, tol: 0 });
    assert.equal(t.samples, 100);
    assert.ok(t.stderr > 0);
    assert.ok(Math.abs(t.value - exact) < 3 * t.stderr, `seed ${seed}: ${t.value} ± ${t.stderr} vs ${exact}`);
  }
  await assert.rejects(() => trace(P, new Float32Array(n), { samples: 1 }), /samples must be an integer ≥ 2/);
});
