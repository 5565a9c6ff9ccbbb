// %% md
// # Large step sizes on logistic regression: from GD to the batch perceptron
//
// **Paper.** Alexander Tyurin, *From Logistic Regression to the Perceptron Algorithm: Exploring
// Gradient Descent with Large Step Sizes*, AAAI 2025 ([arXiv:2412.08424](https://arxiv.org/abs/2412.08424)).
// Background: Wu, Bartlett, Telgarsky & Yu 2024, *Large Stepsize Gradient Descent for Logistic
// Loss* ([arXiv:2402.15926](https://arxiv.org/abs/2402.15926)).
//
// **Claim.** On linearly separable data, logistic regression L(w) = (1/n) Σᵢ log(1 + exp(−yᵢxᵢᵀw))
// trained by gradient descent w ← w − η∇L(w) from w₀ = 0 solves the classification problem for
// *any* step size, even far beyond the classical limit η < 2/S (S = λ_max(∇²L), which for this
// loss is largest at w = 0: ∇²L(w) ⪯ ∇²L(0) = XᵀX/(4n)). Far beyond 2/S the loss oscillates (2/S
// is sufficient for a monotone loss, not necessary: a few times beyond it the loss may still fall
// monotonically), yet:
//
// 1. as η → ∞ the rescaled iterates w_t/η converge to those of the **batch perceptron**
//    θ̂₁ = (1/2n) Σᵢ yᵢxᵢ, θ̂_{t+1} = θ̂_t + (1/n) Σ_{i: yᵢxᵢᵀθ̂_t ≤ 0} yᵢxᵢ, which is why large
//    steps still separate the data (Novikoff's perceptron bound applies);
// 2. the logistic loss is an **unreliable measure of progress**: just before a large-step run
//    classifies every point correctly its loss can be orders of magnitude *higher* than that of a
//    small-step run that still misclassifies points and needs many more steps.
//
// **Setup.** Data: `fl.data.synthetic.separable` (x ~ N(0, I_d), label sign(uᵀx) for a random unit
// u, margin 0: separable, with a small margin μ), no bias. *quick*: n = 200, d = 20, 150 GD steps.
// *paper*: n = 2000, d = 200, 1000 steps (the paper's Figure 1 uses 5000 CIFAR-10 images of two
// classes; separable synthetic data keeps the claims checkable at any size). Step sizes
// η·S ∈ {1.8, 10, 100, 10³, 10⁴, 10⁵}: the first below the stability limit 2, the others beyond it.
// The batch perceptron is run in plain TypeScript (float64) beside GD.
//
// **The figures** show, for every η, the logistic loss (log scale: it oscillates for the large
// steps, and once every point is classified it drops so fast that it underflows float32 and leaves
// the plot), the number of misclassified points (0 early for the large steps, late for η < 2/S), and
// the relative distance between w_t/η and the batch perceptron's θ̂_t (→ 0 as η grows, down to
// float32 round-off, ~10⁻⁷; step 1 is left out: w₁/η = θ̂₁ for every η).
//
// **What to expect.** The number of steps needed to separate the data is *not* monotone in η at
// moderate step sizes (the loss landscape is traversed chaotically), but it converges to the batch
// perceptron's count as η → ∞, and every η ≫ 2/S separates the data far sooner than the stable
// step η < 2/S on this data (small margin, n ≫ d). The last cell checks these on the numbers.

// %% parameters
// Parameters (papermill convention; `-p scale=paper` or FLOWLAB_SCALE=paper for the larger problem).
let scale: string = process.env.FLOWLAB_SCALE ?? 'quick';

// %% code
import * as fl from 'flowlab';
import * as aq from 'arquero';
const tf = fl.tf;
const quick = (scale as string) !== 'paper';
const cfg = quick ? { n: 200, dim: 20, steps: 150 } : { n: 2000, dim: 200, steps: 1000 };
const etaS = [1.8, 10, 100, 1e3, 1e4, 1e5];   // η·S
const data = fl.data.synthetic.separable({ n: cfg.n, dim: cfg.dim, margin: 0, seed: 0 });
const P = fl.models.logisticRegression(data);   // w = the [d, 1] kernel, no bias
const [xValues, yValues] = await fl.readPacked([data.x as any, data.y as any]);
const X = Array.from({ length: cfg.n }, (_, i) => Float64Array.from(xValues.subarray(i * cfg.dim, (i + 1) * cfg.dim)));
const Y = Float64Array.from(yValues);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let j = 0; j < a.length; j++) s += a[j] * b[j]; return s; };
const zeros = tf.zeros([P.dim]) as any;
const S = await fl.landscape.sharpness(P, zeros);
// Independent value: λ_max(XᵀX)/(4n) by power iteration in float64.
let pv = new Float64Array(cfg.dim).fill(1), lamRef = 0;
for (let k = 0; k < 2000; k++) {
  const u = new Float64Array(cfg.dim);
  for (const x of X) { const c = dot(x, pv) / (4 * cfg.n); for (let j = 0; j < cfg.dim; j++) u[j] += c * x[j]; }
  lamRef = Math.hypot(...u);
  pv = u.map((v) => v / lamRef);
}
console.log(`${scale}: n = ${cfg.n}, d = ${cfg.dim}; sharpness at w = 0: Lanczos ${S.toFixed(5)}, XᵀX/(4n) ${lamRef.toFixed(5)}; 2/S = ${(2 / S).toFixed(3)}`);

