/** FOSI: Newton on the top Hessian subspace, a base optimizer on the rest. */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor1D } from '../tensor/types.js';
import type { GradientTransformation, OptState, Params, UpdateResult } from './types.js';
import { defineAsyncTransformation } from './core.js';
import { asRecord, disposeParams, likeParams } from './tree.js';
import { disposeState } from './state.js';
import { flatOf, needProblem, unflatLike } from './flatten.js';
import { topEigenpairs } from '../landscape/eigenpairs.js';
import { adam } from './adam.js';

/**
 * FOSI (Sivan, Gal & Schuster 2024, arXiv 2302.08484): every `every` steps compute the top-k
 * Hessian eigenpairs (V, λ) with Lanczos (src/landscape `topEigenpairs`, awaited); per step split
 * g = g₁ + g₂ with g₁ = VᵀVg; take a Newton step on the top subspace, −Σᵢ min(α/λᵢ, maxScale)(vᵢ·g)vᵢ
 * (pairs with λᵢ ≤ 0 are left to the base), and the base optimizer's update of g₂ projected off the
 * subspace. Needs `context.problem` (train() passes it). Defaults base adam({ lr }) with lr 1e-3, k 5 (clamped to
 * dim − 1), every 100, α 1, maxScale ∞.
 * @example const run = await train(P, fosi({ base: adam({ lr: 1e-3 }), k: 5 }), { w0, steps: 500 });
 */
export function fosi({ base, lr = 1e-3, k = 5, every = 100, alpha = 1, maxScale = Infinity, maxIter = 100 }: { base?: GradientTransformation; lr?: number; k?: number; every?: number; alpha?: number; maxScale?: number; maxIter?: number } = {}) {
  const inner: GradientTransformation = base ?? (adam({ lr }) as unknown as GradientTransformation);
  type S = OptState & { count: number; V: Tensor | null; scales: number[]; lambdas: number[]; inner: OptState };
  return defineAsyncTransformation<S>({
    name: 'fosi', hyperparams: { base: inner.name, k, every, alpha, maxScale, lr: inner.hyperparams.lr },
    init: (p) => ({ count: 0, V: null, scales: [], lambdas: [], inner: inner.init(p) }),
    update: async (grads, s, params, ctx) => {
      const problem = needProblem('fosi', ctx);
      const t = s.count + 1;
      const g = asRecord(grads);
      let V = s.V;
      let scales = s.scales;
      let lambdas = s.lambdas;
      let fresh: Tensor | null = null;   // a new basis (ours until returned)
      if (!V || (t - 1) % every === 0) {
        const wFlat = ctx.w ? null : flatOf(params ? asRecord(params) : g, problem, 'fosi');
        const kk = Math.max(1, Math.min(k, problem.dim - 1));
        let eig: Awaited<ReturnType<typeof topEigenpairs>>;
        try {
          eig = await topEigenpairs(problem, (ctx.w ?? wFlat) as Tensor1D, { k: kk, maxIter });
        } finally {
          wFlat?.dispose();
        }
        const keep = eig.values.map((l, i) => [l, i] as const).filter(([l]) => l > 0);
        lambdas = eig.values.slice();
        scales = keep.map(([l]) => Math.min(alpha / l, maxScale));
        fresh = tf.tidy(() => (keep.length ? tf.stack(keep.map(([, i]) => tf.tensor1d(eig.vectors[i]))) : tf.zeros([0, problem.dim])));
        V = fresh;
      }
      const basis = V;
      let r: UpdateResult | undefined;
      let g2: Record<string, Tensor> | undefined;
      let c: Tensor | null = null;
      try {
        const has = basis.shape[0] > 0;
        // Split g = VᵀVg + g₂; the base optimizer sees g₂.
        const split = tf.tidy(() => {
          const gf = flatOf(g, problem, 'fosi');
          const cc = has ? tf.matMul(basis as never, tf.reshape(gf, [-1, 1]) as never) : tf.zeros([0, 1]); // [k, 1]
          const rest = has ? tf.sub(gf, tf.reshape(tf.matMul(basis as never, cc as never, true, false), [-1])) : gf;
          return { rest: unflatLike(rest as Tensor1D, g, problem), c: cc };
        });
        g2 = split.rest;
        c = split.c;
        r = await inner.update(likeParams(grads, g2), s.inner, params, ctx);
        const base = r.updates;
        const updates = tf.tidy(() => {
          let u = flatOf(asRecord(base), problem, 'fosi') as Tensor;
          if (has) {
            const proj = tf.matMul(basis as never, tf.reshape(u, [-1, 1]) as never);
            u = tf.sub(u, tf.reshape(tf.matMul(basis as never, proj as never, true, false), [-1]));
            const newton = tf.mul(c!, tf.tensor2d(scales, [scales.length, 1]));
            u = tf.sub(u, tf.reshape(tf.matMul(basis as never, newton as never, true, false), [-1]));
          }
          return likeParams(grads, unflatLike(u as Tensor1D, g, problem)) as never;
        }) as Params;
        disposeParams(base);
        return { updates, state: { count: t, V: basis, scales, lambdas, inner: r.state } as S };
      } catch (e) {
        fresh?.dispose();
        if (r) { disposeParams(r.updates); disposeState(r.state); }
        throw e;
      } finally {
        if (g2) disposeParams(g2);
        c?.dispose();
      }
    },
  });
}
