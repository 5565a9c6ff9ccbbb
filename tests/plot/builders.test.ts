/**
 * Figure builders: semantic checks against closed forms (2/η, test functions, bilinear exactness,
 * PCA of constructed snapshots, hand-computed aggregates) plus snapshot goldens of the figure JSON.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import * as plot from '../../src/plot/index.js';
import { matchSnapshot } from './helpers.js';

type Tr = Record<string, any>;
const titleOf = (ax: any) => ax?.title?.text;

test('lines: one trace per y column, axis titles with units, nulls for NaN', () => {
  const t = aq.table({ step: [0, 1, 2, 3], loss: [1, 0.5, NaN, 0.125], sharpness: [10, 20, 30, 40] });
  const fig = plot.lines(t, { x: 'step', y: ['loss', 'sharpness'], logY: true, title: 'Run' });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data.map((d: Tr) => d.name), ['loss', 'sharpness']);
  assert.deepEqual((fig.data[0] as Tr).y, [1, 0.5, null, 0.125]);
  assert.equal(titleOf(fig.layout.xaxis), 'step (iterations)');
  assert.equal((fig.layout.yaxis as Tr).type, 'log');
  matchSnapshot('lines', fig);
});

test('lines: color groups and facets', () => {
  const rows = [] as Record<string, unknown>[];
  for (const opt of ['gd', 'adam']) for (const lr of [0.1, 0.01]) for (let s = 0; s < 3; s++) rows.push({ opt, lr, step: s, loss: lr * (3 - s) });
  const colored = plot.lines(rows, { y: 'loss', color: 'lr' });
  assert.equal(colored.data.length, 2);
  assert.equal((colored.data[1] as Tr).name, 'lr = 0.01');
  const expected = [0.03, 0.02, 0.01, 0.03, 0.02, 0.01];
  (colored.data[1] as Tr).y.forEach((v: number, i: number) => assert.ok(Math.abs(v - expected[i]) < 1e-15));
  const faceted = plot.lines(rows, { y: 'loss', color: 'lr', facet: 'opt' });
  assert.equal(faceted.data.length, 4, '2 facets × 2 lr groups');
  assert.deepEqual(faceted.data.map((d: Tr) => d.xaxis), ['x', 'x', 'x2', 'x2']);
  assert.ok(faceted.layout.xaxis2, 'second panel has its own axes');
  const titles = (faceted.layout.annotations as Tr[]).map((a) => a.text);
  assert.deepEqual(titles, ['<b>opt = gd</b>', '<b>opt = adam</b>']);
  matchSnapshot('lines-facet', faceted);
});

// Okabe–Ito's eight colors, written out here from Okabe & Ito (2008) rather than read from the theme;
// lines use them without the yellow #F0E442 (too faint on white), in the same order.
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const LINE_COLORS = OKABE_ITO.filter((c) => c !== '#F0E442');
const styleKey = (t: Tr) => `${t.line.color}|${t.line.dash}`;

/** WCAG 2.x contrast ratio of a #RRGGBB color against white: 1.05 / (L + 0.05), L the relative luminance (sRGB linearised). */
function contrastOnWhite(hex: string): number {
  const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = [1, 3, 5].map((i) => lin(parseInt(hex.slice(i, i + 2), 16) / 255));
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

test('palette: Okabe–Ito colors only (CVD-safe), every line color visible on white (WCAG contrast ≥ 2:1), the yellow left out', () => {
  assert.ok(Math.abs(contrastOnWhite('#000000') - 21) < 1e-9 && Math.abs(contrastOnWhite('#ffffff') - 1) < 1e-9, 'the contrast formula: black 21:1, white 1:1');
  assert.ok(contrastOnWhite('#F0E442') < 1.4, 'Okabe–Ito yellow is 1.3:1 on white: a thin line in it all but vanishes');
  const used = new Set<string>([...plot.PALETTE, ...Array.from({ length: 50 }, (_, i) => plot.lineStyle(i).color)]);
  const groups = plot.lines(Array.from({ length: 20 }, (_, k) => ({ g: k, step: 0, y: k })), { y: 'y', color: 'g' });
  for (const t of groups.data as Tr[]) used.add(t.line.color);
  for (const c of (groups.layout.colorway as string[])) used.add(c);
  for (const c of used) {
    assert.ok(OKABE_ITO.includes(c), `${c} is an Okabe–Ito color`);
    assert.ok(contrastOnWhite(c) >= 2, `${c} has contrast ${contrastOnWhite(c).toFixed(2)}:1 on white`);
  }
  assert.deepEqual([...plot.PALETTE], LINE_COLORS, 'the seven others, in Okabe–Ito order');
});

test('lines: ten schedules (color column) are ten distinguishable lines: 7 colors solid, then the first three dashed', () => {
  const names = ['constant', 'cosine', 'warmup-cosine', 'linear', 'wsd-20%', 'wsd-50%', 'polynomial-2', 'step', 'exponential', 'sgdr'];
  const rows = names.flatMap((schedule, k) => [0, 1, 2].map((step) => ({ schedule, step, gap: (k + 1) / (step + 1) })));
  const fig = plot.lines(rows, { y: 'gap', color: 'schedule', logY: true });
  const traces = fig.data as Tr[];
  assert.equal(traces.length, 10);
  assert.equal(new Set(traces.map(styleKey)).size, 10, 'every (color, dash) pair differs');
  assert.deepEqual(traces.map((t) => t.line.color), [...LINE_COLORS, ...LINE_COLORS.slice(0, 3)]);
  assert.deepEqual(traces.map((t) => t.line.dash), [...Array(7).fill('solid'), 'dash', 'dash', 'dash']);
  matchSnapshot('lines-ten-groups', fig);
});

test('lines: any number of traces keep distinct styles; a color value keeps its color across y columns', () => {
  const many = (n: number) => Array.from({ length: n }, (_, k) => ({ g: `g${k}`, step: 0, a: k, b: -k, c: 2 * k }));
  const ten = plot.lines({ step: [0, 1], ...Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`y${k}`, [k, k + 1]])) }, { y: Array.from({ length: 10 }, (_, k) => `y${k}`) });
  assert.equal(new Set((ten.data as Tr[]).map(styleKey)).size, 10, '10 y columns without a color column');
  assert.deepEqual((ten.data as Tr[]).slice(7).map((t) => [t.line.color, t.line.dash]), [[LINE_COLORS[0], 'dash'], [LINE_COLORS[1], 'dash'], [LINE_COLORS[2], 'dash']]);
  for (const n of [9, 48, 49, 200]) {
    const fig = plot.lines(many(n), { y: 'a', color: 'g' });
    assert.equal(new Set((fig.data as Tr[]).map(styleKey)).size, n, `${n} color values`);
  }
  const three = plot.lines(many(10), { y: ['a', 'b', 'c'], color: 'g' });
  const tr = three.data as Tr[];
  assert.equal(new Set(tr.map(styleKey)).size, 30, '3 y columns × 10 values');
  for (let k = 0; k < 10; k++) assert.ok(tr[k].line.color === tr[10 + k].line.color && tr[k].line.color === tr[20 + k].line.color, `value g${k} keeps one color`);
  const dashes = Array.from({ length: 1000 }, (_, k) => plot.lineStyle(7 * k).dash);
  assert.equal(new Set(dashes).size, 1000, 'dash patterns never repeat');
  assert.ok(dashes.slice(6).every((d) => /^(\d+px,)+\d+px$/.test(d)), 'generated patterns are plotly dash lists');
});

