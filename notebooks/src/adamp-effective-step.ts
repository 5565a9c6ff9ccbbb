// %% md
// # AdamP and SGDP: effective step sizes on scale-invariant weights
//
// **Paper.** Heo, Chun, Oh, Han, Yun, Kim, Uh & Ha, *AdamP: Slowing Down the Slowdown for Momentum
// Optimizers on Scale-invariant Weights*, ICLR 2021 ([arXiv:2006.08217](https://arxiv.org/abs/2006.08217)).
//
// **Claim.** A weight w is *scale-invariant* when L(cw) = L(w) for every c > 0 — e.g. the weights
// of a layer followed by batch normalisation. Then ∇L(w) ⊥ w and ∇L(cw) = ∇L(w)/c, so only the
// direction ŵ = w/‖w‖ matters, and a step Δw moves ŵ by about ‖Δw_⊥‖/‖w‖: the *effective step
// size* shrinks as ‖w‖ grows. Four consequences are checked on the numbers computed below:
//
// 1. **Plain GD** grows the norm by exactly its own step, Pythagoras: ‖w_{t+1}‖² = ‖w_t‖² + η²‖∇L(w_t)‖²
//    (the step is orthogonal to w), so the effective step η/‖w‖² decays, but slowly.
// 2. **Momentum** (SGD with β = 0.9, Adam) adds a *radial* component — past gradients are not
//    orthogonal to the current w — so ‖w‖ grows much faster and the effective step decays
//    prematurely; this holds even against GD with the matching step η/(1 − β).
// 3. **SGDP / AdamP** remove the radial component of each step (p ← p − ŵ(ŵ·p) when |cos(∇L, w)| is
//    below δ/√dim): the norm again grows only by the step's square, ‖w_{t+1}‖² = ‖w_t‖² + ‖Δw_t‖²,
//    which is more than an order of magnitude less norm growth, and the effective step stays larger.
// 4. The projection changes the **effective step size, not the effective direction**: from the same
//    state (same moments), the Adam and AdamP steps have the same tangential component, so they turn
//    ŵ the same way; AdamP turns it further, as Adam's outward radial part dilutes its turn.
//
// **Setup.** A one-hidden-layer network x → BN(xW₁) → ReLU → W₂ + b: full-batch batch
// normalisation (per hidden unit, over the examples, no ε) makes every column of W₁ scale-invariant;
// W₂ and b are not (and AdamP's test leaves them alone). Cross-entropy loss. W₁ starts small
// (N(0, 0.1²)), so the effective step η/‖w‖² is large and norm growth matters.
// *quick*: a 4-class Gaussian mixture, n = 256 in d = 8, 32 hidden units, 300 full-batch steps.
// *paper*: 2000 MNIST digits (10 classes), 784 → 256 units, 1000 steps (the paper trains ResNets on
// ImageNet; this keeps the same mechanism at a size one GPU runs in minutes).
// Optimizers: GD (η = 0.1), GD with the momentum-matched step η/(1 − β) = 1, SGD with momentum 0.9
// (η = 0.1), SGDP (same), Adam (η = 0.01) and AdamP (same), via `fl.optim.withSpec` so that W₁ is
// seen as the [d, h] matrix whose columns AdamP tests.
//
// **The figures** show, per optimizer, ‖W₁‖ (momentum methods climb, projected ones stay nearly
// flat), the effective step — the mean angle by which a hidden unit's direction ŵ moves in one
// step — and the training loss.

// %% parameters
// Parameters (papermill convention; `-p scale=paper` or FLOWLAB_SCALE=paper for MNIST).
let scale: string = process.env.FLOWLAB_SCALE ?? 'quick';

// %% code
import * as fl from 'flowlab';
import * as aq from 'arquero';
const tf = fl.tf;
const quick = (scale as string) !== 'paper';
const cfg = quick ? { hidden: 32, steps: 300 } : { hidden: 256, steps: 1000 };
const data = quick
  ? fl.data.synthetic.gaussianMixture({ n: 256, classes: 4, dim: 8, separation: 2, std: 1, seed: 0 })
  : fl.data.mnist({ n: 2000, classes: 10 });