// %% code
// The batch perceptron (Tyurin 2025, Section 3), float64, from θ̂₀ = 0.
const perceptron: Float64Array[] = [new Float64Array(cfg.dim)];
const first = new Float64Array(cfg.dim);
X.forEach((x, i) => x.forEach((v, j) => (first[j] += Y[i] * v / (2 * cfg.n))));
perceptron.push(first);
let perceptronSteps = -1;   // first t with no misclassified point
for (let t = 1; t < cfg.steps; t++) {
  const th = perceptron[t];
  const next = Float64Array.from(th);
  let wrong = 0;
  X.forEach((x, i) => { if (Y[i] * dot(x, th) <= 0) { wrong++; x.forEach((v, j) => (next[j] += Y[i] * v / cfg.n)); } });
  if (wrong === 0 && perceptronSteps < 0) perceptronSteps = t;
  perceptron.push(next);
}
console.log(`batch perceptron: every point classified correctly from iteration ${perceptronSteps}`);

// %% code
// GD at each η; per step: misclassified count (yᵢxᵢᵀw ≤ 0) and cos(w_t/η, θ̂_t).
const yT = data.y as any, xT = data.x as any;
const runs: Array<{ etaS: number; eta: number; rows: Array<Record<string, number>> }> = [];
for (const f of etaS) {
  const eta = f / S;
  const probe = {
    name: 'probe',
    record: async (ctx: any) => {
      const count = tf.tidy(() => tf.sum(tf.lessEqual(tf.mul(yT, tf.matMul(xT, tf.reshape(ctx.w, [cfg.dim, 1]))), 0)));
      const [wValues, [misclassified]] = await fl.readPacked([ctx.w, count]);   // one transfer
      count.dispose();
      const w = Float64Array.from(wValues);
      const th = perceptron[Math.min(ctx.step, perceptron.length - 1)];
      const nw = Math.hypot(...w), nt = Math.hypot(...th);
      const cos = ctx.step === 0 ? 1 : dot(w, th) / (nw * nt);
      const relDist = ctx.step === 0 ? 0 : Math.hypot(...w.map((v, j) => v / eta - th[j])) / nt;
      return { misclassified, cosPerceptron: cos, relDist };
    },
  };
  const run = await fl.train(P, fl.optim.sgd({ lr: eta }), { w0: zeros, steps: cfg.steps, recorders: [probe], progress: false });
  if (run.diverged) console.log(`η·S = ${f}: ${run.diverged.reason}`);
  runs.push({ etaS: f, eta, rows: (run.table.objects() as Array<Record<string, number>>).map((r) => ({ ...r, 'η·S': f })) });
  run.w.dispose();
}
const all = aq.from(runs.flatMap((r) => r.rows));
fl.plot.lines(all, { y: 'loss', color: 'η·S', logY: true, title: 'Logistic loss: monotone for η < 2/S, oscillating beyond (η·S = 1.8 … 10⁵)' })

// %% code
// From step 1 (at w₀ = 0 every margin is 0, so all n points count as misclassified).
const horizonPlot = Math.min(cfg.steps, 100);
fl.plot.lines(aq.from(runs.flatMap((r) => r.rows.filter((row) => row.step >= 1 && row.step <= horizonPlot))), { y: 'misclassified', color: 'η·S', title: 'Misclassified points: every η ≫ 2/S separates the data long before η < 2/S', yTitle: 'misclassified points' })

// %% code
fl.plot.lines(aq.from(runs.flatMap((r) => r.rows.filter((row) => row.step >= 2 && row.step <= 40))), { y: 'relDist', color: 'η·S', logY: true, title: 'Distance to the batch perceptron, ‖w_t/η − θ̂_t‖/‖θ̂_t‖: → 0 as η → ∞', yTitle: 'relative distance' })

// %% code
// Check the claims against the closed forms and the batch perceptron.
const claims: Array<[boolean, string]> = [];
const col = (r: { rows: Array<Record<string, number>> }, k: string) => r.rows.map((row) => row[k]);
// The step from which every point stays correctly classified (−1: not within the run).
const separatedAt = (r: { rows: Array<Record<string, number>> }) => { const m = col(r, 'misclassified'); const j = [...m].reverse().findIndex((v) => v > 0); return j === -1 ? 0 : j === 0 ? -1 : m.length - j; };
claims.push([Math.abs(S / lamRef - 1) < 1e-3,
  `sharpness at w₀ = 0 by Lanczos ${S.toFixed(5)} = λ_max(XᵀX)/(4n) = ${lamRef.toFixed(5)} (rel. error ${Math.abs(S / lamRef - 1).toExponential(1)} < 1e-3); it bounds ∇²L everywhere, so 2/S = ${(2 / S).toFixed(3)} is the classical stability limit`]);