test('lines: facets give a color value the same color in every panel, also where another value is missing', () => {
  const rows = [] as Record<string, unknown>[];
  for (const opt of ['gd', 'adam']) for (const lr of opt === 'gd' ? [0.1, 0.01, 0.001] : [0.01, 0.001]) for (let s = 0; s < 2; s++) rows.push({ opt, lr, step: s, loss: lr * (2 - s) });
  const fig = plot.lines(rows, { y: 'loss', color: 'lr', facet: 'opt' });
  const byName = (axis: string) => Object.fromEntries((fig.data as Tr[]).filter((t) => t.xaxis === axis).map((t) => [t.name, t.line.color]));
  assert.deepEqual(byName('x'), { 'lr = 0.1': LINE_COLORS[0], 'lr = 0.01': LINE_COLORS[1], 'lr = 0.001': LINE_COLORS[2] });
  assert.deepEqual(byName('x2'), { 'lr = 0.01': LINE_COLORS[1], 'lr = 0.001': LINE_COLORS[2] }, 'adam has no lr = 0.1: the others keep their colors');
});

test('lines: bad input names the argument and the fix', () => {
  assert.throws(() => plot.lines({ step: [1] }, { y: 'los' }), /column 'los' \(option `y`\) not found; the table has columns \[step\]/);
  assert.throws(() => plot.lines(42 as never, { y: 'loss' }), /`table` must be an arquero table/);
  assert.throws(() => plot.lines({ step: [1] }, {} as never), /option `y` is required/);
});

