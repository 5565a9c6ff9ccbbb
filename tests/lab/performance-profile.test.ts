/**
 * Performance profiles and AlgoPerf scores against a small example computed by hand: per-problem
 * medians over seeds (a miss counts as ∞ in the median), ratios to the fastest, the r_max = 4 cut,
 * ρ(τ) as a step function, and the score as the exact area under it (and, independently, the
 * trapezoid rule on a fine grid, as AlgoPerf's scoring code integrates).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { benchmarkScore, median, performanceProfile, performanceRatios } from '../../src/lab/performance-profile.js';
import { benchmarkTables } from '../../src/lab/benchmark-tables.js';

// Three problems, three optimizers, two or three seeds each. Medians (by hand):
//   p1: a 10, b 20, c 50 (> 4 × 10 → ∞)         ratios a 1, b 2, c ∞
//   p2: a ∞ (seeds 30, ∞, ∞), b 15, c 45        ratios a ∞, b 1, c 3
//   p3: a 12 (seeds 8, 16), b 24, c 12 (12, 12, NaN)  ratios a 1, b 2, c 1
const rows = [
  { problem: 'p1', optimizer: 'a', steps: 10 }, { problem: 'p1', optimizer: 'a', steps: 10 },
  { problem: 'p1', optimizer: 'b', steps: 18 }, { problem: 'p1', optimizer: 'b', steps: 22 },
  { problem: 'p1', optimizer: 'c', steps: 50 }, { problem: 'p1', optimizer: 'c', steps: 50 },
  { problem: 'p2', optimizer: 'a', steps: 30 }, { problem: 'p2', optimizer: 'a', steps: Infinity }, { problem: 'p2', optimizer: 'a', steps: null },
  { problem: 'p2', optimizer: 'b', steps: 15 }, { problem: 'p2', optimizer: 'b', steps: 15 },
  { problem: 'p2', optimizer: 'c', steps: 45 }, { problem: 'p2', optimizer: 'c', steps: 45 },
  { problem: 'p3', optimizer: 'a', steps: 8 }, { problem: 'p3', optimizer: 'a', steps: 16 },
  { problem: 'p3', optimizer: 'b', steps: 24 }, { problem: 'p3', optimizer: 'b', steps: 24 },
  { problem: 'p3', optimizer: 'c', steps: 12 }, { problem: 'p3', optimizer: 'c', steps: 12 }, { problem: 'p3', optimizer: 'c', steps: NaN },
];
const byHand: Record<string, number[]> = { a: [1, Infinity, 1], b: [2, 1, 2], c: [Infinity, 3, 1] };

test('median: ∞ takes part, even counts average the middle two', () => {
  assert.equal(median([3, 1, Infinity]), 3);
  assert.equal(median([30, Infinity, Infinity]), Infinity);
  assert.equal(median([8, 16]), 12);
  assert.equal(median([10, Infinity]), Infinity);
});

test('performanceRatios: medians, ratio to the fastest, ∞ beyond r_max = 4', () => {
  const r = performanceRatios(rows, { by: 'steps' }).objects() as Array<Record<string, unknown>>;
  const cell = (p: string, o: string) => r.find((x) => x.problem === p && x.optimizer === o)!;
  assert.equal(r.length, 9);
  ['p1', 'p2', 'p3'].forEach((p, i) => { for (const o of ['a', 'b', 'c']) assert.equal(cell(p, o).ratio, byHand[o][i], `${p}/${o}`); });
  assert.equal(cell('p3', 'c').steps, 12, 'NaN counts as a miss (∞): median of 12, 12, ∞');
  assert.equal(cell('p1', 'c').steps, 50);
  // With r_max = 10 the 5× run on p1 counts.
  const wide = performanceRatios(rows, { by: 'steps', maxRatio: 10 }).objects() as Array<Record<string, unknown>>;
  assert.equal(wide.find((x) => x.problem === 'p1' && x.optimizer === 'c')!.ratio, 5);
  assert.throws(() => performanceRatios(rows, { by: 'time' }), /no column 'time'/);
});

test('performanceProfile: ρ(τ) = fraction of problems with r ≤ τ, a step function', () => {
  const prof = performanceProfile(aq.from(rows), { by: 'steps' }).objects() as Array<{ optimizer: string; tau: number; rho: number }>;
  const rho = (o: string, tau: number) => { const xs = prof.filter((x) => x.optimizer === o && x.tau <= tau + 1e-12); return xs[xs.length - 1].rho; };
  for (const o of ['a', 'b', 'c']) {
    for (const tau of [1, 1.5, 2, 2.99, 3, 4]) assert.equal(rho(o, tau), byHand[o].filter((r) => r <= tau).length / 3, `ρ_${o}(${tau})`);
  }
  const taus = prof.filter((x) => x.optimizer === 'a').map((x) => x.tau);
  assert.ok(taus.includes(3) && taus[0] === 1 && taus[taus.length - 1] === 4, 'grid holds 1 … 4 and the ratio 3 itself');
  for (const o of ['a', 'b', 'c']) {
    const mine = prof.filter((x) => x.optimizer === o);
    assert.ok(mine.every((x, i) => i === 0 || x.rho >= mine[i - 1].rho), `ρ_${o} non-decreasing`);
  }
});

test('benchmarkScore: exact area (1/n) Σ max(0, 4 − r)/3, and the trapezoid rule agrees', () => {
  const s = benchmarkScore(rows, { by: 'steps' }).objects() as Array<{ optimizer: string; score: number; solved: number; fastest: number }>;
  const want: Record<string, number> = { a: (3 + 0 + 3) / 9, b: (2 + 3 + 2) / 9, c: (0 + 1 + 3) / 9 };
  for (const o of ['a', 'b', 'c']) {
    const got = s.find((x) => x.optimizer === o)!;
    assert.ok(Math.abs(got.score - want[o]) < 1e-12, `score ${o}: ${got.score} vs ${want[o]}`);
    assert.equal(got.solved, byHand[o].filter(Number.isFinite).length);
    assert.equal(got.fastest, byHand[o].filter((r) => r === 1).length);
    // AlgoPerf integrates ρ by the trapezoid rule over a grid of τ: on 30001 points it converges to the exact area.
    const grid = Array.from({ length: 30001 }, (_, i) => 1 + 3 * i / 30000);
    const rho = (tau: number) => byHand[o].filter((r) => r <= tau).length / 3;
    const trap = grid.slice(1).reduce((acc, tau, i) => acc + (rho(tau) + rho(grid[i])) / 2 * (tau - grid[i]), 0) / 3;
    assert.ok(Math.abs(trap - want[o]) < 1e-4, `trapezoid ${o}: ${trap}`);
  }
});

test('benchmarkTables: phases kept apart, a table without phase counts as tuned, sweep tables with string infinities', () => {
  const withPhase = [...rows.map((r) => ({ ...r, time: r.steps, phase: 'tuned' })), { problem: 'p1', optimizer: 'a', steps: 99, time: 1, phase: 'default' }];
  const t = benchmarkTables(withPhase);
  const scores = t.scores.objects() as Array<Record<string, unknown>>;
  assert.deepEqual([...new Set(scores.map((x) => x.phase))].sort(), ['default', 'tuned']);
  assert.ok(Math.abs((scores.find((x) => x.phase === 'tuned' && x.by === 'steps' && x.optimizer === 'a')!.score as number) - 6 / 9) < 1e-12);
  assert.equal(scores.find((x) => x.phase === 'default' && x.by === 'steps' && x.optimizer === 'a')!.score, 1, 'alone in its phase, a is the fastest on its only problem');
  const summary = t.summary.objects() as Array<Record<string, unknown>>;
  assert.equal(summary.find((x) => x.phase === 'tuned' && x.problem === 'p2' && x.optimizer === 'a')!.reached, 1);
  const noPhase = benchmarkTables(rows.map((r) => ({ ...r, time: r.steps })));
  assert.deepEqual([...new Set((noPhase.scores.objects() as Array<{ phase: string }>).map((x) => x.phase))], ['tuned']);
  assert.throws(() => benchmarkTables([{ problem: 'p', optimizer: 'o', steps: 1 }]), /no column 'time'/);
  // A table read back from CSV/JSON: numbers as strings, 'Infinity' for a miss.
  const asText = benchmarkTables(rows.map((r) => ({ ...r, steps: String(r.steps), time: String(r.steps) })));
  assert.deepEqual(asText.scores.objects(), noPhase.scores.objects());
});
