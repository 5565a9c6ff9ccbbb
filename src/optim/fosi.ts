/** FOSI: Newton on the top Hessian subspace, a base optimizer on the rest. */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor1D } from '../tensor/types.js';
import type { GradientTransformation, OptState } from './types.js';
import { defineTransformation } from './core.js';
import { asRecord, likeParams } from './tree.js';
import { flatOf, needProblem, unflatLike } from './flatten.js';
import { topEigenpairs } from '../landscape/eigenpairs.js';
import { adam } from './adam.js';

/**
 * FOSI (Sivan, Gal & Schuster 2024, arXiv 2302.08484): every `every` steps compute the top-k
 * Hessian eigenpairs (V, λ) with Lanczos (src/landscape `topEigenpairs`); per step split
 * g = g₁ + g₂ with g₁ = VᵀVg; take a Newton step on the top subspace, −Σᵢ min(α/λᵢ, maxScale)(vᵢ·g)vᵢ
 * (pairs with λᵢ ≤ 0 are left to the base), and the base optimizer's update of g₂ projected off the
 * subspace. Needs `context.problem` (train() passes it). Defaults base adam({ lr }) with lr 1e-3, k 5 (clamped to
 * dim − 1), every 100, α 1, maxScale ∞.
 * @example const run = await train(P, fosi({ base: adam({ lr: 1e-3 }), k: 5 }), { w0, steps: 500 });
 */
export function fosi({ base, lr = 1e-3, k = 5, every = 100, alpha = 1, maxScale = Infinity, maxIter = 100 }: { base?: GradientTransformation; lr?: number; k?: number; every?: number; alpha?: number; maxScale?: number; maxIter?: number } = {}) {
  const inner: GradientTransformation = base ?? (adam({ lr }) as unknown as GradientTransformation);
  type S = OptState & { count: number; V: Tensor | null; scales: number[]; lambdas: number[]; inner: OptState };
  return defineTransformation<S>({
    name: 'fosi', hyperparams: { base: inner.name, k, every, alpha, maxScale, lr: inner.hyperparams.lr },
    init: (p) => ({ count: 0, V: null, scales: [], lambdas: [], inner: inner.init(p) }),
    update: async (grads, s, params, ctx) => {
      const problem = needProblem('fosi', ctx);
      const t = s.count + 1;
      const g = asRecord(grads);
      const w = (ctx.w ?? flatOf(params ? asRecord(params) : g, problem, 'fosi')) as Tensor1D;
      let V = s.V;
      let scales = s.scales;
      let lambdas = s.lambdas;
      if (!V || (t - 1) % every === 0) {
        const kk = Math.max(1, Math.min(k, problem.dim - 1));
        const eig = await topEigenpairs(problem, w, { k: kk, maxIter });
        const keep = eig.values.map((l, i) => [l, i] as const).filter(([l]) => l > 0);
        lambdas = eig.values.slice();
        scales = keep.map(([l]) => Math.min(alpha / l, maxScale));
        V = keep.length ? tf.stack(keep.map(([, i]) => tf.tensor1d(eig.vectors[i]))) : tf.zeros([0, problem.dim]);
      }
      const gf = flatOf(g, problem, 'fosi');
      const has = V.shape[0] > 0;
      const c = has ? tf.matMul(V as never, tf.reshape(gf, [-1, 1]) as never) : null; // [k, 1]
      const g2 = has ? tf.sub(gf, tf.reshape(tf.matMul(V as never, c as never, true, false), [-1])) : gf;
      const r = inner.update(likeParams(grads, unflatLike(g2 as Tensor1D, g, problem)), s.inner, params, ctx);
      let u = flatOf(asRecord(r.updates), problem, 'fosi') as Tensor;
      if (has) {
        const proj = tf.matMul(V as never, tf.reshape(u, [-1, 1]) as never);
        u = tf.sub(u, tf.reshape(tf.matMul(V as never, proj as never, true, false), [-1]));
        const newton = tf.mul(c!, tf.tensor2d(scales, [scales.length, 1]));
        u = tf.sub(u, tf.reshape(tf.matMul(V as never, newton as never, true, false), [-1]));
      }
      return { updates: likeParams(grads, unflatLike(u as Tensor1D, g, problem)), state: { count: t, V, scales, lambdas, inner: r.state } as S };
    },
  });
}
