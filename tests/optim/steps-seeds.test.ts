/**
 * The seed-paper optimizers of issue 18 against float64 references written here from the papers'
 * equations: SANIA (hand steps and scale invariance), AdaGrad-Norm, Natural GaLore (the natural
 * gradient by a direct d×d solve, not Woodbury), COSMOS (Algorithm 1 of the official code) and
 * Sophia-G's Gauss–Newton–Bartlett estimator (labels sampled by a mulberry32 inverse CDF
 * written here). cpu and wasm, or webgpu alone under FLOWLAB_BACKEND=webgpu (tests/backends.ts).
 */
import assert from 'node:assert/strict';
import * as O from '../../src/optim/index.js';
import { tf } from '../../src/tensor/tf.js';
import { problem } from '../../src/tensor/index.js';
import type { Tensor, Tensor1D } from '../../src/tensor/types.js';
import { read } from '../../src/tensor/read.js';
import { fromModel } from '../../src/models/fromModel.js';
import { linear } from '../../src/models/toys.js';
import { close, backendTest, gradSeq, runMatrix, P0, type Vec } from './harness.js';
import { T, mm, add, scal, fro, ns5, jacobi, rand, randomMatrices, qrQ, solve, type Mat } from './dense.js';

const G4 = gradSeq();

/** Runs a transformation on a flat vector with fixed gradients and a context per step. */
async function runCtx(opt: O.GradientTransformation, p0: Vec, gs: Vec[], ctx: (k: number, p: Tensor1D) => O.UpdateContext): Promise<Vec[]> {
  let p = tf.tensor1d(p0);
  let s = opt.init(p);
  const out: Vec[] = [];
  for (const [k, g] of gs.entries()) {
    const gt = tf.tensor1d(g);
    const r = await opt.update(gt, s, p, ctx(k, p));
    O.disposeState(s); s = r.state;
    const p2 = O.applyUpdates(p, r.updates) as Tensor1D;
    tf.dispose([p, gt, r.updates as Tensor]);
    p = p2;
    out.push(Array.from(await read(p)));
  }
  p.dispose(); O.disposeState(s);
  return out;
}

backendTest('sania: Polyak step (f − f*)/‖g‖²_{B⁻¹} along B⁻¹g, AdaGrad-SQR and Adam-SQR', async () => {
  const losses = [2.0, 1.4, 1.1, 0.7];
  for (const pre of ['adagrad', 'adam'] as const) {
    const b2 = 0.9, eps = 1e-6, fStar = 0.2;
    const v = [0, 0, 0, 0], p = P0.slice();
    const exp = G4.map((g, k) => {
      const t = k + 1;
      g.forEach((x, i) => { v[i] = pre === 'adagrad' ? v[i] + x * x : b2 * v[i] + (1 - b2) * x * x; });
      const B = v.map((x) => (pre === 'adagrad' ? x : x / (1 - b2 ** t)) + eps);
      const gBg = g.reduce((s, x, i) => s + (x * x) / B[i], 0);
      const step = Math.max(losses[k] - fStar, 0) / gBg;
      g.forEach((x, i) => { p[i] -= step * x / B[i]; });
      return p.slice();
    });
    close(await runCtx(O.sania({ preconditioner: pre, b2, eps, fStar }), P0, G4, (k) => ({ loss: losses[k] })), exp, { label: `sania ${pre}`, rtol: 2e-4 });
  }
  // A loss below f* gives no step; the loss can also come from context.problem.
  const Pq = problem((w) => tf.mul(0.5, tf.sum(tf.square(w))), { dim: 4 });
  const got = await runCtx(O.sania(), P0, [G4[0]], (_k, w) => ({ problem: Pq, w }));
  const f0 = 0.5 * P0.reduce((s, x) => s + x * x, 0);
  const g0 = G4[0];
  close(got, [P0.map((x, i) => x - (f0 / g0.length) / g0[i])], { label: 'sania first AdaGrad-SQR step: f/d · 1/g', rtol: 2e-4 });
  close(await runCtx(O.sania({ fStar: 10 }), P0, [G4[0]], () => ({ loss: 1 })), [P0], { label: 'sania f < f*: no step' });
});