const X = tf.reshape(data.x, [data.x.shape[0], -1]) as any;
const [n, d] = X.shape as [number, number];
const C = data.y.shape[1] as number, h = cfg.hidden;
const layout = (() => {
  const b = fl.models.layoutBuilder();
  b.add('hidden/kernel', [d, h], 'weight', fl.models.initializers.normal(0.1));
  b.add('out/kernel', [h, C], 'weight', fl.models.initializers.torchDefault(h));
  b.add('out/bias', [C], 'bias', fl.models.initializers.zeros());
  return b.build();
})();
const nW = d * h;   // W₁ occupies w[0 : d·h] (row-major [d, h]: column c is every h-th entry from c)
function bnNet(w: any) {
  const W1 = tf.reshape(tf.slice(w, [0], [nW]), [d, h]);
  const W2 = tf.reshape(tf.slice(w, [nW], [h * C]), [h, C]);
  const b2 = tf.slice(w, [nW + h * C], [C]);
  const z = tf.sub(tf.matMul(X, W1), tf.mean(tf.matMul(X, W1), 0, true));
  const zn = tf.div(z, tf.sqrt(tf.mean(tf.square(z), 0, true)));   // batch norm, no ε: exactly invariant
  return fl.models.crossEntropy(tf.add(tf.matMul(tf.relu(zn), W2), b2), data.y) as any;
}
const P = fl.problem(bnNet, { dim: layout.numParams, spec: layout, name: `BN net ${d}→${h}→${C}` });
const w0 = tf.tensor1d(fl.models.initLayout(layout, 0));
const scaled = (c: number) => tf.tidy(() => tf.concat([tf.mul(tf.slice(w0, [0], [nW]), c), tf.slice(w0, [nW], [layout.numParams - nW])]));
const lossAt = async (w: any) => { const l = P.loss(w); const [v] = await fl.readScalars([l]); l.dispose(); return v; };
const L0 = await lossAt(w0);
const invariance: number[] = [];
for (const c of [0.5, 3]) { const w = scaled(c); invariance.push(Math.abs((await lossAt(w)) / L0 - 1)); w.dispose(); }
console.log(`${scale}: ${P.name}, ${P.dim} parameters (${nW} scale-invariant); L(w₀) = ${L0.toFixed(4)}, |L(cW₁)/L(W₁) − 1| for c = 0.5, 3: ${invariance.map((v) => v.toExponential(1)).join(', ')}`);

