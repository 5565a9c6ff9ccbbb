// %% md
// # Central flows for scalar RMSProp and RMSProp
//
// **Paper.** Cohen, Damian, Talwalkar, Kolter & Lee, *Understanding Optimization in Deep Learning
// with Central Flows*, ICLR 2025 ([arXiv:2410.24206](https://arxiv.org/abs/2410.24206)), §4–5.
//
// **Claim.** An adaptive optimizer also runs at the edge of stability, but it gets there in its own
// way. *Scalar RMSProp* divides the step by √ν, an exponential average of ‖g‖²:
// ν ← β₂ν + (1−β₂)‖g‖², w ← w − (η/√ν̂) g. Its stability is governed by the *effective
// sharpness* ηS/√ν̂ (S = λ_max(∇²L)), and at the edge of stability that sits at 2: the optimizer
// **chooses its effective step size η/√ν̂ = 2/S**. What sets ν there is the oscillation itself — the
// squared gradient is large because the iterate bounces across the valley along the top eigenvector
// — and the central flow predicts it:
//
// $$\frac{dw}{dt} = -\frac{\eta}{\sqrt{\nu}}\Big[\nabla L + \tfrac12\sigma^2\nabla S\Big],\qquad
// \frac{d\nu}{dt} = \frac{1-\beta_2}{\beta_2}\Big[\|\nabla L\|^2 + \sigma^2 S^2 - \nu\Big],$$
//
// with σ² the variance of the oscillation that holds ηS/√ν at 2. So ν relaxes to the flow's
// *predicted time-averaged squared gradient* ‖∇L(w)‖² + σ²S², far above the flow's own ‖∇L(w)‖².
// *RMSProp* (one ν per coordinate, P = diag(√ν̂ + ε)/η) has the same structure: the
// preconditioned sharpness λ_max(P⁻¹H) sits at 2, and each νᵢ relaxes to its predicted
// E[gᵢ²] = ∂ᵢL² + (4νᵢ/η²)Σᵢᵢ. Checked on the numbers below (last cell), for each optimizer:
//
// 1. along the central flow the effective sharpness (ηS/√ν̂, resp. λ_max(P⁻¹H)) is **pinned at 2**;
//    the optimizer's **hovers around 2** on average; scalar RMSProp's time-averaged effective step
//    size η/√ν̂ **equals 2/S** at the flow;
// 2. the flow's **ν tracks the optimizer's** ν (time-averaged); the flow's ν sits at its **predicted
//    E[g²]**, many times the flow's own ‖∇L(w_CF)‖²; and the optimizer's squared gradient is indeed
//    many times ‖∇L(w_CF)‖²: it is carried by the oscillation, which the flow accounts for;
// 3. the optimizer **stays close to its central flow**: ‖w̄_t − w_CF(t)‖ (w̄ removes the period-2
//    oscillation) is a small fraction of the distance the flow travels at the edge of stability.
//
// **Setup.** *quick* (CPU, about 40 s): 300 MNIST digits of 4 classes downsampled to 7×7, a
// 49 → 16 → 16 → 4 tanh MLP, MSE on one-hot targets, full batch, β₂ = 0.95 (ν forgets in ~20 steps,
// so it settles within the run) with bias correction; scalar RMSProp η = 0.1 and RMSProp η = 0.002
// (both ε = 10⁻⁸), 120 steps each; the optimizer's top effective eigenvalue at every step, the
// flows' eigenvectors re-solved every 2 steps.
// *paper* (GPU, not run here): the CIFAR-10 subset of the GD notebook (4 classes, n = 1000; MNIST
// 28×28 if the CIFAR-10 files are absent), 3072 → 256 → 256 → 4 GELU MLP, β₂ = 0.99, 1000 steps,
// eigenvectors every step (the η there, 0.05 and 10⁻⁴, are this notebook's choice, untested).
//
// **The figures.** (1) Scalar RMSProp: effective sharpness ηS/√ν̂ of the optimizer (raw and
// Gaussian-smoothed) and of the flow against 2; η/√ν̂ of both against 2/S(w_CF); ν of both with the
// flow's predicted E‖g‖² and its own ‖∇L‖² (log scale); distance of the optimizer to the flow.
// (2) RMSProp: λ_max(P⁻¹H); mean ν over coordinates with the flow's predicted mean E[g²] and its own;
// loss of the optimizer, of the flow and the flow's predicted time-averaged loss; distance.
//
// **What to expect at quick scale.** The optimizer, started exactly on the flow, needs a few tens of
// steps for its oscillation to grow from round-off after it crosses 2, so it overshoots once,
// self-stabilises (a spike), and from then on oscillates around the flow; its averages are taken
// after that first return below 2 — for ν, which remembers the spike for about β₂/(1−β₂) = 19
// steps, one such memory time later. With β₂ = 0.95 scalar RMSProp's ν then follows a slow sawtooth
// (±30 % over ~25 steps) around the flow's ν, so ν is compared as a time-average over that window,
// which is what the central flow describes; the raw ‖g_t‖² is too jagged for a window this short to
// average (its distance to the predicted E[g²] is printed for reference only).

