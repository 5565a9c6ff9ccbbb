/**
 * Small gradient transformations to compose with `chain` (optax's scale_by_*, clip_*, add_*).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { GradientTransformation, HyperValue, OptState, Schedule } from './types.js';
import { defineTransformation, hyperAt, checkHyper } from './core.js';
import { asRecord, globalNormTensor, likeParams, mapParams } from './tree.js';

type CountState = OptState & { count: number };

/**
 * The identity: updates = grads.
 * @example const opt = chain(identity(), scale(-0.1));
 */
export function identity(): GradientTransformation {
  return defineTransformation({ name: 'identity', hyperparams: {}, init: () => ({}), update: (g, s) => ({ updates: g, state: {} }) });
}

/** u = factor·g. @example chain(scaleByAdam(), scale(-1e-3)) */
export function scale(factor: number): GradientTransformation {
  checkHyper('scale', 'factor', factor, Number.isFinite, 'a finite number');
  return defineTransformation({
    name: 'scale', hyperparams: { factor }, init: () => ({}),
    update: (g, s) => ({ updates: mapParams((x) => tf.mul(x, factor), g), state: {} }),
  });
}

/**
 * u = −η(t)·g (the learning-rate step, with optax's sign flip; `flipSign: false` gives +η g).
 * @example chain(clipByGlobalNorm(1), scaleByLearningRate(cosineDecay({ init: 0.1, steps: 1000 })))
 */
export function scaleByLearningRate(lr: HyperValue, { flipSign = true }: { flipSign?: boolean } = {}): GradientTransformation<CountState> {
  checkHyper('scaleByLearningRate', 'lr', lr, (x) => x >= 0, 'a non-negative number or a schedule');
  return defineTransformation<CountState>({
    name: 'scaleByLearningRate', hyperparams: { lr },
    init: () => ({ count: 0 }),
    update: (g, s) => {
      const m = (flipSign ? -1 : 1) * hyperAt(lr, s.count);
      return { updates: mapParams((x) => tf.mul(x, m), g), state: { count: s.count + 1 } };
    },
  });
}

/**
 * u = schedule(t)·g (no sign flip; optax scale_by_schedule).
 * @example chain(scaleByAdam, scaleBySchedule(schedules.cosineDecay({ init: -1e-3, steps: 1000 })))
 */
export function scaleBySchedule(schedule: Schedule): GradientTransformation<CountState> {
  return defineTransformation<CountState>({
    name: 'scaleBySchedule', hyperparams: { schedule },
    init: () => ({ count: 0 }),
    update: (g, s) => ({ updates: mapParams((x) => tf.mul(x, schedule(s.count)), g), state: { count: s.count + 1 } }),
  });
}

/**
 * Clips the global norm: g ← g·min(1, maxNorm/‖g‖₂) (Pascanu et al. 2013, arXiv 1211.5063).
 * @example chain(clipByGlobalNorm(1.0), adam({ lr: 1e-3 }))
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation {
  checkHyper('clipByGlobalNorm', 'maxNorm', maxNorm, (x) => x > 0, 'positive');
  return defineTransformation({
    name: 'clipByGlobalNorm', hyperparams: { maxNorm }, init: () => ({}),
    update: (g) => {
      const n = globalNormTensor(g);
      const factor = tf.minimum(1, tf.div(maxNorm, tf.maximum(n, 1e-30)));
      return { updates: mapParams((x) => tf.mul(x, factor), g), state: {} };
    },
  });
}

/** Unit-wise Frobenius norms: over all axes but the last (TF.js output axis) for rank ≥ 2, the whole tensor otherwise. */
function unitNorm(x: Tensor): Tensor {
  if (x.rank < 2) return tf.sqrt(tf.sum(tf.square(x)));
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  return tf.sqrt(tf.sum(tf.square(x), axes, true));
}

/**
 * Adaptive gradient clipping (AGC; Brock et al. 2021, NFNets, arXiv 2102.06171): per output unit,
 * g ← g·(λ·max(‖w‖, ε)/‖g‖) where ‖g‖ > λ·max(‖w‖, ε). Defaults clipping λ = 0.01, eps 1e-3.
 * Norms are taken per output unit: the LAST axis in TF.js layout (PyTorch's first axis).
 * @example const opt = chain(adaptiveGradClip({ clipping: 0.01 }), sgd({ lr: 0.1 }));
 */
export function adaptiveGradClip({ clipping = 0.01, eps = 1e-3 }: { clipping?: number; eps?: number } = {}): GradientTransformation {
  checkHyper('adaptiveGradClip', 'clipping', clipping, (x) => x > 0, 'positive');
  return defineTransformation({
    name: 'adaptiveGradClip', hyperparams: { clipping, eps }, init: () => ({}), needsParams: true,
    update: (g, s, p) => ({
      updates: mapParams((gi, pi) => {
        const maxNorm = tf.mul(tf.maximum(unitNorm(pi), eps), clipping);
        const gn = unitNorm(gi);
        const clipped = tf.mul(gi, tf.div(maxNorm, tf.maximum(gn, 1e-6)));
        return tf.where(tf.greater(gn, maxNorm), clipped, gi);
      }, g, p!),
      state: {},
    }),
  });
}

/**
 * u = g + λ·θ (decoupled weight decay before the learning-rate step; optax add_decayed_weights).
 * `mask(name, tensor)` returns false for leaves that must not decay (e.g. biases, norms).
 * @example const opt = chain(addDecayedWeights(1e-4, { mask: (name) => !name.endsWith('bias') }), scaleByLearningRate(0.1));
 */
export function addDecayedWeights(weightDecay: HyperValue, { mask }: { mask?: (name: string, p: Tensor) => boolean } = {}): GradientTransformation<CountState> {
  checkHyper('addDecayedWeights', 'weightDecay', weightDecay, (x) => x >= 0, 'non-negative');
  return defineTransformation<CountState>({
    name: 'addDecayedWeights', hyperparams: { weightDecay }, init: () => ({ count: 0 }), needsParams: true,
    update: (g, s, p) => {
      const wd = hyperAt(weightDecay, s.count);
      const gr = asRecord(g);
      const pr = asRecord(p!);
      const out: Record<string, Tensor> = {};
      for (const k of Object.keys(gr)) out[k] = !mask || mask(k, pr[k]) ? tf.add(gr[k], tf.mul(pr[k], wd)) : gr[k];
      return { updates: likeParams(g, out), state: { count: s.count + 1 } };
    },
  });
}
