/**
 * The tensor-read rule in src/landscape (src/tensor/read.ts): no synchronous reads at all, and one
 * read (one Tensor.data() call, a packed transfer) per solver iteration, per Hutchinson batch, per
 * SLQ step and per slice row. Reads are counted by wrapping tf.Tensor.prototype.data.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { EigenTracker, directionalCurvature, slice1d, slice2d, spectrumDensity, topEigenpairs, trace } from '../../src/landscape/index.js';
import { quadraticProblem, randomOrthogonal, rel, symmetricWithSpectrum, useSuiteBackend } from './helpers.js';

before(useSuiteBackend);

const n = 24;
const eigs = Array.from({ length: n }, (_, i) => 12 / (1 + i) - 0.5);
const A = symmetricWithSpectrum(eigs, randomOrthogonal(n, 7));

/** Runs f counting async reads (Tensor.data) and synchronous ones (dataSync, arraySync, bufferSync). */
async function counted<T>(f: () => Promise<T>): Promise<{ result: T; reads: number; syncReads: number }> {
  const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const names = ['data', 'dataSync', 'arraySync', 'bufferSync'] as const;
  const originals = names.map((m) => proto[m]);
  let reads = 0, syncReads = 0;
  names.forEach((m, i) => {
    proto[m] = function (this: unknown, ...a: unknown[]) {
      if (m === 'data') reads++; else syncReads++;
      return originals[i].apply(this, a);
    };
  });
  try {
    const result = await f();
    return { result, reads, syncReads };
  } finally {
    names.forEach((m, i) => { proto[m] = originals[i]; });
  }
}

for (const method of ['lanczos', 'lobpcg', 'power'] as const) {
  test(`${method}: one packed read per solver iteration, no synchronous reads`, async () => {
    const P = quadraticProblem(A, n);
    const { result: r, reads, syncReads } = await counted(() => topEigenpairs(P, new Float32Array(n), { k: 2, method, maxIter: 2000 }));
    assert.ok(r.converged, `${method} converged`);
    [eigs[0], eigs[1]].forEach((l, i) => assert.ok(rel(r.values[i], l) < 1e-4, `λ${i} ${r.values[i]} vs ${l}`));
    assert.equal(syncReads, 0);
    // LOBPCG applies the operator once to its start block before the first iteration
    assert.equal(reads, method === 'lobpcg' ? r.iterations + 1 : r.iterations, `${reads} reads for ${r.iterations} iterations`);
    // Lanczos and LOBPCG batch their block (k HVPs, or the active residuals) into one read
    if (method === 'lanczos') assert.equal(r.hvps, 2 * reads);
    assert.ok(reads < r.hvps || method === 'power');
  });
}

test('Hutchinson: one read per batch of probes; SLQ: one per Lanczos step', async () => {
  const P = quadraticProblem(A, n);
  const t = await counted(() => trace(P, new Float32Array(n), { samples: 30, batch: 10, tol: 0 }));
  assert.equal(t.result.samples, 30);
  assert.equal(t.reads, 3);
  assert.equal(t.syncReads, 0);
  const d = await counted(() => spectrumDensity(P, new Float32Array(n), { iters: 12, grid: 100 }));
  assert.equal(d.result.hvps, 12);
  assert.equal(d.reads, 12);
  assert.equal(d.syncReads, 0);
});

test('slices: one read per row of losses (plus one for tensor points); tracker and directional curvature: one read', async () => {
  const P = quadraticProblem(A, n);
  const w = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => Math.cos(i)));
  const d1 = Float32Array.from({ length: n }, (_, i) => Math.sin(i)), d2 = Float32Array.from({ length: n }, (_, i) => Math.sin(2 * i));
  try {
    const s2 = await counted(() => slice2d(P, w, d1, d2, { points: [4, 3] }));
    assert.equal(s2.result.numRows(), 12);
    assert.equal(s2.reads, 1 + 3, 'w read once, then one read per beta row');
    const s1 = await counted(() => slice1d(P, d1, d2, { points: 9 }));
    assert.equal(s1.reads, 1);
    const tr = new EigenTracker(P, { threshold: 100 });
    const rq = await counted(() => tr.rayleigh(w, [d1, d2]));
    assert.equal(rq.reads, 1);
    assert.equal(rq.result.hvps, 2);
    const dc = await counted(() => directionalCurvature(P, w, d1));
    assert.equal(dc.reads, 1);
    for (const c of [s2, s1, rq, dc]) assert.equal(c.syncReads, 0);
  } finally {
    w.dispose();
  }
});