// %% parameters
// Parameters (papermill convention: tagged `parameters`; `flowlab run -p scale=paper` or
// FLOWLAB_SCALE=paper select the paper's sizes).
let scale: string = process.env.FLOWLAB_SCALE ?? 'quick';

// %% code
import * as fl from 'flowlab';
const tf = fl.tf;
const quick = (scale as string) !== 'paper';
console.log(`scale: ${scale}; backend: ${JSON.stringify(fl.backend.info())}`);
const tStart = performance.now();

function loadData() {
  if (quick) {
    const d = fl.data.mnist({ n: 300, classes: 4, pool: 4 });   // 28×28 → 7×7 block means
    return { data: { x: d.x, y: d.y, name: 'mnist 4 classes n=300 7×7' }, input: 49 };
  }
  try {
    return { data: fl.data.cifar10({ n: 1000, classes: 4 }), input: 3072 };
  } catch (e) {
    console.log(`CIFAR-10 not found (${(e as Error).message.split('\n')[0]}); using MNIST 28×28, 4 classes, n = 1000.`);
    return { data: fl.data.mnist({ n: 1000, classes: 4 }), input: 784 };
  }
}
const { data, input } = loadData();
const cfg = quick
  ? { hidden: [16, 16], activation: 'tanh' as const, b2: 0.95, stepsScalar: 120, stepsDiag: 120, lrScalar: 0.1, lrDiag: 0.002, eigEvery: 2 }
  : { hidden: [256, 256], activation: 'gelu' as const, b2: 0.99, stepsScalar: 1000, stepsDiag: 1000, lrScalar: 0.05, lrDiag: 1e-4, eigEvery: 1 };
const eps = 1e-8;
const model = fl.models.mlp({ input, hidden: cfg.hidden, output: 4, activation: cfg.activation });
const P = fl.problem.fromModel(model, data, 'mse');
const w0 = tf.tensor1d(model.init(0));
console.log(`${model.name}: ${P.dim} parameters, β₂ = ${cfg.b2}; initial sharpness ${(await fl.landscape.sharpness(P, w0)).toFixed(3)}`);

type Row = Record<string, number>;
const rowsOf = (t: { objects(): object[] }) => t.objects() as Row[];
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const dist = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((acc, v, j) => acc + (v - b[j]) ** 2, 0));

/** Per-step ν of the discrete optimizer (scalar ν, or the mean of the diagonal) and its effective step η/√ν̂ (async: ν may live on the device). */
const nuRecorder = {
  name: 'nu',
  async record(ctx: fl.flows.TrainStepLike): Promise<Record<string, number>> {
    const st = ctx.state as { nu?: number | fl.Tensor; leaves?: Record<string, { nu: fl.Tensor }> };
    const p = await fl.flows.optimizerPreconditioner(ctx);
    if (st.nu !== undefined) {
      const nu = typeof st.nu === 'number' ? st.nu : (await fl.read(st.nu))[0];
      return { nu, lrOverSqrtNu: 1 / (p as number) };
    }
    const m = tf.mean(st.leaves!._.nu);
    const [nuMean] = await fl.readScalars([m]);
    m.dispose();
    return { nuMean };
  },
};

