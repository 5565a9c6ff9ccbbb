/**
 * The last-iterate bound (Defazio et al. 2023, Theorem 10; Schaipp et al. 2025): against the
 * double sums written out directly, the closed form for a constant rate, the paper's closed-form
 * upper bound for WSD (their Theorem for linear cooldown), and SGD on f(x) = |x| (convex,
 * 1-Lipschitz) whose last iterate it must bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastIterateBound, lastIterateBoundCurve, lastIterateBoundTerms, optimalBaseLr, scheduleLrs } from '../../src/lab/last-iterate-bound.js';
import * as S from '../../src/optim/schedules.js';

const rel = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${what}: got ${a}, expected ${b}`);

/** The bound straight from its definition, O(T²), 1-based indices as in the theorem. */
function direct(eta: number[], D: number, G: number[]): number {
  const T = eta.length;
  const e = (t: number) => eta[t - 1], g2 = (t: number) => G[t - 1] ** 2;
  let sum = 0, sq = 0;
  for (let t = 1; t <= T; t++) { sum += e(t); sq += e(t) ** 2 * g2(t); }
  let last = 0;
  for (let k = 1; k <= T - 1; k++) {
    let after = 0, from = 0, fromSq = 0;
    for (let t = k + 1; t <= T; t++) after += e(t);
    for (let t = k; t <= T; t++) { from += e(t); fromSq += e(t) ** 2 * g2(t); }
    last += (e(k) / after) * (fromSq / from);
  }
  return D * D / (2 * sum) + sq / (2 * sum) + last / 2;
}

const harmonic = (n: number) => { let h = 0; for (let i = 1; i <= n; i++) h += 1 / i; return h; };

test('lastIterateBound equals the double sums of its definition (any rates, per-step G)', () => {
  const eta = [0.3, 0.5, 0.2, 0.4, 0.1, 0.25, 0.05];
  const G = [1, 2, 0.5, 1.5, 1, 3, 2];
  rel(lastIterateBound(eta, { D: 2, G }), direct(eta, 2, G), 1e-12, 'varied rates');
  const t = lastIterateBoundTerms([1, 1, 1], { D: 1, G: 1 });
  rel(t.distance, 1 / 6, 1e-15, 'distance'); rel(t.noise, 1 / 2, 1e-15, 'noise'); rel(t.lastIterate, 3 / 4, 1e-15, 'last iterate');
  assert.throws(() => lastIterateBound([1, 1, 0]), /last weight η_T must be > 0/);
  assert.throws(() => lastIterateBound([1, -1, 1]), /finite and ≥ 0/);
  assert.throws(() => lastIterateBound([1, 1], { G: [1] }), /one per learning rate/);
});

test('constant rate: Ω = D²/(2γT) + (γG²/2)(1 + H_{T−1}); γ* and Ω* in closed form', () => {
  const T = 250, D = 3, G = 2, g = 0.01;
  rel(lastIterateBound(Array(T).fill(g), { D, G }), D * D / (2 * g * T) + (g * G * G / 2) * (1 + harmonic(T - 1)), 1e-12, 'Ω');
  const { lr, bound } = optimalBaseLr(Array(T).fill(1), { D, G });
  rel(lr, D / (G * Math.sqrt(T * (1 + harmonic(T - 1)))), 1e-12, 'γ*');
  rel(bound, D * G * Math.sqrt((1 + harmonic(T - 1)) / T), 1e-12, 'Ω*');
  // Ω* is the minimum over γ: nearby rates do worse.
  for (const f of [0.9, 1.1]) assert.ok(lastIterateBound(Array(T).fill(lr * f), { D, G }) > bound);
});

test('WSD with linear cooldown: Ω* below Schaipp et al.\'s closed-form bound for it (their Theorem), and close to it', () => {
  // Their schedule (T + 1 steps, cooldown c = ⌊0.2(T + 1)⌋ steps from T0 = T + 1 − c): 1 until T0,
  // then 1 − (j + 1)/c; the bound uses the first T values.
  for (const T of [100, 700, 2900]) {
    const c = Math.floor(0.2 * (T + 1)), T0 = T + 1 - c;
    const eta = Array.from({ length: T }, (_, k) => (k < T0 ? 1 : 1 - (k - T0 + 1) / c));
    const a = 4 * (2 / 3 + (T + 2 * T0) / (3 * (T + T0)) + harmonic(T + T0 - 2) - harmonic(T - T0 + 1)
      - ((T - T0) * (T0 - 1)) / (3 * (T - T0 + 2) * (T + T0)) + 1 / (T - T0) ** 2 + harmonic(T - T0 - 1) / (T - T0 + 1)) / (T + T0);
    const theorem = Math.sqrt(a);   // D = G = 1
    const { bound } = optimalBaseLr(eta, { D: 1, G: 1 });
    assert.ok(bound <= theorem && bound >= 0.8 * theorem, `T = ${T}: Ω* ${bound} vs theorem ${theorem}`);
  }
});

test('scheduleLrs takes η(0) … η(T); cosine to the run\'s end needs a horizon of T + 1', () => {
  const T = 50;
  const lrs = scheduleLrs(S.cosineDecay({ init: 1, steps: T + 1 }), T);
  assert.equal(lrs.length, T + 1);
  assert.ok(lrs[T] > 0 && lrs[T] < 1e-2);
  assert.throws(() => lastIterateBound(scheduleLrs(S.cosineDecay({ init: 1, steps: T }), T)), /horizon one step longer/);
  // The anytime curve at t uses η(0) … η(t): its last value is the full bound.
  const curve = lastIterateBoundCurve(lrs, { D: 1, G: 1 });
  assert.equal(curve.length, T);
  rel(curve[T - 1], lastIterateBound(lrs), 1e-12, 'curve end');
  rel(curve[9], lastIterateBound(lrs.slice(0, 11)), 1e-12, 'curve at t = 10');
});

test('the bound holds for SGD on f(x) = |x| (convex, G = 1), for every schedule and rate', () => {
  const T = 300, x1 = 2;
  const shapes = {
    constant: S.constant(1), cosine: S.cosineDecay({ init: 1, steps: T + 1 }), linear: S.linear({ init: 1, end: 0, steps: T + 1 }),
    wsd: S.warmupStableDecay({ peak: 1, warmup: 0, steps: T + 1, decay: 60 }), step: S.step({ init: 1, boundaries: { 150: 0.1 } }),
  };
  for (const [name, s] of Object.entries(shapes)) {
    for (const g of [0.003, 0.01, 0.03, 0.1, 0.5]) {
      let x = x1;
      for (let t = 0; t < T; t++) x -= g * s(t) * Math.sign(x);   // deterministic subgradient, ‖g‖ ≤ 1
      const omega = lastIterateBound(scheduleLrs(s, T).map((v) => g * v), { D: x1, G: 1 });
      assert.ok(Math.abs(x) <= omega, `${name}, γ = ${g}: f(x_T) = ${Math.abs(x)} > Ω = ${omega}`);
    }
  }
});