const stable = runs[0];
const sLoss = col(stable, 'loss');
const sUps = sLoss.slice(1).filter((v, i) => v > sLoss[i]).length;
const Tstable = separatedAt(stable);
claims.push([sUps === 0 && sLoss[sLoss.length - 1] < sLoss[0],
  `η = 1.8/S < 2/S: the loss decreases at every one of the ${cfg.steps - 1} steps (${sLoss[0].toFixed(4)} → ${sLoss[sLoss.length - 1].toExponential(3)}, ${sUps} increases)`]);
for (const r of runs.slice(2)) {
  const loss = col(r, 'loss');
  const ups = loss.slice(1).filter((v, i) => v > loss[i] * (1 + 1e-6)).length;
  const T = separatedAt(r);
  const after = T >= 0 ? loss.slice(T) : [];
  const monoAfter = after.slice(1).every((v, i) => v <= after[i] * (1 + 1e-6));
  claims.push([ups >= 1 && T >= 0 && monoAfter && Math.max(...loss) > loss[0],
    `η = ${r.etaS}/S (${r.etaS / 2}× the limit 2/S): the loss is non-monotone (${ups} increases, peak ${Math.max(...loss).toExponential(2)} > L(w₀) = ${loss[0].toFixed(3)}), yet every point is classified from step ${T} on and the loss then only decreases`]);
}
const Tlarge = runs.slice(1).map((r) => separatedAt(r));
claims.push([Tstable >= 0 && Tlarge.every((T) => T >= 0 && 2 * T <= Tstable),
  `every η > 2/S separates the data at least 2× sooner than η = 1.8/S: steps ${runs.slice(1).map((r, i) => `${r.etaS}/S → ${Tlarge[i]}`).join(', ')} vs ${Tstable} (the count is not monotone in η: ${Tlarge.join(', ')})`]);
const big = runs[runs.length - 1];
const Tbig = separatedAt(big);
const tb = Math.max(Tbig - 1, 0);
const Lbig = big.rows[tb].loss, Lst = stable.rows[tb].loss, misSt = stable.rows[tb].misclassified;
claims.push([Lbig > 10 * Lst && misSt > 0 && Tstable > Tbig + 10,
  `loss is an unreliable metric: at step ${tb}, one step before η = ${big.etaS}/S classifies every point, its loss ${Lbig.toExponential(2)} is ${(Lbig / Lst).toExponential(1)}× the loss ${Lst.toFixed(4)} of η = 1.8/S, which still misclassifies ${misSt} points and needs ${Tstable - tb} more steps`]);
// For each η: for how many steps t = 1, 2, … GD follows the perceptron (‖w_t/η − θ̂_t‖ ≤ 10⁻³‖θ̂_t‖);
// t = 1 always agrees (w₁ = η θ̂₁ exactly).
// As η → ∞ this horizon must grow (Theorem 3.2: w_t/η → θ̂_t for every fixed t).
const horizon = (r: (typeof runs)[number]) => { const k = r.rows.findIndex((row) => row.step >= 1 && !(row.relDist <= 1e-3)); return (k === -1 ? r.rows.length : k) - 1; };
const hz = runs.map(horizon);
const hzLarge = hz.slice(2);
const K = Math.min(5, perceptronSteps > 0 ? perceptronSteps : 5);
const cosFirst = Math.min(...big.rows.filter((row) => row.step >= 1 && row.step <= K).map((row) => row.cosPerceptron));
claims.push([hzLarge.every((h, i) => i === 0 || h >= hzLarge[i - 1]) && hz[hz.length - 1] >= hz[2] + 2 && cosFirst > 0.9999,
  `w_t/η → batch perceptron θ̂_t as η → ∞: GD's w_t/η stays within relative distance 10⁻³ of θ̂_t for t ≤ ${runs.map((r, i) => `${hz[i]} at η = ${r.etaS}/S`).join(', ')} (non-decreasing from 100/S on); at η = ${big.etaS}/S cos(w_t, θ̂_t) ≥ ${cosFirst.toFixed(6)} > 0.9999 over the first ${K} steps`]);
if (hz[hz.length - 1] > perceptronSteps && perceptronSteps > 0)
  claims.push([Tbig === perceptronSteps,
    `GD at η = ${big.etaS}/S follows the perceptron through its whole run (${hz[hz.length - 1]} > ${perceptronSteps} steps), so it separates the data exactly when the batch perceptron does: step ${Tbig} = ${perceptronSteps}`]);
else console.log(`(GD at η = ${big.etaS}/S leaves the perceptron after ${hz[hz.length - 1]} of its ${perceptronSteps} steps: points with |yᵢxᵢᵀθ̂_t| ≲ 1/η, or below float32 resolution, flip; a larger η would follow it further.)`);
for (const [ok, text] of claims) console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`);
