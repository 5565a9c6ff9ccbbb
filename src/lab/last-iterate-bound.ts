/**
 * The last-iterate suboptimality bound of SGD on convex Lipschitz problems for any learning-rate
 * schedule (Defazio, Cutkosky, Mehta & Mishchenko 2023, arXiv:2310.07831, Theorem 10), which
 * Schaipp, Hägele, Taylor, Şimşekli & Bach 2025 (arXiv:2501.18965) show mirrors the loss curves
 * of schedules in large-model training.
 */
import type { Schedule } from '../optim/types.js';

/** Options of the bound: D = ‖x₁ − x*‖ and G² ≥ E‖g_t‖² (a number, or one value per step). */
export interface BoundOptions { D?: number; G?: number | ArrayLike<number> }

/** The three terms of the bound (their sum is the bound). */
export interface BoundTerms { distance: number; noise: number; lastIterate: number }

function checkLrs(lrs: ArrayLike<number>, who: string): void {
  if (!lrs || lrs.length < 1) throw new RangeError(`${who}: lrs must hold at least one learning rate η₁ … η_T.`);
  for (let t = 0; t < lrs.length; t++) if (!(lrs[t] >= 0) || !Number.isFinite(lrs[t])) throw new RangeError(`${who}: lrs[${t}] = ${lrs[t]}; learning rates must be finite and ≥ 0.`);
  if (!(lrs[lrs.length - 1] > 0)) throw new RangeError(`${who}: the last weight η_T must be > 0 (it weighs the last iterate; a schedule that reaches 0 at the last step makes the bound infinite). Give the schedule a horizon one step longer than the run (e.g. cosineDecay({ steps: steps + 1 })).`);
}

/**
 * The bound's terms for learning rates η₁ … η_T (x_{t+1} = x_t − η_t g_t; the bound is on f(x_T),
 * the iterate after T − 1 steps; η_T only weighs it):
 *   distance    = D² / (2 Σ_{t≤T} η_t)
 *   noise       = Σ_{t≤T} η_t² G_t² / (2 Σ_{t≤T} η_t)
 *   lastIterate = ½ Σ_{k=1}^{T−1} [η_k / Σ_{t=k+1}^{T} η_t] · [Σ_{t=k}^{T} η_t² G_t² / Σ_{t=k}^{T} η_t]
 * in float64 with suffix sums (O(T)). The first two are the classical bound of the η-weighted
 * average iterate; the third is what the last iterate pays on top.
 * @example lastIterateBoundTerms([1, 1, 1], { D: 1, G: 1 }) // { distance: 1/6, noise: 1/2, lastIterate: 1/2·(1/2·1 + 1·1) = 3/4 }
 */
export function lastIterateBoundTerms(lrs: ArrayLike<number>, { D = 1, G = 1 }: BoundOptions = {}): BoundTerms {
  checkLrs(lrs, 'lastIterateBound');
  const T = lrs.length;
  const g2 = (t: number) => { const g = typeof G === 'number' ? G : G[t]; return g * g; };
  if (typeof G !== 'number' && G.length < T) throw new RangeError(`lastIterateBound: G has ${G.length} values; it needs one per learning rate (${T}).`);
  // Suffix sums S_k = Σ_{t≥k} η_t and Q_k = Σ_{t≥k} η_t² G_t² (0-based k).
  const S = new Float64Array(T + 1), Q = new Float64Array(T + 1);
  for (let t = T - 1; t >= 0; t--) { S[t] = S[t + 1] + lrs[t]; Q[t] = Q[t + 1] + lrs[t] * lrs[t] * g2(t); }
  let last = 0;
  for (let k = 0; k < T - 1; k++) if (lrs[k] > 0) last += (lrs[k] / S[k + 1]) * (Q[k] / S[k]);
  return { distance: (D * D) / (2 * S[0]), noise: Q[0] / (2 * S[0]), lastIterate: last / 2 };
}

/**
 * The bound Ω_T ≥ E f(x_T) − f* for SGD with learning rates η₁ … η_T on a convex function with
 * ‖x₁ − x*‖ ≤ D and E‖g_t‖² ≤ G² (sum of `lastIterateBoundTerms`).
 * @example lastIterateBound(Array(100).fill(0.1), { D: 1, G: 1 })
 */
export function lastIterateBound(lrs: ArrayLike<number>, o: BoundOptions = {}): number {
  const { distance, noise, lastIterate } = lastIterateBoundTerms(lrs, o);
  return distance + noise + lastIterate;
}

/**
 * The learning rates a flowlab schedule gives the bound for the iterate after `steps` updates:
 * η(0) … η(steps − 1) drive the updates and η(steps) weighs the last iterate — steps + 1 values.
 * @example scheduleLrs(fl.optim.schedules.cosineDecay({ init: 1, steps: 101 }), 100).length // 101
 */
export function scheduleLrs(schedule: Schedule, steps: number): number[] {
  if (typeof schedule !== 'function') throw new TypeError('scheduleLrs: schedule must be a function of the step (fl.optim.schedules.*).');
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`scheduleLrs: steps must be a positive integer, got ${steps}.`);
  return Array.from({ length: steps + 1 }, (_, t) => schedule(t));
}

/**
 * The base learning rate γ minimising the bound for learning rates γ·s_t (s the schedule's shape):
 * Ω(γ) = A/γ + Bγ with A = D²/(2Σs), B = noise + lastIterate at γ = 1, so γ* = √(A/B) and
 * Ω(γ*) = 2√(AB) (Schaipp et al. 2025, as in their compute_optimal_base). Ω(γ*)/(DG) depends on
 * the shape alone, so the tuned bound ranks schedule shapes independently of D and G.
 * @example optimalBaseLr(scheduleLrs(fl.optim.schedules.linear({ init: 1, end: 0, steps: 101 }), 100), { D: 1, G: 1 })
 */
export function optimalBaseLr(shape: ArrayLike<number>, o: BoundOptions = {}): { lr: number; bound: number } {
  const { distance, noise, lastIterate } = lastIterateBoundTerms(shape, o);
  const B = noise + lastIterate;
  return { lr: Math.sqrt(distance / B), bound: 2 * Math.sqrt(distance * B) };
}

/**
 * The anytime curve: Ω_t for the iterate after t updates, t = 1 … T − 1, from η₁ … η_T (each Ω_t
 * uses η₁ … η_{t+1}; a zero weight η_{t+1} gives Infinity). O(T²).
 * @example lastIterateBoundCurve(scheduleLrs(sched, 200), { D, G }) // 200 values
 */
export function lastIterateBoundCurve(lrs: ArrayLike<number>, o: BoundOptions = {}): number[] {
  const out: number[] = [];
  for (let t = 1; t < lrs.length; t++) {
    const head = Array.from({ length: t + 1 }, (_, k) => lrs[k]);
    const G = typeof o.G === 'number' || o.G === undefined ? o.G : Array.from({ length: t + 1 }, (_, k) => (o.G as ArrayLike<number>)[k]);
    out.push(head[t] > 0 ? lastIterateBound(head, { D: o.D, G }) : Infinity);
  }
  return out;
}