// %% code
// Per-step geometry of W₁ in float64, per hidden unit c (column c of W₁ = every h-th entry):
// ‖W₁‖², the step's squared norm, its radial part Σ⟨w_c, Δw_c⟩, the largest |cos(w_c, g_c)|, and
// the effective step: the mean angle atan2(‖Δw_c⊥‖, ‖w_c‖ + ŵ_c·Δw_c) that ŵ_c turns by.
function columnSums(a: Float32Array, b: Float32Array) {
  const s = new Float64Array(h);
  for (let i = 0; i < nW; i++) s[i % h] += a[i] * b[i];
  return s;
}
const turn = (ww: number, wu: number, uu: number) => Math.atan2(Math.sqrt(Math.max(uu - (wu * wu) / ww, 0)), Math.sqrt(ww) + wu / Math.sqrt(ww));
function geometry(w: Float32Array, u: Float32Array, g: Float32Array) {
  const ww = columnSums(w, w), wu = columnSums(w, u), uu = columnSums(u, u), wg = columnSums(w, g), gg = columnSums(g, g);
  let norm2 = 0, step2 = 0, radial = 0, cosMax = 0, angle = 0, grad2 = 0;
  for (let c = 0; c < h; c++) {
    norm2 += ww[c]; step2 += uu[c]; radial += wu[c]; grad2 += gg[c];
    if (gg[c] > 0) cosMax = Math.max(cosMax, Math.abs(wg[c]) / Math.sqrt(ww[c] * gg[c]));
    angle += turn(ww[c], wu[c], uu[c]) / h;
  }
  return { norm2, step2, radial, cosMax, angle, grad2 };
}
const probe = {
  name: 'geometry',
  record: async (ctx: any) => {
    const [w, u, g] = await fl.readPacked([ctx.w, ctx.updates, ctx.grad]);   // one transfer
    const r = geometry(w, u, g);
    return { wNorm: Math.sqrt(r.norm2), step2: r.step2, radial: r.radial, cosMax: r.cosMax, effectiveStep: r.angle, gradW2: r.grad2 };
  },
};
const beta = 0.9, lrGd = 0.1, lrAdam = 0.01;
const optimizers: Record<string, any> = {
  'GD': fl.optim.sgd({ lr: lrGd }),
  'GD η/(1−β)': fl.optim.sgd({ lr: lrGd / (1 - beta) }),
  'SGD momentum': fl.optim.sgd({ lr: lrGd, momentum: beta }),
  'SGDP': fl.optim.sgdp({ lr: lrGd, momentum: beta }),
  'Adam': fl.optim.adam({ lr: lrAdam }),
  'AdamP': fl.optim.adamp({ lr: lrAdam }),
};
// On Adam's trajectory, also the AdamP version of the same step (same moments): projectRadial.
const sameState: Array<{ cos: number; ratio: number }> = [];
const adampTwin = {
  name: 'twin',
  record: async (ctx: any) => {
    const ts = tf.tidy(() => {
      const W = tf.reshape(tf.slice(ctx.w, [0], [nW]), [d, h]);
      const U = tf.reshape(tf.slice(ctx.updates, [0], [nW]), [d, h]);
      const G = tf.reshape(tf.slice(ctx.grad, [0], [nW]), [d, h]);
      return [W, U, fl.optim.projectRadial(U, G, W).perturb];
    });
    const [w, uA, uP] = await fl.readPacked(ts);
    tf.dispose(ts);
    // Tangential parts u⊥ = u − ŵ(ŵ·u) of the two steps, per hidden unit: their cosine, and the angles turned.
    const ww = columnSums(w, w), wa = columnSums(w, uA), wp = columnSums(w, uP), aa = columnSums(uA, uA), pp = columnSums(uP, uP), ap = columnSums(uA, uP);
    let cosMin = 1, ratio = 0;
    for (let c = 0; c < h; c++) {
      const perpA = aa[c] - (wa[c] * wa[c]) / ww[c], perpP = pp[c] - (wp[c] * wp[c]) / ww[c];
      const cross = ap[c] - (wa[c] * wp[c]) / ww[c];
      if (perpA > 0 && perpP > 0) cosMin = Math.min(cosMin, cross / Math.sqrt(perpA * perpP));
      ratio += turn(ww[c], wp[c], pp[c]) / turn(ww[c], wa[c], aa[c]) / h;
    }
    sameState.push({ cos: cosMin, ratio });
    return { twinCos: cosMin };
  },
};
const runs: Record<string, Array<Record<string, number | string>>> = {};
for (const [name, opt] of Object.entries(optimizers)) {
  const recorders = name === 'Adam' ? [probe, adampTwin] : [probe];
  const run = await fl.train(P, fl.optim.withSpec(layout, opt), { w0, steps: cfg.steps, recorders, progress: false });
  const wT = await fl.read(run.w);
  const rows = (run.table.objects() as Array<Record<string, number>>).map((r) => ({ ...r, optimizer: name }) as Record<string, number | string>);
  rows.push({ step: cfg.steps, optimizer: name, wNorm: Math.sqrt(columnSums(wT, wT).reduce((a, v) => a + v, 0)) });
  runs[name] = rows;
  run.w.dispose();
  fl.optim.disposeState(run.state);
}
const all = aq.from(Object.values(runs).flat());
fl.plot.lines(all, { y: 'wNorm', color: 'optimizer', title: '‖W₁‖ of the scale-invariant layer: momentum inflates it, the projection does not', yTitle: '‖W₁‖' })

// %% code
fl.plot.lines(aq.from(Object.values(runs).flat().filter((r) => r.effectiveStep !== undefined)), { y: 'effectiveStep', color: 'optimizer', logY: true, title: 'Effective step: mean angle (rad) a hidden unit ŵ turns per step', yTitle: 'angle per step (rad)' })

// %% code
fl.plot.lines(aq.from(Object.values(runs).flat().filter((r) => r.loss !== undefined)), { y: 'loss', color: 'optimizer', logY: true, title: 'Training loss' })

// %% code
// Check the claims against Pythagoras, the momentum-free baselines and the same-state AdamP step.
const claims: Array<[boolean, string]> = [];
const num = (name: string, k: string) => runs[name].filter((r) => typeof r[k] === 'number').map((r) => r[k] as number);
const growth = (name: string) => { const n2 = runs[name].map((r) => (r.wNorm as number) ** 2); return n2[n2.length - 1] - n2[0]; };
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
const cosAll = Math.max(...Object.keys(runs).flatMap((k) => num(k, 'cosMax')));
claims.push([Math.max(...invariance) < 1e-5 && cosAll < 1e-4,
  `W₁ is scale-invariant: |L(cW₁)/L(W₁) − 1| = ${invariance.map((v) => v.toExponential(1)).join(', ')} for c = 0.5, 3 (< 1e-5), and ∇L ⊥ w per hidden unit: max |cos(w_c, ∂L/∂w_c)| over every step of every run = ${cosAll.toExponential(1)} < 1e-4`]);
