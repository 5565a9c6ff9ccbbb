/**
 * Optimizers as preconditioned gradient descent, w ← w − P(s)⁻¹∇L, with a state s = (t, ν), in the
 * continuous-time form central flows need (Cohen, Damian et al. 2025, arXiv:2410.24206, §3–4 and
 * the official src/update_rules.py):
 *   gd:            P = I/η                         (no ν)
 *   scalarRmsprop: P = (√ν̂ + ε)/η · I,  dν/dt = ((1−β₂)/β₂)(‖∇L‖² − ν)
 *   rmsprop:       P = diag(√ν̂ + ε)/η,  dν/dt = ((1−β₂)/β₂)(∇L^⊙2 − ν)
 * with ν̂ = ν/(1 − β₂ᵗ) under bias correction, else ν̂ = ν. The step counter t advances at rate 1
 * (the official code advances it at rate 1/β₂ inside dstate/dt; the difference only touches the
 * bias correction and keeps t equal to the discrete optimizer's step count).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor1D } from '../tensor/types.js';

export type FlowOptimizer = 'gd' | 'scalarRmsprop' | 'rmsprop';
/**
 * A scalar or a per-coordinate diagonal: a number (GD's 1/η, known on the host), a scalar tensor
 * (scalar RMSProp: it depends on ν, which stays on the device) or a Tensor1D diagonal (RMSProp).
 */
export type Diag = number | tf.Tensor;

/**
 * Flow state: step counter t and second moment ν (null for GD, a scalar tensor for scalar RMSProp,
 * a Tensor1D for RMSProp). ν stays on the device: no substep reads it.
 */
export interface FlowState {
  t: number;
  nu: tf.Tensor | null;
}

/** Hyper-parameters shared by every flow. */
export interface RuleOptions {
  lr: number;
  /** β₂ of (scalar) RMSProp. Default 0.99. */
  b2?: number;
  /** ε added to √ν̂. Default 0 (the official default; use > 0 if some gradient coordinate is exactly 0). */
  eps?: number;
  /** Divide ν by 1 − β₂ᵗ. Default false. */
  biasCorrection?: boolean;
}

/** The continuous-time description of one optimizer (module doc). All Diag results are new tensors the caller owns; nothing here reads. */
export interface Rule {
  readonly kind: FlowOptimizer;
  readonly lr: number;
  readonly b2: number;
  readonly eps: number;
  readonly biasCorrection: boolean;
  /** (1 − β₂)/β₂, the rate in dν/dt. */
  readonly c: number;
  /** State after the first update with gradient g0 (ν = (1−β₂)g0², t = 1), as the official code starts its flows. */
  init(g0: Tensor1D): FlowState;
  /** diag of P(s). */
  precond(s: FlowState): Diag;
  /** ∂P/∂ν (elementwise) and ∂P/∂t. */
  dP(s: FlowState): { dNu: Diag; dT: Diag };
  /** Stable part of dν/dt: c(‖g‖² − ν) or c(g² − ν); null for GD. */
  nuRate(s: FlowState, g: Tensor1D): Diag | null;
}

/**
 * Builds the Rule for `kind` after checking the hyper-parameters (defaults: b2 0.99, eps 0, no bias correction).
 * @example const rule = makeRule('scalarRmsprop', { lr: 0.01, b2: 0.99 }); rule.precond(rule.init(g0)) // (√ν̂ + ε)/η
 */
export function makeRule(kind: FlowOptimizer, { lr, b2 = 0.99, eps = 0, biasCorrection = false }: RuleOptions): Rule {
  if (!['gd', 'scalarRmsprop', 'rmsprop'].includes(kind)) throw new Error(`optimizer must be 'gd', 'scalarRmsprop' or 'rmsprop', got '${kind}'.`);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`lr must be a finite number > 0, got ${lr}; pass { lr: 0.01 } for example.`);
  if (!(b2 > 0 && b2 < 1)) throw new Error(`b2 must lie in (0, 1), got ${b2}; the usual value is 0.99.`);
  if (!(eps >= 0)) throw new Error(`eps must be ≥ 0, got ${eps}.`);
  const c = (1 - b2) / b2;
  const bc = (t: number) => (biasCorrection ? 1 - b2 ** t : 1);
  const sqrtHat = (s: FlowState): tf.Tensor => tf.sqrt(tf.maximum(tf.div(s.nu as tf.Tensor, bc(s.t)), 1e-30));
  return {
    kind, lr, b2, eps, biasCorrection, c,
    init(g0) {
      if (kind === 'gd') return { t: 1, nu: null };
      if (kind === 'scalarRmsprop') return { t: 1, nu: tf.tidy(() => tf.mul(tf.sum(tf.square(g0)), 1 - b2)) };
      return { t: 1, nu: tf.tidy(() => tf.mul(tf.square(g0), 1 - b2)) as Tensor1D };
    },
    precond(s) {
      if (kind === 'gd') return 1 / lr;
      return tf.tidy(() => tf.div(tf.add(sqrtHat(s), eps), lr));
    },
    dP(s) {
      if (kind === 'gd') return { dNu: 0, dT: 0 };
      const b = bc(s.t);
      const dbInv = biasCorrection ? (b2 ** s.t * Math.log(b2)) / (b * b) : 0; // d(1/bc)/dt
      return tf.tidy(() => {
        const half = tf.div(0.5 / lr, sqrtHat(s));
        return { dNu: tf.div(half, b), dT: tf.mul(half, tf.mul(s.nu as tf.Tensor, dbInv)) };
      });
    },
    nuRate(s, g) {
      if (kind === 'gd') return null;
      if (kind === 'scalarRmsprop') return tf.tidy(() => tf.mul(tf.sub(tf.sum(tf.square(g)), s.nu as tf.Tensor), c));
      return tf.tidy(() => tf.mul(tf.sub(tf.square(g), s.nu as Tensor1D), c)) as Tensor1D;
    },
  };
}

/** Disposes the tensors of a Diag (no-op for numbers). */
export function disposeDiag(...ds: Array<Diag | null | undefined>): void {
  for (const d of ds) if (d instanceof tf.Tensor) d.dispose();
}

/** d ⊙ v for a scalar or diagonal d (new tensor). */
export function mulDiag(d: Diag, v: tf.Tensor): tf.Tensor {
  return typeof d === 'number' ? tf.mul(v, d) : tf.mul(v, d);
}

/**
 * Summary of ν for tables, as new scalar tensors (the caller reads them with the step's other
 * values, then disposes them): `nu` for scalar RMSProp, nuMean/nuMin/nuMax of the diagonal for
 * RMSProp, nothing for GD.
 */
export function nuStats(s: FlowState): Array<[string, tf.Tensor]> {
  const nu = s.nu;
  if (nu === null) return [];
  if (nu.rank === 0) return [['nu', tf.clone(nu)]];
  return [['nuMean', tf.tidy(() => tf.mean(nu))], ['nuMin', tf.tidy(() => tf.min(nu))], ['nuMax', tf.tidy(() => tf.max(nu))]];
}
