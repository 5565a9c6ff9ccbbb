/**
 * The flagship central-flow figures, inspected as specs (traces, axis titles, ranges) against
 * hand-built comparison tables: Figure 1 of Cohen, Damian et al. (ICLR 2025, arXiv:2410.24206)
 * — train loss and sharpness of GD, gradient flow and the central flow — and the log-variance
 * panel of the four-panel comparison, clipped to the meaningful range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import * as plot from '../../src/plot/index.js';

type Tr = Record<string, any>;
const titleOf = (ax: any) => ax?.title?.text;

/** A comparison table: GF sharpens linearly past 2/η; GD oscillates around 2/η after step 20; CF sits at 2/η. */
function comparison(lr: number, n = 60, eos = 20) {
  return aq.from(Array.from({ length: n }, (_, i) => ({
    step: i,
    lossOpt: 1 / (1 + i) + (i > eos ? 0.05 * (i % 2) : 0),
    lossCF: 1 / (1 + i),
    lossGF: 1 / (1 + 2 * i),
    lossPredicted: 1 / (1 + i) + 0.025,
    eig_1: Math.min(2, 0.1 * i) + (i > eos ? (i % 2 ? 0.05 : -0.05) : 0), // effective η·λ, as compareFlows writes
    eigCF_1: Math.min(2, 0.1 * i),
    eigGF_1: 0.1 * i,
    // X = 0 before EoS; the displacement is round-off there (1e-24), σ² ≈ 1e-3 after
    X_1: i > eos ? 1e-3 : 0,
    displacementSq_1: i > eos ? 1e-3 * (1 + 0.5 * (i % 2)) : 1e-24,
    distOptCF: 0.01, distOptGF: 0.01 * i,
  })));
}

test('centralFlowLossSharpness: Figure 1 — loss and sharpness of GD, gradient flow and the central flow, 2/η line', () => {
  const lr = 0.02;
  const fig = plot.centralFlowLossSharpness(comparison(lr), { lr });
  const onAxis = (a: string) => fig.data.filter((d: Tr) => (d.xaxis ?? 'x') === a);
  const lossTraces = onAxis('x');
  const sharpTraces = onAxis('x2');
  assert.deepEqual(lossTraces.map((d: Tr) => d.name), ['gradient descent', 'gradient flow', 'central flow']);
  assert.deepEqual(sharpTraces.map((d: Tr) => d.name), ['gradient descent', 'gradient flow', 'central flow', '2/η = 100']);
  // readable axis titles (no internal column names), stacked panels sharing the step axis
  assert.equal(titleOf(fig.layout.yaxis), 'train loss');
  assert.equal(titleOf(fig.layout.yaxis2), 'sharpness S(w)');
  assert.equal(titleOf(fig.layout.xaxis2), 'step (iterations)', 'the shared step axis is titled under the bottom panel');
  assert.ok(!titleOf(fig.layout.xaxis), 'and not between the panels');
  const [top, bottom] = [(fig.layout.yaxis as Tr).domain, (fig.layout.yaxis2 as Tr).domain] as number[][];
  assert.ok(top[0] > bottom[1], `loss panel above the sharpness panel: ${top} vs ${bottom}`);
  for (const d of fig.data as Tr[]) assert.ok(!/eig|loss[A-Z]/.test(String(d.name)), `no column name as a label: ${d.name}`);
  // sharpness in raw units: S = eig/η, so the central flow sits on the 2/η line once at EoS
  const cf = sharpTraces[2] as Tr;
  assert.ok(Math.abs(cf.y[40] - 2 / lr) < 1e-9, `central flow S = ${cf.y[40]}`);
  const gf = sharpTraces[1] as Tr;
  assert.ok(Math.abs(gf.y[50] - (0.1 * 50) / lr) < 1e-9, 'gradient flow sharpens past 2/η');
  const ref = sharpTraces[3] as Tr;
  assert.deepEqual(ref.y, [2 / lr, 2 / lr]);
  assert.deepEqual(ref.x, [0, 59]);
  assert.equal(ref.line.dash, 'dash');
  // the loss traces are the table's columns
  assert.deepEqual((lossTraces[0] as Tr).y.slice(0, 3), [1, 0.5, 1 / 3]);
  assert.equal((lossTraces[2] as Tr).line.color, '#000000', 'the central flow in black, as in the paper');
  // each flow appears once in the legend although it is drawn in both panels
  const shown = (fig.data as Tr[]).filter((d) => d.showlegend !== false).map((d) => d.name);
  assert.deepEqual(shown.sort(), ['2/η = 100', 'central flow', 'gradient descent', 'gradient flow']);
});