test('sharpness: dashed 2/η line at y = 2/lr spanning the steps', () => {
  const t = aq.table({ step: [5, 10, 15, 20], sharpness: [50, 120, 190, 201] });
  const fig = plot.sharpness(t, { lr: 0.01 });
  assert.equal(fig.data.length, 2);
  const ref = fig.data[1] as Tr;
  assert.deepEqual(ref.y, [200, 200]);
  assert.deepEqual(ref.x, [5, 20]);
  assert.equal(ref.line.dash, 'dash');
  assert.match(ref.name, /2\/η = 200 \(η = 0\.01\)/);
  assert.equal(titleOf(fig.layout.yaxis), 'sharpness λ₁(H)');
  matchSnapshot('sharpness', fig);
  const multi = plot.sharpness({ step: [0, 1, 0, 1], lr: [0.1, 0.1, 0.04, 0.04], sharpness: [1, 2, 3, 4] }, { color: 'lr' });
  const refs = multi.data.filter((d: Tr) => d.line?.dash === 'dash').map((d: Tr) => d.y[0]);
  assert.deepEqual(refs, [20, 50], 'one 2/η per lr found in the table');
  assert.throws(() => plot.sharpness(t, { lr: -1 }), /`lr` must be a positive number/);
});

test('gaussianSmooth matches a hand-computed kernel average', () => {
  const x = [0, 1, 2];
  const y = [0, 3, 0];
  const s = plot.gaussianSmooth(x, y, 1);
  const k1 = Math.exp(-0.5);
  assert.ok(Math.abs(s[1]! - 3 / (1 + 2 * k1)) < 1e-12);
  assert.ok(Math.abs(s[0]! - (3 * k1) / (1 + k1 + Math.exp(-2))) < 1e-12);
  assert.deepEqual(plot.gaussianSmooth([0, 1], [5, 5], 3), [5, 5]);
});

