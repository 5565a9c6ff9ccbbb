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
  state: { gradientDepth: number; kernelDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
}

/**
 * H(w)vᵢ for several vᵢ, sharing one forward and one backward pass: ∇L(w) is computed once on a
 * tape that stays open, then each ⟨∇L, vᵢ⟩ is differentiated through it. Saves one loss+gradient
 * evaluation per extra vector compared with k separate HVPs. Uses TF.js engine internals (tape
 * start/end, tape cleanup exactly as `engine.gradients` does at depth 0); falls back to k HVPs
 * when they are not there.
 */
export function hvpBatchOf(f: (x: T1) => tf.Scalar, w: T1, vs: T1[]): T1[] {
  return onOpenTape(() => {
    const g = gradOf(f, w);
    return vs.map((v) => gradOnTape(tf.sum(tf.mul(g, v)), w, false));
  }) ?? vs.map((v) => hvpOf(f, w, v));
}

/**
 * One shared pass for L(w), ∇L(w), H(w)uᵢ for every uᵢ and ∇_w(uᵢᵀH(w)uⱼ) for each (i, j) in
 * `pairs`: the forward and backward pass run once, each H uⱼ once, on a tape that stays open, and
 * each pair costs one more backward pass through H uⱼ (reverse-over-reverse-over-reverse). Versus
 * separate calls this saves, per pair, the forward, the backward and the HVP that
 * `curvatureGradOf` redoes. Same engine internals and fallback as `hvpBatchOf`.
 * @example const r = curvatureGradBatchOf(f, w, [u, v], [[0, 0], [0, 1], [1, 1]]); // r.curvatureGrads[1] = ∇(uᵀHv)
 */
export function curvatureGradBatchOf(f: (x: T1) => tf.Scalar, w: T1, us: T1[], pairs: ReadonlyArray<readonly [number, number]>): { value: tf.Scalar; grad: T1; hvps: T1[]; curvatureGrads: T1[] } {
  const fused = onOpenTape(() => {
    const { value, grads } = tf.engine().gradients(() => f(w), [w], undefined, true);
    const g = (grads[0] as T1 | undefined) ?? tf.zerosLike(w);
    const differentiated = new Set(pairs.map(([, j]) => j));
    const hvps = us.map((u, j) => gradOnTape(tf.sum(tf.mul(g, u)), w, differentiated.has(j)));
    const curvatureGrads = pairs.map(([i, j]) => gradOnTape(tf.sum(tf.mul(hvps[j], us[i])), w, false));
    return { value: value as tf.Scalar, grad: g, hvps, curvatureGrads };
  });
  if (fused) return fused;
  const { value, grad } = valueAndGradOf(f, w);
  return { value, grad, hvps: us.map((u) => hvpOf(f, w, u)), curvatureGrads: pairs.map(([i, j]) => curvatureGradOf(f, w, us[i], us[j])) };
}

/**
 * ∇_w y for a scalar y already computed on the open tape (zeros where y does not depend on w).
 * With `record` false the backward pass is kept off the tape (TF.js records nothing while its
 * kernel depth is above 0): a gradient nobody differentiates again needs no saved tensors.
 */
function gradOnTape(y: tf.Scalar, w: T1, record: boolean): T1 {
  const state = (tf.engine() as unknown as EngineInternals).state;
  if (!record) state.kernelDepth++;
  try {
    const { grads } = tf.engine().gradients(() => y, [w], undefined, true);
    return (grads[0] as T1 | undefined) ?? tf.zerosLike(w);
  } finally {
    if (!record) state.kernelDepth--;
    y.dispose();
  }
}

/**
 * Runs `body` inside tf.tidy on a gradient tape that stays open, so that gradients taken inside it
 * can be differentiated again, then frees the tape's saved tensors exactly as `engine.gradients`
 * does at depth 0. Returns null when the TF.js engine internals are not there (callers fall back).
 */
function onOpenTape<R extends tf.TensorContainer>(body: () => R): R | null {
  const engine = tf.engine() as unknown as EngineInternals;
  if (typeof engine.startTape !== 'function' || !engine.state || typeof engine.state.gradientDepth !== 'number' || typeof engine.state.kernelDepth !== 'number') return null;
  return tf.tidy(() => {
    const outermost = engine.state.gradientDepth === 0;
    engine.startTape();
    try {
      return body();
    } finally {
      engine.endTape();
      if (outermost && engine.state.activeTape) {
        for (const node of engine.state.activeTape) for (const t of node.saved ?? []) t.dispose();
        engine.state.activeTape = null as unknown as [];
      }
    }
  });
}