backendTest('sania is scale invariant: features x → xD, w0 → D⁻¹w0 give the same predictions at every step', async () => {
  const r = rand(5);
  const n = 10, d = 3;
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * r()));
  const y = X.map((row) => Math.sin(row[0]) + row[1] - 0.5 * row[2]);
  const D = [20, 0.05, 3];
  const XD = X.map((row) => row.map((x, j) => x * D[j]));
  const w0 = [0.3, -0.2, 0.5];
  const lsq = (A: Mat) => {
    const At = tf.tensor2d(A), yt = tf.tensor1d(y);
    tf.keep(At); tf.keep(yt);
    return { P: problem((w) => tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.reshape(tf.matMul(At, tf.reshape(w, [d, 1])), [n]), yt)))), { dim: d }), A: At, y: yt };
  };
  for (const pre of ['adagrad', 'adam'] as const) {
    const preds: number[][][] = [];
    for (const [A, start] of [[X, w0], [XD, w0.map((x, j) => x / D[j])]] as const) {
      const { P, A: At, y: yt } = lsq(A as Mat);
      const opt = O.sania({ preconditioner: pre, eps: 0 });
      let w = tf.tensor1d(start as number[]) as Tensor1D;
      let s = opt.init(w);
      const out: number[][] = [];
      for (let k = 0; k < 6; k++) {
        const { loss, grad } = P.lossAndGrad(w);
        const res = await opt.update(grad, s, w, { loss: (await read(loss))[0], problem: P, w });
        O.disposeState(s); s = res.state;
        const w2 = O.applyUpdates(w, res.updates) as Tensor1D;
        tf.dispose([loss, grad, w, res.updates as Tensor]);
        w = w2;
        const f = tf.matMul(At, tf.reshape(w, [d, 1]));
        out.push(Array.from(await read(f)));
        f.dispose();
      }
      preds.push(out);
      tf.dispose([w, At, yt]); O.disposeState(s);
    }
    close(preds[1], preds[0], { label: `sania ${pre}: predictions with rescaled features`, rtol: 2e-3, atol: 1e-5 });
    // Not vacuous: the iterates do move.
    const moved = preds[0][0].some((x, i) => Math.abs(x - preds[0][5][i]) > 1e-3);
    assert.ok(moved, `sania ${pre}: the iterates move`);
  }
});

backendTest('adagradNorm: b² ← b² + ‖g‖², θ ← θ − η g/b', async () => {
  const lr = 0.5, b0 = 0.1;
  let b2 = b0 * b0;
  const p = P0.slice();
  const exp = G4.map((g) => { b2 += g.reduce((s, x) => s + x * x, 0); g.forEach((x, i) => { p[i] -= (lr * x) / Math.sqrt(b2); }); return p.slice(); });
  close(await runCtx(O.adagradNorm({ lr, b0 }), P0, G4, () => ({})), exp, { label: 'adagradNorm' });
});

const seq = randomMatrices(rand(23));

backendTest('naturalGalore: rank-1 GaLore projection, natural gradient under λI + Σ_window ggᵀ, then Adam', async () => {
  const W0 = seq(2, 4, 1)[0];
  const Gs = seq(2, 4, 5);
  const lr = 0.02, scale = 0.25, b1 = 0.9, b2 = 0.999, eps = 1e-8, lam = 0.5, s = 2;
  const { values, V } = jacobi(mm(Gs[0], T(Gs[0])));
  const top = values[0] > values[1] ? 0 : 1;
  const P: Mat = V.map((row) => [row[top]]);
  let W = W0, m = [0, 0, 0, 0], v = [0, 0, 0, 0];
  const window: number[][] = [];
  const exp = Gs.map((G, k) => {
    const t = k + 1;
    const g = mm(T(P), G)[0];
    window.push(g); if (window.length > s) window.shift();
    const F = g.map((_, i) => g.map((__, j) => (i === j ? lam : 0) + window.reduce((acc, h) => acc + h[i] * h[j], 0)));
    const nat = solve(F, g);
    m = m.map((x, i) => b1 * x + (1 - b1) * nat[i]);
    v = v.map((x, i) => b2 * x + (1 - b2) * nat[i] ** 2);
    const N = [m.map((x, i) => (x / (1 - b1 ** t)) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps))];
    W = add(W, mm(P, N), -lr * scale);
    return W.flat();
  });
  close(await runMatrix(O.naturalGalore({ lr, rank: 1, updateProjGap: 100, scale, history: s, damping: lam, b1, b2, eps }), W0, Gs), exp, { label: 'naturalGalore', rtol: 2e-3, atol: 2e-5 });
});

