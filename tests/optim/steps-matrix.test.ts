/**
 * Matrix optimizers against float64 references written here (Newton–Schulz, Jacobi
 * eigendecompositions, Sinkhorn), for fixed gradient sequences of ≥ 3 steps. Runs on cpu and
 * wasm, and on webgpu alone when FLOWLAB_BACKEND=webgpu (tests/backends.ts), same tolerances.
 */
import * as O from '../../src/optim/index.js';
import { tf } from '../../src/tensor/tf.js';
import type { Tensor } from '../../src/tensor/types.js';
import { close, backendTest, runMatrix } from './harness.js';
import { read } from '../../src/tensor/read.js';
import { T, mm, add, scal, fro, reshape, ns5, symPow, jacobi, rand, randomMatrices, qrQ, type Mat } from './dense.js';

const seq = randomMatrices(rand(11));
const flat = (A: Mat) => A.flat();

backendTest('muon: Nesterov momentum, NS5 orthogonalisation, √max(1, fanOut/fanIn), decoupled decay', async () => {
  for (const [rows, cols] of [[3, 5], [5, 3]]) {
    const W0 = seq(rows, cols, 1)[0];
    const Gs = seq(rows, cols);
    const lr = 0.05, mu = 0.9, wd = 0.1;
    let W = W0, M: Mat = scal(W0, 0);
    const exp = Gs.map((G) => {
      M = add(scal(M, mu), G, 1 - mu);
      const U = add(scal(G, 1 - mu), M, mu);
      const Ostep = scal(ns5(U), Math.sqrt(Math.max(1, cols / rows)));
      W = add(scal(W, 1 - lr * wd), Ostep, -lr);
      return flat(W);
    });
    close(await runMatrix(O.muon({ lr, momentum: mu, weightDecay: wd }), W0, Gs), exp, { label: `muon ${rows}x${cols}`, rtol: 2e-3, atol: 2e-5 });
  }
});

backendTest('muon: non-matrix leaves take the auxiliary Adam step', async () => {
  const p0 = [0.3, -0.2, 0.1];
  const gs = [[1, -2, 0.5], [0.5, 1, -1], [2, 0.1, 0.3]];
  const h = { lr: 0.01, b1: 0.9, b2: 0.95, eps: 1e-10 };
  const m = [0, 0, 0], v = [0, 0, 0], p = p0.slice();
  const exp = gs.map((g, k) => { g.forEach((x, i) => { m[i] = 0.9 * m[i] + 0.1 * x; v[i] = 0.95 * v[i] + 0.05 * x * x; p[i] -= 0.01 * (m[i] / (1 - 0.9 ** (k + 1))) / (Math.sqrt(v[i] / (1 - 0.95 ** (k + 1))) + 1e-10); }); return p.slice(); });
  let w: Tensor = tf.tensor1d(p0);
  let s = O.muon({ adam: h }).init(w);
  const got: number[][] = [];
  for (const g of gs) { const gt = tf.tensor1d(g); const res = await O.muon({ adam: h }).update(gt, s, w); O.disposeState(s); s = res.state; const w2 = O.applyUpdates(w, res.updates); tf.dispose([w, gt, res.updates as Tensor]); w = w2; got.push(Array.from(await read(w))); }
  close(got, exp, { label: 'muon aux adam' });
});

backendTest('adamuon: NS5 output normalised by an EMA of O², rescaled to RMS 0.2', async () => {
  const W0 = seq(4, 3, 1)[0];
  const Gs = seq(4, 3);
  const lr = 0.01, mu = 0.95, b2 = 0.9, eps = 1e-8;
  let W = W0, M: Mat = scal(W0, 0), V: Mat = scal(W0, 0);
  const exp = Gs.map((G) => {
    M = add(scal(M, mu), G, 1 - mu);
    const Om = ns5(add(scal(G, 1 - mu), M, mu));
    V = add(scal(V, b2), Om.map((row) => row.map((x) => x * x)), 1 - b2);
    const Oh = Om.map((row, i) => row.map((x, j) => x / (Math.sqrt(V[i][j]) + eps)));
    W = add(W, Oh, -lr * 0.2 * Math.sqrt(12) / fro(Oh));
    return flat(W);
  });
  close(await runMatrix(O.adamuon({ lr, momentum: mu, b2, eps }), W0, Gs), exp, { label: 'adamuon', rtol: 2e-3, atol: 2e-5 });
});

backendTest('sinkgd: 5 alternating row (→ √n) and column (→ √m) normalisations', async () => {
  const W0 = seq(3, 4, 1)[0];
  const Gs = seq(3, 4);
  let W = W0;
  const exp = Gs.map((G) => {
    let X = G;
    for (let i = 0; i < 5; i++) {
      X = X.map((row) => { const n = Math.hypot(...row); return row.map((x) => (x * Math.sqrt(4)) / n); });
      const cn = X[0].map((_, j) => Math.hypot(...X.map((row) => row[j])));
      X = X.map((row) => row.map((x, j) => (x * Math.sqrt(3)) / cn[j]));
    }
    W = add(W, X, -0.01);
    return flat(W);
  });
  close(await runMatrix(O.sinkgd({ lr: 0.01 }), W0, Gs), exp, { label: 'sinkgd', rtol: 1e-4 });
});

