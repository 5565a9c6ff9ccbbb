/** SOAP: Adam in the eigenbasis of Shampoo's preconditioner. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { orthonormalizeValues, topEigvecs } from './linalg.js';

type SoapLeaf = { m: Tensor; v: Tensor; L: Tensor | null; QL: Tensor | null; R: Tensor | null; QR: Tensor | null; k: number };

/** [rows, cols] view of a leaf: matrices as [in, out], vectors as a column [n, 1]. */
function view(x: Tensor): Tensor { return x.rank >= 2 ? tf.reshape(x, [-1, x.shape[x.rank - 1]]) : tf.reshape(x, [-1, 1]); }
const project = (X: Tensor, QL: Tensor | null, QR: Tensor | null) => {
  let Y = X;
  if (QL) Y = tf.matMul(QL as never, Y as never, true, false);
  if (QR) Y = tf.matMul(Y as never, QR as never);
  return Y;
};
const projectBack = (X: Tensor, QL: Tensor | null, QR: Tensor | null) => {
  let Y = X;
  if (QL) Y = tf.matMul(QL as never, Y as never);
  if (QR) Y = tf.matMul(Y as never, QR as never, false, true);
  return Y;
};

/**
 * SOAP (Vyas et al. 2024, arXiv 2409.11321), following the official code: per leaf ([in, out]
 * view; vectors as a column) keep L ← βL + (1−β)GGᵀ, R ← βR + (1−β)GᵀG (β = shampooBeta, sides
 * longer than maxPrecondDim or of size 1 stay identity). Step 1 only builds L, R and their
 * eigenbases Q (descending eigh) — no parameter update, as in the reference. Then each step:
 * G' = Q_LᵀGQ_R; m ← b1m + (1−b1)G (original basis); v ← b2v + (1−b2)G'²;
 * N = Q_L [Q_Lᵀ m Q_R /(√v + ε)] Q_Rᵀ; θ ← θ − η(√bc₂/bc₁)N − ηλθ (bias corrections count the
 * update steps); then update L, R and every `precondFreq` steps refresh Q by one power-iteration
 * + QR step with v's coordinates re-sorted by the estimated eigenvalues (the reference's
 * get_orthogonal_matrix_QR). Defaults η 3e-3, b1 0.95, b2 0.95, ε 1e-8, λ 0.01, freq 10.
 * @example const opt = withSpec(P.spec!, soap({ lr: 3e-3 }));
 */
export function soap({ lr = 3e-3, b1 = 0.95, b2 = 0.95, shampooBeta, eps = 1e-8, weightDecay = 0.01, precondFreq = 10, maxPrecondDim = 1024 }: { lr?: HyperValue; b1?: number; b2?: number; shampooBeta?: number; eps?: number; weightDecay?: number; precondFreq?: number; maxPrecondDim?: number } = {}) {
  const beta = shampooBeta ?? b2;
  const useSide = (n: number) => n > 1 && n <= maxPrecondDim;
  /** L ← βL + (1−β)GGᵀ, R ← βR + (1−β)GᵀG (null where a side is not preconditioned). */
  const nextLR = (g: Tensor, s: SoapLeaf) => {
    const G = view(g);
    return {
      L: s.L ? tf.add(tf.mul(s.L, beta), tf.mul(tf.matMul(G as never, G as never, false, true), 1 - beta)) : null,
      R: s.R ? tf.add(tf.mul(s.R, beta), tf.mul(tf.matMul(G as never, G as never, true, false), 1 - beta)) : null,
    };
  };
  return leafwise<SoapLeaf>('soap', { lr, b1, b2, shampooBeta: beta, eps, weightDecay, precondFreq, maxPrecondDim }, {
    init: (p) => {
      const [m, n] = view(p).shape;
      return { m: tf.zerosLike(p), v: tf.zeros([m, n]), L: useSide(m) ? tf.zeros([m, m]) : null, QL: null, R: useSide(n) ? tf.zeros([n, n]) : null, QR: null, k: 0 };
    },
    // Step 1 reads the new L, R (their eigenbases); a refresh step reads L, R's Rayleigh estimates
    // diag(QᵀAQ) and the power step AQ. Every leaf's matrices come in one packed transfer.
    read: (g, s, _p, t) => {
      const k = s.k + 1;
      if (t !== 1 && k % precondFreq !== 0) return undefined;
      const { L, R } = nextLR(g, s);
      const req: Record<string, Tensor> = {};
      if (t === 1) {
        if (L) req.L = L;
        if (R) req.R = R;
        return req;
      }
      for (const [name, A, Q] of [['L', L, s.QL], ['R', R, s.QR]] as const) {
        if (!A || !Q) continue;
        const AQ = tf.matMul(A as never, Q as never);
        req[name] = A;
        req[`est${name}`] = tf.sum(tf.mul(Q, AQ), 0);
        req[`AQ${name}`] = AQ;
      }
      return req;
    },
    update: (g, s, p, t, _key, _ctx, fetched) => {
      const G = view(g);
      const next = fetched.L || fetched.R ? null : nextLR(g, s);
      const L = fetched.L?.tensor ?? next?.L ?? null;
      const R = fetched.R?.tensor ?? next?.R ?? null;
      if (t === 1) {
        const basis = (f: { values: Float32Array } | undefined, A: Tensor | null) => (f && A ? topEigvecs(f.values, A.shape[0]) : null);
        return { u: tf.zerosLike(g), s: { m: s.m, v: s.v, L, R, QL: basis(fetched.L, L), QR: basis(fetched.R, R), k: 0 } };
      }
      const k = s.k + 1;
      const Gp = project(G, s.QL, s.QR);
      const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
      let v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(Gp), 1 - b2));
      const N = projectBack(tf.div(project(view(m), s.QL, s.QR), tf.add(tf.sqrt(v), eps)), s.QL, s.QR);
      const eta = hyperAt(lr, t - 1);
      let u = tf.mul(tf.reshape(N, g.shape), -eta * Math.sqrt(1 - Math.pow(b2, k)) / (1 - Math.pow(b1, k)));
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      // Uses the reference's order: the preconditioner update and basis refresh follow the step.
      let QL = s.QL;
      let QR = s.QR;
      const refresh = (name: 'L' | 'R', axis: number): Tensor | null => {
        const est = fetched[`est${name}`]?.values;
        const AQ = fetched[`AQ${name}`];
        if (!est || !AQ) return null;
        const n = est.length;
        const order = Array.from(est, (_, i) => i).sort((i, j) => est[j] - est[i]);
        v = tf.gather(v, tf.tensor1d(order, 'int32'), axis);
        // A·Q[:, order] is AQ with its columns permuted: permute on the host, then thin QR there.
        const rows = AQ.tensor.shape[0];
        const permuted = new Float32Array(rows * n);
        for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) permuted[i * n + j] = AQ.values[i * n + order[j]];
        return orthonormalizeValues(permuted, rows, n);
      };
      if (k % precondFreq === 0) {
        QL = refresh('L', 0) ?? QL;
        QR = refresh('R', 1) ?? QR;
      }
      return { u, s: { m, v, L, R, QL, QR, k } };
    },
  }, { needsParams: weightDecay !== 0 });
}