/** COSMOS Algorithm 1 (the official code's order) in float64, on TF-layout leaves [in, out]. */
function cosmosReference(W0: Mat, Gs: Mat[], { lr, ratio, r, b1, b2, eps, gamma, wd }: { lr: number; ratio: number; r: number; b1: number; b2: number; eps: number; gamma: number; wd: number }): number[][] {
  let W = T(W0); // [out, in] = m×n
  const m = W.length, n = W[0].length;
  let M: Mat = scal(W, 0), V: Mat = Array.from({ length: m }, () => Array(r).fill(0));
  let P: Mat = [], GG: Mat = [];
  return Gs.map((G0, k) => {
    const t = k + 1;
    const G = T(G0);
    M = add(scal(M, b1), G);
    if (t === 1) {
      const { values, V: E } = jacobi(mm(T(G), G));
      const order = values.map((_, i) => i).sort((i, j) => values[j] - values[i]).slice(0, r);
      P = E.map((row) => order.map((j) => row[j]));
      const GP = mm(G, P);
      GG = scal(mm(T(GP), GP), 1 - b2);
    } else {
      const Pold = P;
      P = qrQ(add(scal(mm(P, GG), b2), mm(T(G), mm(G, P)), 1 - b2));
      const Tm = mm(T(Pold), P);
      const GP = mm(G, P);
      GG = add(scal(mm(mm(T(Tm), GG), Tm), b2), mm(T(GP), GP), 1 - b2);
    }
    const low = mm(G, P);
    V = add(scal(V, b2), low.map((row) => row.map((x) => x * x)), 1 - b2);
    const c1 = (1 - b1 ** t) / (1 - b1);
    const Gh = scal(add(G, M, b1), 1 / (1 + b1 * c1));
    const GhP = mm(Gh, P);
    const A = mm(GhP.map((row, i) => row.map((x, j) => x / (Math.sqrt(V[i][j] / (1 - b2 ** t)) + eps))), T(P));
    const sc = Math.sqrt(m * n);
    const O5 = ns5(add(Gh, mm(GhP, T(P)), -1));
    const D = add(A, O5, (gamma * sc) / (fro(O5) + eps));
    W = add(scal(W, 1 - lr * wd), D, (-lr * ratio * sc) / (fro(D) + eps));
    return T(W).flat();
  });
}

backendTest('cosmos: Algorithm 1 — power-iteration subspace P, Adam inside it, normalised NS5 remainder, normalised step', async () => {
  for (const [rows, cols, r] of [[4, 3, 2], [3, 5, 1]]) {
    const W0 = seq(rows, cols, 1)[0];
    const Gs = seq(rows, cols, 4);
    const h = { lr: 0.01, ratio: 0.5, r, b1: 0.9, b2: 0.95, eps: 1e-8, gamma: 0.2, wd: 0.1 };
    const exp = cosmosReference(W0, Gs, h);
    const opt = O.cosmos({ lr: h.lr, lrRatio: h.ratio, rank: r, b1: h.b1, b2: h.b2, eps: h.eps, gamma: h.gamma, weightDecay: h.wd });
    close(await runMatrix(opt, W0, Gs), exp, { label: `cosmos ${rows}x${cols} r=${r}`, rtol: 3e-3, atol: 3e-5 });
  }
});

