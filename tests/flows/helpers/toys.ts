/**
 * Analytic toy Problems with CLOSED-FORM derivatives (tf ops, no autodiff), for central-flow tests.
 *
 * "Sharpness toy": w = (x ∈ ℝⁿ, y ∈ ℝᵐ),
 *     L(x, y) = ½ Σᵢ (aᵢᵀy) xᵢ² + ½‖y − y*‖²,
 * so at x = 0 the Hessian is diag(aᵢᵀy) ⊕ I: the sharp directions are the xᵢ axes with curvature
 * Sᵢ(y) = aᵢᵀy, which depends on y only. Derivatives (A = [aᵢ] as n×m rows, s = Ay):
 *   ∇ₓL = s ⊙ x,  ∇ᵧL = ½ Aᵀ(x²) + (y − y*);
 *   H v = (s ⊙ vₓ + x ⊙ (A vᵧ),  Aᵀ(x ⊙ vₓ) + vᵧ);
 *   ∇_w(uᵀHv) = (uₓ ⊙ (A vᵧ) + vₓ ⊙ (A uᵧ),  Aᵀ(uₓ ⊙ vₓ)).
 */
import { tf } from '../../../src/tensor/tf.js';
import type { Problem, Scalar, Tensor1D, Tensor2D } from '../../../src/tensor/types.js';

export interface SharpnessToy extends Problem {
  n: number;
  m: number;
  /** Plain float64 loss (reference for checks). */
  lossRef(w: ArrayLike<number>): number;
  dispose(): void;
}

export function sharpnessToy(A: number[][], ystar: number[]): SharpnessToy {
  const n = A.length;
  const m = ystar.length;
  const At = tf.tensor2d(A.flat(), [n, m]);
  const ys = tf.tensor1d(ystar);
  const split = (w: Tensor1D) => [w.slice(0, n), w.slice(n, m)] as [Tensor1D, Tensor1D];
  const Amul = (y: Tensor1D) => tf.reshape(tf.matMul(At, tf.reshape(y, [m, 1])), [n]) as Tensor1D;
  const ATmul = (x: Tensor1D) => tf.reshape(tf.matMul(tf.reshape(x, [1, n]), At), [m]) as Tensor1D;
  const loss = (w: Tensor1D) => tf.tidy(() => {
    const [x, y] = split(w);
    return tf.add(tf.mul(0.5, tf.sum(tf.mul(Amul(y), tf.square(x)))), tf.mul(0.5, tf.sum(tf.square(tf.sub(y, ys))))) as Scalar;
  });
  const grad = (w: Tensor1D) => tf.tidy(() => {
    const [x, y] = split(w);
    return tf.concat([tf.mul(Amul(y), x), tf.add(tf.mul(0.5, ATmul(tf.square(x))), tf.sub(y, ys))]) as Tensor1D;
  });
  const hvp = (w: Tensor1D, v: Tensor1D) => tf.tidy(() => {
    const [x, y] = split(w);
    const [vx, vy] = split(v);
    return tf.concat([tf.add(tf.mul(Amul(y), vx), tf.mul(x, Amul(vy))), tf.add(ATmul(tf.mul(x, vx)), vy)]) as Tensor1D;
  });
  const P: SharpnessToy = {
    dim: n + m,
    name: 'sharpnessToy',
    n,
    m,
    loss,
    grad,
    lossAndGrad: (w) => ({ loss: loss(w), grad: grad(w) }),
    hvp,
    hvpBatch: (w, V) => tf.tidy(() => tf.stack((V.unstack() as Tensor1D[]).map((v) => hvp(w, v))) as Tensor2D),
    curvatureGrad: (w, u, v) => tf.tidy(() => {
      const [ux, uy] = split(u);
      const [vx, vy] = split(v);
      return tf.concat([tf.add(tf.mul(ux, Amul(vy)), tf.mul(vx, Amul(uy))), ATmul(tf.mul(ux, vx))]) as Tensor1D;
    }),
    lossRef(w) {
      let L = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += A[i][j] * w[n + j];
        L += 0.5 * s * w[i] ** 2;
      }
      for (let j = 0; j < m; j++) L += 0.5 * (w[n + j] - ystar[j]) ** 2;
      return L;
    },
    dispose() { At.dispose(); ys.dispose(); },
  };
  return P;
}