/**
 * Runs the discrete optimizer and its central flow from w0 and joins them (compareFlows):
 * effective eigenvalues of the optimizer at every step, ν, and the flow with w snapshots. Returns
 * one row per step (optimizer columns …Opt / eig_1, flow columns …CF) and the flow's w by step.
 */
async function optimizerAndFlow(kind: 'scalarRmsprop' | 'rmsprop', lr: number, steps: number) {
  const t0 = performance.now();
  const opt = kind === 'scalarRmsprop'
    ? fl.optim.scalarRmsprop({ lr, b2: cfg.b2, eps, biasCorrection: true })
    : fl.optim.rmsprop({ lr, b2: cfg.b2, eps, biasCorrection: true });
  // w snapshots for compareFlows, and the top effective eigenvalue of P_t⁻¹H(w_t) at every step (a loose
  // residual tolerance is enough: the Rayleigh quotient's error is of its square, ~1e-6 here)
  const snap = fl.flows.snapshotRecorder();
  const eigs = fl.flows.effectiveEigsRecorder({ k: 1, tol: 1e-3 });
  const run = await fl.train(P, opt, { w0, steps: steps + 1, recorders: [snap, eigs, nuRecorder], label: `${kind} η=${lr}` });
  run.w.dispose();
  const t1 = performance.now();
  const cf = await fl.flows.centralFlow(P, w0, { optimizer: kind, lr, b2: cfg.b2, eps, biasCorrection: true, steps, eigEvery: cfg.eigEvery, eigTol: 1e-4, record: { w: true, directions: true } });
  cf.w.dispose(); // the result owns its final w (a Tensor1D); the snapshots cf.ws are host copies
  const t2 = performance.now();
  const cmp = fl.flows.compareFlows({ optimizerRun: { table: run.table, snapshots: snap.snapshots }, centralFlow: cf, sigma: 5 });
  console.log(`${kind}: optimizer ${((t1 - t0) / 1000).toFixed(1)} s, central flow ${((t2 - t1) / 1000).toFixed(1)} s`);
  // one row per step: optimizer (…Opt), flow (…CF), comparison columns
  const opt_ = new Map(rowsOf(run.table).map((r) => [r.step, r]));
  const cfr = new Map(rowsOf(cf.table).map((r) => [r.step, r]));
  const rows = rowsOf(cmp).map((c) => {
    const o = opt_.get(c.step)!, f = cfr.get(c.step)!;
    return { ...c, gradNormSqOpt: o.gradNorm ** 2, nuOpt: o.nu ?? o.nuMean, lrOverSqrtNuOpt: o.lrOverSqrtNu, eigRawOpt: o.eigRaw_1,
      nuCF: f.nu ?? f.nuMean, lrOverSqrtNuCF: f.lrOverSqrtNu, eigRawCF: f.eigRaw_1, gradNormSqCF: f.gradNormSq, gradNormSqPredicted: f.gradNormSqPredicted,
      nCritical: f.nCritical, travelled: 0 } as Row;
  });
  const es = fl.flows.gaussianSmooth(rows.map((r) => r.step), rows.map((r) => r.eig_1), 5);
  const cfIndex = new Map(rowsOf(cf.table).map((r, i) => [r.step, i]));
  const wCF = (step: number) => cf.ws![cfIndex.get(step)!];
  const w0a = await fl.read(w0);
  rows.forEach((r, i) => {
    r.eigOptSmoothed = es[i];
    r.travelled = dist(wCF(r.step), w0a);
  });
  return { rows, wCF };
}