test('centralFlowPanels: four panels, 2/η line, smoothed displacement, documented columns', () => {
  const n = 40;
  const lr = 0.02;
  const rows = Array.from({ length: n }, (_, i) => ({
    step: i, lr, lossOpt: 1 / (1 + i) + 0.05 * (i % 2), lossCF: 1 / (1 + i), lossPredicted: 1 / (1 + i) + 0.025,
    eig_1: 100 + (i % 2 ? 2 : -2), eig_2: 60 + i, eigCF_1: 100, eigCF_2: 60 + i,
    X_1: 0.01, displacementSq_1: i % 2 ? 0.02 : 0, distOptCF: 0.01, distOptGF: 0.01 * i,
  }));
  const fig = plot.centralFlowPanels(aq.from(rows));
  const axes = ['x', 'x2', 'x3', 'x4'].map((a) => fig.data.filter((d: Tr) => d.xaxis === a).length);
  assert.deepEqual(axes, [3, 5, 2, 2], 'loss ×3; eig ×2 + eigCF ×2 + 2/η; X + smoothed; two distances');
  const ref = fig.data.find((d: Tr) => String(d.name).startsWith('2/η')) as Tr;
  assert.deepEqual(ref.y, [2 / lr, 2 / lr]);
  const sm = fig.data.find((d: Tr) => String(d.name).startsWith('smoothed')) as Tr;
  assert.ok(Math.abs(sm.y[20] - 0.01) < 1e-3, 'alternating 0/0.02 smooths to its mean 0.01 (= X)');
  const titles = (fig.layout.annotations as Tr[]).map((a) => a.text);
  assert.equal(titles.length, 4);
  assert.equal((fig.layout.yaxis3 as Tr).type, 'log');
  matchSnapshot('central-flow', fig);
  assert.throws(() => plot.centralFlowPanels({ t: [1] }), /column 'step'/);
});