for (const [name, lr] of [['GD', lrGd], ['GD η/(1−β)', lrGd / (1 - beta)]] as Array<[string, number]>) {
  const pred = lr * lr * sum(num(name, 'gradW2'));
  const g = growth(name);
  claims.push([Math.abs(g / pred - 1) < 0.02,
    `${name} (η = ${+lr.toPrecision(6)}): ‖W₁,T‖² − ‖W₁,0‖² = ${g.toExponential(4)} = η² Σ_t ‖∇_{W₁}L(w_t)‖² = ${pred.toExponential(4)} (Pythagoras; rel. error ${Math.abs(g / pred - 1).toExponential(1)} < 2 %)`]);
}
for (const name of ['SGDP', 'AdamP']) {
  const pred = sum(num(name, 'step2'));
  const g = growth(name);
  claims.push([Math.abs(g / pred - 1) < 0.02,
    `${name}: the projected step is orthogonal to w, so ‖W₁,T‖² − ‖W₁,0‖² = ${g.toExponential(4)} = Σ_t ‖Δw_t‖² = ${pred.toExponential(4)} (rel. error ${Math.abs(g / pred - 1).toExponential(1)} < 2 %)`]);
}
for (const name of ['SGD momentum', 'Adam']) {
  const g = growth(name), steps2 = sum(num(name, 'step2')), rad = 2 * sum(num(name, 'radial'));
  claims.push([rad > 2 * steps2 && Math.abs((steps2 + rad) / g - 1) < 0.02,
    `${name}: the radial part dominates the norm growth: 2Σ⟨w_t, Δw_t⟩ = ${rad.toExponential(3)} > 2 × Σ‖Δw_t‖² = ${(2 * steps2).toExponential(3)}; together ${(steps2 + rad).toExponential(4)} = ‖W₁,T‖² − ‖W₁,0‖² = ${g.toExponential(4)}`]);
}
const gGd = growth('GD'), gGd10 = growth('GD η/(1−β)'), gM = growth('SGD momentum'), gP = growth('SGDP'), gA = growth('Adam'), gAP = growth('AdamP');
claims.push([gM > 10 * gGd && gM > 1.2 * gGd10,
  `momentum inflates ‖W₁‖: growth of ‖W₁‖² over ${cfg.steps} steps ${gM.toExponential(2)} for SGD momentum vs ${gGd.toExponential(2)} for GD at the same η (${(gM / gGd).toFixed(0)}× > 10×) and ${gGd10.toExponential(2)} for GD at the matched step η/(1−β) (${(gM / gGd10).toFixed(2)}× > 1.2×)`]);
claims.push([gP * 10 < gM && gAP * 10 < gA,
  `the projection stops the inflation: ‖W₁‖² grows ${(gM / gP).toFixed(0)}× less with SGDP than with SGD momentum (${gP.toExponential(2)} vs ${gM.toExponential(2)}) and ${(gA / gAP).toFixed(0)}× less with AdamP than with Adam (${gAP.toExponential(2)} vs ${gA.toExponential(2)}); both > 10×`]);
const lateStep = (name: string) => { const a = num(name, 'effectiveStep'); const tail = a.slice(-20); return sum(tail) / tail.length; };
const earlyStep = (name: string) => { const a = num(name, 'effectiveStep'); return sum(a.slice(0, 5)) / 5; };
const decay = (name: string) => earlyStep(name) / lateStep(name);
claims.push([lateStep('SGDP') > 1.5 * lateStep('SGD momentum') && lateStep('AdamP') > 1.5 * lateStep('Adam'),
  `larger effective steps late in training (mean angle per step, last 20 steps): SGDP ${lateStep('SGDP').toExponential(2)} vs SGD momentum ${lateStep('SGD momentum').toExponential(2)} rad (${(lateStep('SGDP') / lateStep('SGD momentum')).toFixed(1)}×), AdamP ${lateStep('AdamP').toExponential(2)} vs Adam ${lateStep('Adam').toExponential(2)} rad (${(lateStep('AdamP') / lateStep('Adam')).toFixed(1)}×), both > 1.5×; decay from the first 5 steps: ${['SGD momentum', 'SGDP', 'Adam', 'AdamP'].map((k) => `${k} ${decay(k).toFixed(1)}×`).join(', ')}`]);
const twinCos = Math.min(...sameState.map((s) => s.cos));
const twinRatio = sum(sameState.map((s) => s.ratio)) / sameState.length;
claims.push([twinCos > 1 - 1e-6 && twinRatio > 1,
  `same direction, larger step: on each of Adam's ${sameState.length} states, the AdamP step (same moments, radial part removed) turns every ŵ_c in the same direction as Adam's (min cosine of the two steps' tangential components ${twinCos.toFixed(8)} > 1 − 1e-6) by ${twinRatio.toFixed(4)}× the angle on average (> 1: Adam's radial part points outward and dilutes its turn)`]);
for (const [ok, text] of claims) console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`);