// %% code
// Figure helpers: one panel = named series of one table; the same name has the same colour and
// legend entry in every panel (optimizer blue, central flow orange, predictions green, 2 black).
type Series = { name: string; y: string; color: string; dash?: string; width?: number };
const OPT = '#0072B2', OPT_SMOOTH = '#56B4E9', FLOW = '#E69F00', PRED = '#009E73', GREY = '#888888', REF = '#000000';
function panel(rows: Row[], title: string, series: Series[], { logY = false, xTitle = '' } = {}) {
  const data = series.map((s) => ({
    type: 'scatter', mode: 'lines', name: s.name, x: rows.map((r) => r.step),
    y: rows.map((r) => (Number.isFinite(r[s.y]) ? r[s.y] : null)), line: { color: s.color, dash: s.dash ?? 'solid', width: s.width ?? 2 },
  }));
  return fl.plot.figure({ data, layout: { title: { text: title }, xaxis: { title: { text: xTitle } }, yaxis: { type: logY ? 'log' : 'linear' } } });
}
const two: Series = { name: 'threshold 2', y: 'two', color: REF, dash: 'dash', width: 1.5 };
const effSeries: Series[] = [
  { name: 'optimizer', y: 'eig_1', color: OPT, width: 1.5 },
  { name: 'optimizer, Gaussian-smoothed', y: 'eigOptSmoothed', color: OPT_SMOOTH, dash: 'dot' },
  { name: 'central flow', y: 'eigCF_1', color: FLOW, width: 3 }, two];
const distSeries: Series[] = [
  { name: '‖w̄_opt − w_CF‖ (midpoints)', y: 'distOptCF', color: OPT },
  { name: '‖w_CF − w₀‖ (distance travelled)', y: 'travelled', color: GREY, dash: 'dot' }];
const withTwo = (rows: Row[]) => rows.map((r) => ({ ...r, two: 2, twoOverS: 2 / r.eigRawCF, gradSqMeanCF: r.gradNormSqCF / P.dim, gradSqMeanPredicted: r.gradNormSqPredicted / P.dim }));

// %% code
// Scalar RMSProp and its central flow.
const sc = await optimizerAndFlow('scalarRmsprop', cfg.lrScalar, cfg.stepsScalar);
const scRows = withTwo(sc.rows);
fl.plot.subplots([
  panel(scRows, 'effective sharpness ηS/√ν̂', effSeries),
  panel(scRows, 'effective step size η/√ν̂ vs 2/S', [
    { name: 'optimizer', y: 'lrOverSqrtNuOpt', color: OPT, width: 1.5 },
    { name: 'central flow', y: 'lrOverSqrtNuCF', color: FLOW, width: 3 },
    { name: '2/S(w_CF)', y: 'twoOverS', color: REF, dash: 'dash', width: 1.5 }], { logY: true }),
  panel(scRows, 'ν and squared gradients', [
    { name: 'optimizer', y: 'nuOpt', color: OPT, width: 1.5 },
    { name: 'central flow', y: 'nuCF', color: FLOW, width: 3 },
    { name: 'flow: predicted E‖g‖² = ‖∇L‖² + σ²S²', y: 'gradNormSqPredicted', color: PRED, dash: 'dash' },
    { name: 'flow: its own ‖∇L(w_CF)‖²', y: 'gradNormSqCF', color: GREY, dash: 'dot' }], { logY: true, xTitle: 'step' }),
  panel(scRows, 'distance to the central flow', distSeries, { xTitle: 'step' }),
], { cols: 2, vSpacing: 0.14, height: 760, title: `Scalar RMSProp (η = ${cfg.lrScalar}, β₂ = ${cfg.b2}) and its central flow` })