backendTest('shampoo: L^(−1/4) G R^(−1/4) with accumulated L, R (from εI)', async () => {
  const W0 = seq(2, 3, 1)[0];
  const Gs = seq(2, 3);
  const eps = 1e-2, lr = 0.05;
  let W = W0;
  let L: Mat = scal([[1, 0], [0, 1]], eps), R: Mat = scal([[1, 0, 0], [0, 1, 0], [0, 0, 1]], eps);
  const exp = Gs.map((G) => {
    L = add(L, mm(G, T(G)));
    R = add(R, mm(T(G), G));
    W = add(W, mm(mm(symPow(L, -0.25), G), symPow(R, -0.25)), -lr);
    return flat(W);
  });
  close(await runMatrix(O.shampoo({ lr, eps }), W0, Gs), exp, { label: 'shampoo', rtol: 1e-3, atol: 1e-5 });
});

backendTest('galore: rank-1 projection on the left singular vector, Adam in the projected space', async () => {
  const W0 = seq(2, 4, 1)[0];
  const Gs = seq(2, 4);
  const lr = 0.02, scale = 0.25, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const { values, V } = jacobi(mm(Gs[0], T(Gs[0])));
  const top = values[0] > values[1] ? 0 : 1;
  const P: Mat = V.map((row) => [row[top]]);
  let W = W0, m: Mat = [[0, 0, 0, 0]], v: Mat = [[0, 0, 0, 0]];
  const exp = Gs.map((G, k) => {
    const t = k + 1;
    const Rm = mm(T(P), G);
    m = add(scal(m, b1), Rm, 1 - b1);
    v = add(scal(v, b2), Rm.map((row) => row.map((x) => x * x)), 1 - b2);
    const N = m.map((row, i) => row.map((x, j) => (x / (1 - b1 ** t)) / (Math.sqrt(v[i][j] / (1 - b2 ** t)) + eps)));
    W = add(W, mm(P, N), -lr * scale);
    return flat(W);
  });
  close(await runMatrix(O.galore({ lr, rank: 1, updateProjGap: 100, scale }), W0, Gs), exp, { label: 'galore', rtol: 1e-3, atol: 1e-5 });
});

// COSMOS (Algorithm 1 of the official code) is tested in steps-seeds.test.ts.

/**
 * SOAP's update written out in float64 (Vyas et al. 2024): step 1 only builds the eigenbases
 * Q_L, Q_R of the EMAs L = GGᵀ, R = GᵀG; later steps run Adam on G' = Q_LᵀGQ_R with decoupled weight
 * decay; every `refreshEvery` steps each basis is refreshed by one power step + QR, with the second
 * moment re-sorted by the estimated eigenvalues.
 */
function soapReference(W0: Mat, Gs: Mat[], { lr, b1, b2, eps, wd = 0, refreshEvery = Infinity }: { lr: number; b1: number; b2: number; eps: number; wd?: number; refreshEvery?: number }): number[][] {
  let L: Mat = [], R: Mat = [], QL: Mat = [], QR: Mat = [];
  let W = W0, m: Mat = scal(W0, 0), v: Mat = scal(W0, 0);
  const refresh = (A: Mat, Q: Mat, axis: 0 | 1) => {
    const est = Q[0].map((_, j) => Q.reduce((s, row, i) => s + row[j] * A[i].reduce((t, a, k) => t + a * Q[k][j], 0), 0));
    const order = est.map((_, j) => j).sort((i, j) => est[j] - est[i]);
    const Qs = Q.map((row) => order.map((j) => row[j]));
    v = axis === 0 ? order.map((j) => v[j].slice()) : v.map((row) => order.map((j) => row[j]));
    return qrQ(mm(A, Qs));
  };
  return Gs.map((G, k) => {
    if (k === 0) {
      L = scal(mm(G, T(G)), 1 - b2); R = scal(mm(T(G), G), 1 - b2);
      QL = jacobi(L).V; QR = jacobi(R).V;
      return flat(W);
    }
    const s = k;
    const Gp = mm(mm(T(QL), G), QR);
    m = add(scal(m, b1), G, 1 - b1);
    v = add(scal(v, b2), Gp.map((row) => row.map((x) => x * x)), 1 - b2);
    const Mp = mm(mm(T(QL), m), QR);
    const N = mm(mm(QL, Mp.map((row, i) => row.map((x, j) => x / (Math.sqrt(v[i][j]) + eps)))), T(QR));
    W = add(scal(W, 1 - lr * wd), N, (-lr * Math.sqrt(1 - b2 ** s)) / (1 - b1 ** s));
    L = add(scal(L, b2), mm(G, T(G)), 1 - b2); R = add(scal(R, b2), mm(T(G), G), 1 - b2);
    if (s % refreshEvery === 0) { QL = refresh(L, QL, 0); QR = refresh(R, QR, 1); }
    return flat(W);
  });
}

backendTest('soap: step 1 builds the eigenbases only; then Adam in the rotated basis', async () => {
  const W0 = seq(2, 3, 1)[0];
  const Gs = seq(2, 3, 5);
  const lr = 0.01, b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.01;
  const exp = soapReference(W0, Gs, { lr, b1, b2, eps, wd });
  close(await runMatrix(O.soap({ lr, b1, b2, eps, weightDecay: wd, precondFreq: 100 }), W0, Gs), exp, { label: 'soap', rtol: 1e-3, atol: 1e-5 });
});

backendTest('soap: every precondFreq steps Q is refreshed by one power step + QR, v re-sorted by the estimated eigenvalues', async () => {
  const W0 = seq(3, 2, 1)[0];
  const Gs = seq(3, 2, 6);
  const lr = 0.01, b1 = 0.9, b2 = 0.95, eps = 1e-8, f = 2;
  const exp = soapReference(W0, Gs, { lr, b1, b2, eps, refreshEvery: f });
  close(await runMatrix(O.soap({ lr, b1, b2, eps, weightDecay: 0, precondFreq: f }), W0, Gs), exp, { label: 'soap refresh', rtol: 2e-3, atol: 2e-5 });
});
