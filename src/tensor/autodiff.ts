/**
 * Reverse-mode building blocks for the Problem contract: gradients that tolerate a disconnected
 * graph (a linear loss has zero Hessian, a quadratic zero third derivative: TF.js would throw
 * "Cannot compute gradient of y=f(x)"; here the answer is exact zeros), and the nested products
 *
 *   hvp(w, v)             = ∇_w ⟨∇L(w), v⟩                 (reverse-over-reverse)
 *   curvatureGrad(w,u,v)  = ∇_w ⟨∇_w⟨∇L(w), v⟩, u⟩ = ∇_w (uᵀ H(w) v)
 *
 * Exact to third order because flowlab's gradients are higher-order safe (see ./gradients).
 */
import { tfjs as tf } from './tfjs.js';

type T1 = tf.Tensor1D;

/**
 * ∇f(x) for scalar f; zeros where f does not depend on x. Intermediate tensors are freed.
 * @example gradOf((x) => tf.sum(tf.square(x)), x) // 2x
 */
export function gradOf(f: (x: T1) => tf.Scalar, x: T1): T1 {
  return tf.tidy(() => {
    const { value, grads } = tf.engine().gradients(() => f(x), [x], undefined, true);
    const g = grads[0] as T1 | undefined;
    value.dispose();
    return g ?? tf.zerosLike(x);
  });
}

/**
 * f(x) and ∇f(x) in one pass.
 * @example const { value, grad } = valueAndGradOf(f, x);
 */
export function valueAndGradOf(f: (x: T1) => tf.Scalar, x: T1): { value: tf.Scalar; grad: T1 } {
  return tf.tidy(() => {
    const { value, grads } = tf.engine().gradients(() => f(x), [x], undefined, true);
    const g = (grads[0] as T1 | undefined) ?? tf.zerosLike(x);
    return { value: value as tf.Scalar, grad: g };
  });
}

/**
 * H(w)v by differentiating ⟨∇L(w), v⟩ (reverse-over-reverse; Pearlmutter 1994).
 * @example hvpOf((x) => tf.sum(tf.pow(x, 3)), x, v) // 6x ⊙ v
 */
export function hvpOf(f: (x: T1) => tf.Scalar, w: T1, v: T1): T1 {
  return gradOf((x) => tf.sum(tf.mul(gradOf(f, x), v)), w);
}

/**
 * ∇_w(uᵀH(w)v): the third derivative contracted with u and v (central flows need it:
 * Cohen, Damian, Talwalkar, Kolter, Lee, "Understanding Optimization in Deep Learning with Central
 * Flows", ICLR 2025).
 * @example curvatureGradOf((x) => tf.sum(tf.pow(x, 3)), x, u, v) // 6 u ⊙ v
 */
export function curvatureGradOf(f: (x: T1) => tf.Scalar, w: T1, u: T1, v: T1): T1 {
  return gradOf((x) => tf.sum(tf.mul(hvpOf(f, x, v), u)), w);
}

interface EngineInternals {
  startTape(): void;
  endTape(): void;
  state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
}

/**
 * H(w)vᵢ for several vᵢ, sharing one forward and one backward pass: ∇L(w) is computed once on a
 * tape that stays open, then each ⟨∇L, vᵢ⟩ is differentiated through it. Saves one loss+gradient
 * evaluation per extra vector compared with k separate HVPs. Uses TF.js engine internals (tape
 * start/end, tape cleanup exactly as `engine.gradients` does at depth 0); falls back to k HVPs
 * when they are not there.
 */
export function hvpBatchOf(f: (x: T1) => tf.Scalar, w: T1, vs: T1[]): T1[] {
  const engine = tf.engine() as unknown as EngineInternals;
  if (typeof engine.startTape !== 'function' || !engine.state || typeof engine.state.gradientDepth !== 'number') {
    return vs.map((v) => hvpOf(f, w, v));
  }
  return tf.tidy(() => {
    const outermost = engine.state.gradientDepth === 0;
    engine.startTape();
    try {
      const g = gradOf(f, w);
      return vs.map((v) => {
        const { value, grads } = tf.engine().gradients(() => tf.sum(tf.mul(g, v)), [w], undefined, true);
        value.dispose();
        return (grads[0] as T1 | undefined) ?? tf.zerosLike(w);
      });
    } finally {
      engine.endTape();
      if (outermost && engine.state.activeTape) {
        for (const node of engine.state.activeTape) for (const t of node.saved ?? []) t.dispose();
        engine.state.activeTape = null as unknown as [];
      }
    }
  });
}