// %% code
// RMSProp (one ν per coordinate) and its central flow.
const rm = await optimizerAndFlow('rmsprop', cfg.lrDiag, cfg.stepsDiag);
const rmRows = withTwo(rm.rows);
fl.plot.subplots([
  panel(rmRows, 'preconditioned sharpness λ_max(P⁻¹H)', effSeries),
  panel(rmRows, 'mean ν over coordinates', [
    { name: 'optimizer', y: 'nuOpt', color: OPT, width: 1.5 },
    { name: 'central flow', y: 'nuCF', color: FLOW, width: 3 },
    { name: 'flow: predicted mean E[g²] = ∇L² + diag(HΣH)', y: 'gradSqMeanPredicted', color: PRED, dash: 'dash' },
    { name: 'flow: its own mean ∇L(w_CF)²', y: 'gradSqMeanCF', color: GREY, dash: 'dot' }], { logY: true }),
  panel(rmRows, 'loss', [
    { name: 'optimizer', y: 'lossOpt', color: OPT, width: 1.5 },
    { name: 'optimizer, Gaussian-smoothed', y: 'lossOptSmoothed', color: OPT_SMOOTH, dash: 'dot' },
    { name: 'central flow', y: 'lossCF', color: FLOW, width: 3 },
    { name: 'flow: predicted E[L] = L + ½ΣλᵢXᵢᵢ', y: 'lossPredicted', color: PRED, dash: 'dash' }], { logY: true, xTitle: 'step' }),
  panel(rmRows, 'distance to the central flow', distSeries, { xTitle: 'step' }),
], { cols: 2, vSpacing: 0.14, height: 760, title: `RMSProp (η = ${cfg.lrDiag}, β₂ = ${cfg.b2}, ε = ${eps}) and its central flow` })