test('landscape2d: grid from a long table equals the closed form; surface trajectory is bilinear-exact', () => {
  const f = (a: number, b: number) => 1 + 2 * a - b + 3 * a * b;
  const rows = [];
  for (const b of [-1, 0, 1]) for (const a of [-1, -0.5, 0, 0.5, 1]) rows.push({ alpha: a, beta: b, loss: f(a, b) });
  const traj = [{ alpha: -0.8, beta: 0.7 }, { alpha: 0.3, beta: -0.2 }, { alpha: 0.9, beta: 0.9 }];
  const contour = plot.landscape2d(rows, { trajectory: traj });
  const c = contour.data[0] as Tr;
  assert.equal(c.type, 'contour');
  assert.deepEqual(c.x, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(c.y, [-1, 0, 1]);
  for (let j = 0; j < 3; j++) for (let i = 0; i < 5; i++) assert.equal(c.z[j][i], f(c.x[i], c.y[j]));
  assert.equal(contour.data.length, 2);
  assert.equal(titleOf(contour.layout.xaxis), 'α (direction units)');
  matchSnapshot('landscape2d-contour', contour);
  const surface = plot.landscape2d(rows, { kind: 'surface', trajectory: { name: 'gd', points: traj } });
  const path = surface.data[1] as Tr;
  assert.equal(path.type, 'scatter3d');
  traj.forEach((p, k) => assert.ok(Math.abs(path.z[k] - f(p.alpha, p.beta)) < 1e-12, 'bilinear interpolation is exact for bilinear f'));
  matchSnapshot('landscape2d-surface', surface);
  const pcPath = plot.landscape2d(rows, { trajectory: { name: 'pca path', points: { step: [0, 1], pc1: [0.5, -0.5], pc2: [0, 1] } } });
  assert.deepEqual([(pcPath.data[1] as Tr).x, (pcPath.data[1] as Tr).y, (pcPath.data[1] as Tr).name], [[0.5, -0.5], [0, 1], 'pca path'], 'trajectoryPCA coords (pc1, pc2) overlay the plane');
  const heat = plot.landscape2d({ x: [0, 1], y: [0, 1, 2], z: [[1, 2], [3, 4], [5, 6]] }, { kind: 'heatmap', logZ: true });
  assert.ok(Math.abs((heat.data[0] as Tr).z[2][1] - Math.log10(6)) < 1e-12);
  assert.throws(() => plot.landscape2d({ x: [0, 1], y: [0], z: [[1]] }), /grid z must have 1 rows/);
  const oneD = plot.landscape1d({ alpha: [-1, 0, 1], loss: [1, 0, 1] });
  assert.equal(titleOf(oneD.layout.xaxis), 'α (direction units)');
  matchSnapshot('landscape1d', oneD);
});

test('spectrum: log density axis, density + floor', () => {
  const grid = [-1, 0, 1, 2];
  const fig = plot.spectrum({ grid, density: [0, 0.5, 0.5, 0] }, { eigenvalues: [0.2, 1.7] });
  assert.equal((fig.layout.yaxis as Tr).type, 'log');
  assert.deepEqual((fig.data[0] as Tr).y, [1e-7, 0.5 + 1e-7, 0.5 + 1e-7, 1e-7]);
  assert.equal(fig.data.length, 2);
  matchSnapshot('spectrum', fig);
  assert.throws(() => plot.spectrum({ grid, density: [1, -1, 0, 0] }), /negative/);
});

test('pca: draws fl.landscape.trajectoryPCA of constructed snapshots with closed-form variance labels', async () => {
  const { trajectoryPCA } = await import('../../src/landscape/pca.js');
  const e1 = [1, 0, 0, 0, 0, 0];
  const e2 = [0, 0, 0.6, 0.8, 0, 0];
  const c = [-6, -3, 0, 3, 6];   // centred, Σc² = 90
  const d = [1, -1, 0, -1, 1];   // centred, Σd² = 4, Σcd = 0 → ratios 90/94 and 4/94
  const snaps = c.map((ci, i) => Float32Array.from(e1, (_, j) => 0.5 + ci * e1[j] + d[i] * e2[j]));
  const fig = plot.pca(await trajectoryPCA(snaps));
  assert.equal(titleOf(fig.layout.xaxis), `PC1 (${(100 * 90 / 94).toFixed(1)}% of variance)`);
  assert.equal(titleOf(fig.layout.yaxis), `PC2 (${(100 * 4 / 94).toFixed(1)}% of variance)`);
  const path = fig.data[0] as Tr;
  path.x.forEach((v: number, i: number) => assert.ok(Math.abs(Math.abs(v) - Math.abs(c[i] - c[4])) < 1e-4, 'PC1 coordinate = c_i − c_final'));
  path.y.forEach((v: number, i: number) => assert.ok(Math.abs(Math.abs(v) - Math.abs(d[i] - d[4])) < 1e-4, 'PC2 coordinate = d_i − d_final'));
  assert.deepEqual(path.marker.color, [0, 1, 2, 3, 4], 'colored by step');
  const plain = plot.pca({ coords: [[3, 1], [2, 0.5], [0, 0]], explainedVariance: [0.8, 0.15], steps: [0, 10, 20] });
  assert.equal(titleOf(plain.layout.xaxis), 'PC1 (80.0% of variance)');
  assert.deepEqual((plain.data[2] as Tr).x, [0], 'end marker at the last point');
  matchSnapshot('pca', plain);
  assert.throws(() => plot.pca({ coords: [[0, 0]], explainedVariance: [0.9] }), /two numbers in \[0, 1\]/);
});

test('optimizerRace: Rosenbrock contours, paths, one frame per step chunk ending with the full path', () => {
  const gd: [number, number][] = Array.from({ length: 11 }, (_, i) => [-2 + 0.3 * i, 2 - 0.1 * i]);
  const adam = aq.table({ x: [-2, -1, 0, 1], y: [2, 1, 0.5, 1] });
  const fig = plot.optimizerRace('rosenbrock', { gd, adam }, { resolution: 9, frames: 4 });
  assert.equal(fig.data.length, 1 + 2 + 2 + 1, 'contour, 2 paths, 2 heads, minimum');
  const c = fig.data[0] as Tr;
  const rb = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  const fmin = Math.min(...c.y.flatMap((y: number) => c.x.map((x: number) => rb(x, y))));
  assert.ok(Math.abs(c.z[4][4] - Math.log10(1 + rb(c.x[4], c.y[4]) - fmin)) < 1e-12);
  assert.deepEqual([c.x[0], c.x[8], c.y[0], c.y[8]], [-2.5, 2.5, -1.5, 3.5]);
  const frames = fig.frames!;
  assert.deepEqual(frames.map((f) => f.name), ['step 0', 'step 3', 'step 6', 'step 9', 'step 10'], 'chunks of ceil(10/4) = 3 steps');
  const last = frames[frames.length - 1];
  assert.equal((last.data[0] as Tr).x.length, 11);
  assert.equal((last.data[2] as Tr).x.length, 4, 'shorter run stops at its end');
  assert.deepEqual(last.traces, [1, 3, 2, 4]);
  assert.equal((fig.layout.sliders as Tr[])[0].steps.length, frames.length);
  matchSnapshot('optimizer-race', fig);
  const seven = plot.optimizerRace('rosenbrock', Object.fromEntries(Array.from({ length: 7 }, (_, k) => [`opt${k}`, [[-2, 2], [k / 10, 0]] as [number, number][]])), { resolution: 9 });
  const paths = (seven.data as Tr[]).filter((t) => t.mode === 'lines');
  assert.equal(new Set(paths.map((t) => `${t.line.color}|${t.line.dash ?? 'solid'}`)).size, 7, 'a 7th path is told apart from the 1st (same color, dashed)');
  assert.throws(() => plot.optimizerRace((x, y) => x + y, { a: gd }), /`range` is required/);
  assert.throws(() => plot.optimizerRace('himmelblau', { a: gd }), /unknown test function 'himmelblau'/);
});

test('sweepHeatmap: mean over seeds, diverged cells, sorted numeric settings', () => {
  const t = aq.from([
    { lr: 0.1, batch: 32, loss: 1 }, { lr: 0.1, batch: 32, loss: 3 },
    { lr: 0.01, batch: 32, loss: 4 }, { lr: 0.1, batch: 8, loss: NaN }, { lr: 0.01, batch: 8, loss: 0.5 },
  ]);
  const fig = plot.sweepHeatmap(t, { x: 'lr', y: 'batch', z: 'loss' });
  const h = fig.data[0] as Tr;
  assert.deepEqual(h.x, ['0.01', '0.1']);
  assert.deepEqual(h.y, ['8', '32']);
  assert.deepEqual(h.z, [[0.5, null], [4, 2]]);
  assert.deepEqual(h.text, [['0.5', 'diverged'], ['4', '2']]);
  matchSnapshot('sweep-heatmap', fig);
  const med = plot.sweepHeatmap(t, { x: 'lr', y: 'batch', z: 'loss', agg: 'max' });
  assert.equal((med.data[0] as Tr).z[1][1], 3);
});

test('subplots: grid domains, axis mapping, 3-D scenes', () => {
  const a = plot.lines({ step: [0, 1], loss: [1, 0] }, { y: 'loss', title: 'A' });
  const b = plot.spectrum({ grid: [0, 1], density: [1, 1] });
  const s = plot.landscape2d({ x: [0, 1], y: [0, 1], z: [[0, 1], [1, 2]] }, { kind: 'surface' });
  const fig = plot.subplots([a, b, s], { rows: 2, cols: 2, hSpacing: 0.1, vSpacing: 0.1 });
  assert.deepEqual((fig.layout.xaxis as Tr).domain, [0, 0.45]);
  assert.deepEqual((fig.layout.xaxis2 as Tr).domain, [0.55, 1]);
  assert.deepEqual((fig.layout.yaxis as Tr).domain, [0.55, 1]);
  assert.equal(fig.layout.xaxis3, undefined, 'a 3-D panel gets a scene, not empty 2-D axes');
  assert.equal((fig.layout.yaxis2 as Tr).type, 'log', 'source axis settings kept');
  assert.equal((fig.data[2] as Tr).scene, 'scene3');
  assert.deepEqual((fig.layout.scene3 as Tr).domain, { x: [0, 0.45], y: [0, 0.45] });
  matchSnapshot('subplots', fig);
  assert.throws(() => plot.subplots([a, b, s], { rows: 1, cols: 2 }), /1 × 2 grid cannot hold 3 figures/);
});
