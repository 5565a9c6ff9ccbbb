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
import { readTidy } from './point.js';
import type { Tensor1D } from '../tensor/types.js';

export type FlowOptimizer = 'gd' | 'scalarRmsprop' | 'rmsprop';
/** A scalar or a per-coordinate diagonal. */
export type Diag = number | Tensor1D;

/** Flow state: step counter t and second moment ν (null for GD, a number for scalar RMSProp). */
export interface FlowState {
  t: number;
  nu: Diag | null;
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

/** The continuous-time description of one optimizer (module doc). All Diag results are new tensors the caller owns. */
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

const isTensor = (d: Diag | null): d is Tensor1D => d instanceof tf.Tensor;

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
  const sqrtHat = (s: FlowState): Diag => {
    const nu = s.nu as Diag;
    return isTensor(nu) ? tf.sqrt(tf.maximum(tf.div(nu, bc(s.t)), 1e-30)) as Tensor1D : Math.sqrt(Math.max(nu / bc(s.t), 1e-30));
  };
  return {
    kind, lr, b2, eps, biasCorrection, c,
    init(g0) {
      if (kind === 'gd') return { t: 1, nu: null };
      if (kind === 'scalarRmsprop') return { t: 1, nu: (1 - b2) * readTidy(() => tf.sum(tf.square(g0)))[0] };
      return { t: 1, nu: tf.tidy(() => tf.mul(tf.square(g0), 1 - b2)) as Tensor1D };
    },
    precond(s) {
      if (kind === 'gd') return 1 / lr;
      return tf.tidy(() => {
        const r = sqrtHat(s);
        return isTensor(r) ? tf.div(tf.add(r, eps), lr) as Tensor1D : (r + eps) / lr;
      }) as Diag;
    },
    dP(s) {
      if (kind === 'gd') return { dNu: 0, dT: 0 };
      const b = bc(s.t);
      const dbInv = biasCorrection ? (b2 ** s.t * Math.log(b2)) / (b * b) : 0; // d(1/bc)/dt
      return tf.tidy(() => {
        const r = sqrtHat(s);
        const nu = s.nu as Diag;
        if (isTensor(r)) {
          const half = tf.div(0.5 / lr, r);
          return { dNu: tf.div(half, b) as Tensor1D, dT: tf.mul(half, tf.mul(nu as Tensor1D, dbInv)) as Tensor1D };
        }
        const half = 0.5 / lr / r;
        return { dNu: half / b, dT: half * (nu as number) * dbInv };
      }) as { dNu: Diag; dT: Diag };
    },
    nuRate(s, g) {
      if (kind === 'gd') return null;
      if (kind === 'scalarRmsprop') return c * (readTidy(() => tf.sum(tf.square(g)))[0] - (s.nu as number));
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

/** Summary of ν for tables: the scalar, or mean/min/max of the diagonal. */
export function nuStats(s: FlowState): Record<string, number> {
  if (s.nu === null) return {};
  if (typeof s.nu === 'number') return { nu: s.nu };
  const nu = s.nu;
  const [mean, min, max] = tf.tidy(() => [tf.mean(nu), tf.min(nu), tf.max(nu)].map((x) => x.arraySync() as number));
  return { nuMean: mean, nuMin: min, nuMax: max };
}