/** mulberry32 uniforms (the PRNG Sophia-G documents for its label sampler). */
function mulberry(n: number, seed: number): { u: number[]; seed: number } {
  let a = seed >>> 0;
  const u: number[] = [];
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    u.push(((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return { u, seed: a };
}

backendTest('sophiaG (GNB): ĥ from the gradient with labels sampled from the model softmax, then the clipped step', async () => {
  const r = rand(3);
  const n = 6, d = 3, C = 3;
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * r()));
  const Y = X.map((_, i) => Array.from({ length: C }, (_, c) => (c === i % C ? 1 : 0)));
  const model = linear({ input: d, output: C, bias: false });
  const xt = tf.tensor2d(X), yt = tf.tensor2d(Y);
  const P = fromModel(model, { x: xt, y: yt }, 'crossEntropy');
  const w0 = Array.from({ length: d * C }, () => r());
  const h = { lr: 0.05, b1: 0.9, b2: 0.8, rho: 0.5, weightDecay: 0.1, k: 2 };
  // float64 reference
  const softmax = (z: number[]) => { const mx = Math.max(...z); const e = z.map((x) => Math.exp(x - mx)); const s = e.reduce((a, b) => a + b, 0); return e.map((x) => x / s); };
  const gradOf = (w: number[], labels: number[][]) => {
    const g = Array(d * C).fill(0);
    X.forEach((x, i) => {
      const p = softmax(Array.from({ length: C }, (_, c) => x.reduce((s, xi, j) => s + xi * w[j * C + c], 0)));
      for (let j = 0; j < d; j++) for (let c = 0; c < C; c++) g[j * C + c] += (x[j] * (p[c] - labels[i][c])) / n;
    });
    return g;
  };
  let w = w0.slice(), m = Array(d * C).fill(0), hh = Array(d * C).fill(0), seed = 0x5eed;
  const exp: number[][] = [];
  for (let t = 1; t <= 4; t++) {
    const g = gradOf(w, Y);
    if ((t - 1) % h.k === 0) {
      const s = mulberry(n, seed); seed = s.seed;
      const labels = X.map((x, i) => {
        const p = softmax(Array.from({ length: C }, (_, c) => x.reduce((acc, xi, j) => acc + xi * w[j * C + c], 0)));
        let cdf = 0, c = 0;
        for (; c < C - 1; c++) { cdf += p[c]; if (s.u[i] <= cdf) break; }
        return Array.from({ length: C }, (_, k) => (k === c ? 1 : 0));
      });
      const gh = gradOf(w, labels);
      hh = hh.map((x, i) => h.b2 * x + (1 - h.b2) * gh[i] ** 2);
    }
    m = m.map((x, i) => h.b1 * x + (1 - h.b1) * g[i]);
    w = w.map((x, i) => x * (1 - h.lr * h.weightDecay) - h.lr * Math.sign(m[i]) * Math.min(Math.abs(m[i]) / Math.max(h.rho * hh[i], 1e-15), 1));
    exp.push(w.slice());
  }
  const opt = O.sophiaG(h);
  let wt = tf.tensor1d(w0) as Tensor1D;
  let s = opt.init(wt);
  const got: number[][] = [];
  for (let t = 1; t <= 4; t++) {
    const g = P.grad(wt);
    const res = await opt.update(g, s, wt, { problem: P, w: wt });
    O.disposeState(s); s = res.state;
    const w2 = O.applyUpdates(wt, res.updates) as Tensor1D;
    tf.dispose([g, wt, res.updates as Tensor]);
    wt = w2;
    got.push(Array.from(await read(wt)));
  }
  close(got, exp, { label: 'sophiaG gnb', rtol: 1e-3, atol: 1e-5 });
  // The empirical-Fisher option is a different estimator (ĥ from the observed gradient) and gives other iterates.
  const ef = O.sophiaG({ ...h, estimator: 'empiricalFisher' });
  let s2 = ef.init(wt);
  const g = P.grad(wt);
  const r1 = await ef.update(g, s2, wt, { problem: P, w: wt });
  const r2 = await opt.update(g, opt.init(wt), wt, { problem: P, w: wt });
  const hOf = (st: O.OptState) => Object.values((st as { h: Record<string, Tensor> }).h)[0];
  const [a, b] = [await read(hOf(r1.state)), await read(hOf(r2.state))];
  assert.ok(a.some((x, i) => Math.abs(x - b[i]) > 1e-3 * Math.abs(x)), 'gnb and empiricalFisher estimators give different curvature estimates');
  await assert.rejects(() => opt.update(g, s, wt, { problem: problem((v) => tf.sum(v), { dim: d * C }), w: wt }), /model Problem/);
  O.disposeState(s); O.disposeState(s2); O.disposeState(r1.state); O.disposeState(r2.state);
  tf.dispose([g, wt, r1.updates as Tensor, r2.updates as Tensor, xt, yt]);
  P.dispose();
});

backendTest('sophiaG (GNB) in fl.train on a minibatch model problem: labels sampled on each minibatch, the loss falls', async () => {
  const { train } = await import('../../src/lab/train.js');
  const r = rand(9);
  const n = 24, d = 3, C = 3;
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * r()));
  const cls = X.map((x) => (x[0] > 0.15 ? 0 : x[1] > 0 ? 1 : 2));
  const xt = tf.tensor2d(X), yt = tf.tensor2d(cls.map((c) => Array.from({ length: C }, (_, k) => (k === c ? 1 : 0))));
  const model = linear({ input: d, output: C });
  const S = fromModel(model, { x: xt, y: yt }, 'crossEntropy', { batch: 8, seed: 1 });
  const F = fromModel(model, { x: xt, y: yt }, 'crossEntropy');
  const w0 = tf.tensor1d(model.init(0)) as Tensor1D;
  const lossAt = async (w: Tensor1D) => { const t = F.loss(w); const v = (await read(t))[0]; t.dispose(); return v; };
  const L0 = await lossAt(w0);
  const run = await train(S, O.sophiaG({ lr: 0.05, rho: 0.05, weightDecay: 0, k: 2 }), { w0, steps: 40, progress: false, batch: (step) => { S.sample(step); return S; } });
  const L = await lossAt(run.w);
  assert.ok(L < 0.8 * L0, `loss ${L0} → ${L}`);
  run.w.dispose(); O.disposeState(run.state); w0.dispose(); S.dispose(); F.dispose(); tf.dispose([xt, yt]);
});
