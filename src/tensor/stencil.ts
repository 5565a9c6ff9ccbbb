/**
 * Finite-difference stencils for mixed directional derivatives, used by the derivative-check harness.
 *
 *   ∂ᵏ f(x + Σⱼ tⱼ dⱼ) / ∂t₁…∂tₖ at t = 0  ≈  Σ over the k-fold product grid of 1-D weights
 *
 * 'central2' uses points ±h (weights ∓1/2h, error O(h²)); 'central4' uses ±h, ±2h
 * (weights (1, −8, 8, −1)/12h, error O(h⁴)). A k-th mixed derivative costs 2ᵏ or 4ᵏ evaluations.
 */

/** The 1-D first-derivative stencils (offsets in units of h, weights before division by h). */
export const STENCILS = {
  central2: { offsets: [-1, 1], weights: [-0.5, 0.5] },
  central4: { offsets: [-2, -1, 1, 2], weights: [1 / 12, -8 / 12, 8 / 12, -1 / 12] },
} as const;

/**
 * The evaluation points of a k-th mixed derivative stencil: coefficient vectors c and weights w,
 * so that the derivative ≈ Σ w·f(c) / hᵏ (lets callers evaluate f in one batch).
 * @example stencilTerms(1, 0.1).map((t) => t.c)   // [[-0.1], [0.1]]
 */
export function stencilTerms(k: number, h: number, scheme: keyof typeof STENCILS = 'central2'): { c: number[]; weight: number }[] {
  const { offsets, weights } = STENCILS[scheme];
  const n = offsets.length;
  const terms: { c: number[]; weight: number }[] = [];
  for (let flat = 0; flat < n ** k; flat++) {
    let r = flat;
    let weight = 1;
    const c = new Array<number>(k);
    for (let j = 0; j < k; j++) {
      const i = r % n;
      r = Math.floor(r / n);
      weight *= weights[i];
      c[j] = offsets[i] * h;
    }
    terms.push({ c, weight });
  }
  return terms;
}

/**
 * k-th mixed directional derivative of `f` at the origin of the coefficient space:
 * `f(c)` evaluates the function at x + Σⱼ cⱼ dⱼ for coefficient vector c of length k.
 * Defaults: scheme 'central2'.
 * @example mixedDerivative(([s, t]) => Math.sin(1 + s) * Math.exp(2 + t), 2, 1e-4) // ≈ cos(1)·e²
 */
export function mixedDerivative(
  f: (c: number[]) => number,
  k: number,
  h: number,
  scheme: keyof typeof STENCILS = 'central2',
): number {
  let total = 0;
  for (const { c, weight } of stencilTerms(k, h, scheme)) total += weight * f(c);
  return total / h ** k;
}