test('centralFlowLossSharpness: the table’s lr column sets η; without one, effective units with the line at 2; bad input named', () => {
  const t = comparison(0.05).derive({ lr: () => 0.05 });
  const withCol = plot.centralFlowLossSharpness(t);
  assert.ok((withCol.data as Tr[]).some((d) => d.name === '2/η = 40'));
  const effective = plot.centralFlowLossSharpness(comparison(0.05));
  assert.equal(titleOf(effective.layout.yaxis2), 'effective sharpness ηS(w)');
  const line = (effective.data as Tr[]).find((d) => String(d.name).startsWith('edge of stability'))!;
  assert.deepEqual(line.y, [2, 2]);
  assert.throws(() => plot.centralFlowLossSharpness(comparison(0.05), { lr: -1 }), /`lr` must be a positive number/);
  assert.throws(() => plot.centralFlowLossSharpness({ step: [0, 1], other: [1, 2] }), /compareFlows/);
  assert.throws(() => plot.centralFlowLossSharpness({ t: [1] }), /column 'step'/);
});

test('centralFlowPanels: the log variance axis is clipped to the meaningful range, not down to round-off', () => {
  // EoS at step 100: before it, X = 0 and the displacement² is round-off (1e-24) even after smoothing
  const t = comparison(0.02, 200, 100);
  const fig = plot.centralFlowPanels(t, { threshold: 2 });
  const y3 = fig.layout.yaxis3 as Tr;
  assert.equal(y3.type, 'log');
  assert.equal(y3.exponentformat, 'power', 'variances as powers of ten, not SI prefixes (µ)');
  const values = (fig.data as Tr[]).filter((d) => d.xaxis === 'x3').flatMap((d) => d.y as number[]).filter((v) => v > 0);
  const top = Math.log10(Math.max(...values));
  assert.ok(Math.min(...values) < 1e-20, 'the panel does hold round-off values');
  const [lo, hi] = y3.range as number[];
  assert.ok(hi >= top && hi < top + 0.5, `top ${hi} vs log10(max) = ${top}`);
  assert.ok(lo >= top - 4.5 && lo <= top - 4, `bottom ${lo}: 4 decades below the max (round-off at −24 cut off)`);
  assert.ok(lo < Math.log10(1e-3) - 1, 'the predicted X = 1e-3 is well inside the range');
  const tight = plot.centralFlowPanels(t, { threshold: 2, varianceDecades: 1 });
  const [lo1] = (tight.layout.yaxis3 as Tr).range as number[];
  assert.ok(lo1 >= top - 1.2 && lo1 <= top - 1, `varianceDecades: 1 shows one decade: ${lo1}`);
  // values all within the decades: the axis starts at the smallest value (with a little padding)
  const flat = plot.centralFlowPanels(aq.from([0, 1, 2].map((i) => ({ step: i, X_1: 1e-3, displacementSq_1: 2e-3 }))));
  const [flo, fhi] = (flat.layout.yaxis3 as Tr).range as number[];
  assert.ok(flo < -3 && fhi > Math.log10(2e-3) && fhi - flo >= 1 - 1e-12, `at least one decade in view: ${flo}, ${fhi}`);
  const linear = plot.centralFlowPanels(t, { logVariance: false });
  assert.equal((linear.layout.yaxis3 as Tr).range, undefined);
  assert.throws(() => plot.centralFlowPanels(t, { varianceDecades: 0 }), /varianceDecades/);
});