// %% code
// Check the claims against the paper's predictions (the threshold 2, the flow's ν and E‖g‖²).
const claims: Array<[boolean, string]> = [];
console.log(`total time of the computations: ${((performance.now() - tStart) / 1000).toFixed(1)} s`);
for (const [name, res] of [['scalar RMSProp', sc], ['RMSProp', rm]] as const) {
  const rows = res.rows;
  const T = rows[rows.length - 1].step;
  const onset = rows.find((r) => r.nCritical > 0)?.step;
  const tOpt = rows.find((r) => r.eig_1 >= 1.98)?.step;
  if (onset === undefined || tOpt === undefined) { claims.push([false, `${name}: edge of stability reached by the flow (step ${onset}) and the optimizer (step ${tOpt})`]); continue; }
  const after = rows.filter((r) => r.step >= onset + 5);
  const devs = after.map((r) => Math.abs(r.eigCF_1 - 2) / 2);
  const dev = Math.max(...devs), devMean = mean(devs);
  // (the top eigenvector is re-solved every `eigEvery` steps and Rayleigh-refreshed in between, so a
  // fresh solve may find the flow a little above 2 before the next substep pulls it back: hence 3 %)
  claims.push([after.length >= 20 && dev <= 0.03 && devMean <= 0.005, `${name}: central-flow effective sharpness pinned at 2 from step ${onset} on: relative deviation mean ${(100 * devMean).toFixed(2)} % ≤ 0.5 %, max ${(100 * dev).toFixed(2)} % ≤ 3 % over steps ${onset + 5}–${T}`]);
  // the optimizer after its first self-stabilisation (first return below 2 after an overshoot above 2.05)
  const over = rows.find((r) => r.step > tOpt && r.eig_1 > 2.05)?.step ?? tOpt;
  const tStab = rows.find((r) => r.step > over && r.eig_1 < 2)?.step ?? T;
  const late = rows.filter((r) => r.step >= tStab);
  const eMean = late.length ? mean(late.map((r) => r.eig_1)) : NaN;
  claims.push([late.length >= 20 && Math.abs(eMean - 2) / 2 <= 0.15, `${name}: the optimizer's effective sharpness hovers at 2: mean ${eMean.toFixed(3)} over steps ${tStab}–${T} (band ±15 %; it self-stabilised at step ${tStab})`]);
  // time averages: the central flow models the optimizer's time-average. ν remembers the first
  // self-stabilisation spike (a transient of the optimizer that the flow has no reason to follow)
  // for about β₂/(1−β₂) steps, so ν and ‖g‖² are averaged from one such memory time later on
  const memory = Math.round(cfg.b2 / (1 - cfg.b2));
  const tSet = tStab + memory;
  const settled = rows.filter((r) => r.step >= tSet);
  const avg = (key: string) => mean(settled.map((r) => r[key]));
  const nuErr = Math.abs(avg('nuOpt') - avg('nuCF')) / avg('nuCF');
  claims.push([settled.length >= 20 && nuErr <= 0.15, `${name}: the flow's ${name === 'RMSProp' ? 'mean ' : ''}ν tracks the optimizer's: time-averaged over steps ${tSet}–${T} ${avg('nuOpt').toExponential(3)} (optimizer) vs ${avg('nuCF').toExponential(3)} (flow), relative error ${(100 * nuErr).toFixed(1)} % ≤ 15 %`]);
  if (name === 'scalar RMSProp') {
    const twoOverS = mean(settled.map((r) => 2 / r.eigRawCF));
    const stepErr = Math.abs(avg('lrOverSqrtNuOpt') - twoOverS) / twoOverS;
    claims.push([settled.length >= 20 && stepErr <= 0.1, `scalar RMSProp: the optimizer picks the effective step size 2/S: its η/√ν̂, time-averaged over steps ${tSet}–${T}, is ${avg('lrOverSqrtNuOpt').toFixed(4)} vs 2/S(w_CF) = ${twoOverS.toFixed(4)} (${(100 * stepErr).toFixed(1)} % ≤ 10 %; its initial η/√ν̂ was ${rows[0].lrOverSqrtNuOpt.toFixed(4)})`]);
  }
  // ν's stationary value is the predicted time-averaged squared gradient E[g²] = ∇L² + (oscillation's
  // part), coordinate-wise for RMSProp (compared here through the mean over coordinates, i.e. ‖·‖²/d)
  const d = name === 'RMSProp' ? P.dim : 1;
  const unit = name === 'RMSProp' ? 'mean over coordinates of ' : '';
  const fin = rows[rows.length - 1];
  const stat = Math.abs(fin.nuCF - fin.gradNormSqPredicted / d) / (fin.gradNormSqPredicted / d);
  const ratio = fin.nuCF / (fin.gradNormSqCF / d);
  claims.push([stat <= 0.1 && ratio >= 5, `${name}: at step ${T} the flow's ${unit}ν = ${fin.nuCF.toExponential(3)} sits at its predicted ${unit}E[g²] = ${(fin.gradNormSqPredicted / d).toExponential(3)} (${(100 * stat).toFixed(1)} % ≤ 10 %), ${ratio.toFixed(0)}× (≥ 5×) the flow's own ${unit}∇L(w_CF)² = ${(fin.gradNormSqCF / d).toExponential(3)}`]);
  // the optimizer's squared gradient is dominated by its oscillation, as the flow predicts: averaged
  // over the same window it is many times the squared gradient at the flow. (Its agreement with the
  // predicted E[g²] is printed for reference, not claimed: ‖g_t‖² carries the optimizer's slow sawtooth
  // — ν swings ~±30 % over ~25 steps after self-stabilising — which a window this short does not
  // average out; ν, its running average, is what the claims above compare.)
  const gPred = avg('gradNormSqPredicted') / d, gCF = avg('gradNormSqCF') / d, gRaw = avg('gradNormSqOpt') / d;
  claims.push([settled.length >= 20 && gRaw >= 5 * gCF, `${name}: the optimizer's ${unit}squared gradient g_t², averaged over steps ${tSet}–${T}, ${gRaw.toExponential(3)}, is ${(gRaw / gCF).toFixed(0)}× (≥ 5×) the flow's own ${unit}∇L(w_CF)² ${gCF.toExponential(3)}: the oscillation carries it, as the prediction E[g²] = ${gPred.toExponential(3)} says (${(100 * (gRaw / gPred - 1)).toFixed(1)} % from it, for reference)`]);
  const sinceOnset = dist(res.wCF(onset), res.wCF(T));
  const moved = rows[rows.length - 1].travelled;
  const lateDist = mean(late.map((r) => r.distOptCF));
  claims.push([late.length >= 20 && lateDist <= 0.25 * sinceOnset, `${name}: the optimizer stays close to its central flow: mean ‖w̄_opt − w_CF‖ = ${lateDist.toFixed(4)} over steps ${tStab}–${T} ≤ 0.25 × the flow's distance travelled since the edge of stability ${sinceOnset.toFixed(4)} (from w₀: ${moved.toFixed(4)})`]);
}
for (const [ok, text] of claims) console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`);
