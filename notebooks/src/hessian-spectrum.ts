// %% md
// # The Hessian spectrum: top eigenvalues, trace and density (PyHessian)
//
// **Paper.** Yao, Gholami, Keutzer & Mahoney, *PyHessian: Neural Networks Through the Lens of the
// Hessian* (2020, [arXiv:1912.07145](https://arxiv.org/abs/1912.07145)); Ghorbani, Krishnan & Xiao,
// *An Investigation into Neural Net Optimization via Hessian Eigenvalue Density* (ICML 2019,
// [arXiv:1901.10159](https://arxiv.org/abs/1901.10159)).
//
// **Claim.** Matrix-free methods that only use Hessian-vector products recover the Hessian's
// spectrum: Lanczos gives the top-k eigenvalues, Hutchinson's estimator E[vᵀHv] the trace, and
// stochastic Lanczos quadrature (SLQ) the whole eigenvalue density — a *bulk* near zero plus a few
// *outliers* that separate from it during training.
//
// **Setup.** The model is small enough that the **exact** Hessian can be formed column by column
// (dim HVPs) and diagonalised, so every matrix-free estimate is checked against the exact answer:
// *quick*: 500 MNIST digits of 4 classes at 7×7, a 49 → 8 → 4 tanh MLP (436 parameters), MSE,
// GD η = 0.5 for 300 steps; *paper*: 14×14 inputs and 16 hidden units (3,220 parameters).
//
// **The figures** show the SLQ density before and after training (log scale) with the exact
// eigenvalues as a rug.

// %% parameters
// Parameters (papermill convention; `-p scale=paper` or FLOWLAB_SCALE=paper for the larger model).
let scale: string = process.env.FLOWLAB_SCALE ?? 'quick';

// %% code
import * as fl from 'flowlab';
const tf = fl.tf;
const quick = (scale as string) !== 'paper';
const pool = quick ? 4 : 2, hidden = quick ? 8 : 16;
const raw = fl.data.mnist({ n: 500, classes: 4, pool });
const x = raw.x;
const model = fl.models.mlp({ input: (28 / pool) ** 2, hidden: [hidden], output: 4, activation: 'tanh' });
const P = fl.problem.fromModel(model, { x, y: raw.y, name: 'mnist-small' }, 'mse');
const w0 = tf.tensor1d(model.init(0));
const run = await fl.train(P, fl.optim.sgd({ lr: 0.5 }), { w0, steps: 300, progress: false });
console.log(`${model.name}: ${P.dim} parameters; loss ${run.table.get('loss', 0).toFixed(4)} → ${run.finalLoss.toFixed(4)}`);

// %% code
// The exact Hessian, one block of basis vectors at a time (H e_i are its columns), and its eigenvalues.
async function exactEigenvalues(w: any): Promise<Float64Array> {
  const n = P.dim, H = new Float64Array(n * n), B = 64;
  for (let s = 0; s < n; s += B) {
    const k = Math.min(B, n - s);
    const block = tf.tidy(() => P.hvpBatch(w, tf.oneHot(tf.range(s, s + k, 1, 'int32'), n).toFloat() as any));
    const rows = await fl.read(block);
    block.dispose();
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) H[(s + i) * n + j] = rows[i * n + j];
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) { const m = (H[i * n + j] + H[j * n + i]) / 2; H[i * n + j] = H[j * n + i] = m; }
  return fl.landscape.linalg.eigh(H, n).values;
}
const analyse = async (w: any) => ({
  exact: await exactEigenvalues(w),
  top: (await fl.landscape.topEigenpairs(P, w, { k: 3 })).values,
  trace: await fl.landscape.trace(P, w, { samples: 200, tol: 1e-3 }),
  density: await fl.landscape.spectrumDensity(P, w, { iters: 80, runs: 1 }),
});
const before = await analyse(w0), after = await analyse(run.w);
fl.plot.spectrum(before.density, { eigenvalues: Array.from(before.exact), title: 'Hessian density at initialisation (SLQ; rug: exact eigenvalues)' })

// %% code
fl.plot.spectrum(after.density, { eigenvalues: Array.from(after.exact), title: 'Hessian density after 300 GD steps (SLQ; rug: exact eigenvalues)' })

// %% code
// Check every matrix-free estimate against the exact spectrum.
const claims: Array<[boolean, string]> = [];
for (const [label, a] of [['initialisation', before], ['after training', after]] as const) {
  const ex = Array.from(a.exact).reverse();
  const topErr = Math.max(...a.top.map((v, i) => Math.abs(v - ex[i]) / Math.abs(ex[0])));
  claims.push([topErr < 1e-3, `${label}: Lanczos top-3 (${a.top.map((v) => v.toFixed(4)).join(', ')}) = exact (${ex.slice(0, 3).map((v) => v.toFixed(4)).join(', ')}) within ${topErr.toExponential(1)} of λ₁ (< 1e-3)`]);
  const tr = ex.reduce((s, v) => s + v, 0);
  const trErr = Math.abs(a.trace.value - tr);
  claims.push([trErr <= Math.max(3 * a.trace.stderr, 0.02 * Math.abs(tr)), `${label}: Hutchinson trace ${a.trace.value.toFixed(3)} ± ${a.trace.stderr.toFixed(3)} vs exact tr H = ${tr.toFixed(3)} (within max(3 stderr, 2 %))`]);
  const nodes = a.density.nodes;
  const hi = Math.max(...nodes), lo = Math.min(...nodes);
  const span = ex[0] - ex[ex.length - 1];
  claims.push([Math.abs(hi - ex[0]) < 0.01 * span && Math.abs(lo - ex[ex.length - 1]) < 0.01 * span,
    `${label}: SLQ's extreme Lanczos nodes [${lo.toFixed(4)}, ${hi.toFixed(4)}] match the exact spectrum's ends [${ex[ex.length - 1].toFixed(4)}, ${ex[0].toFixed(4)}] within 1 % of its width`]);
}
// Bulk and outliers: after training a few eigenvalues stand far above a bulk near zero.
const ex = Array.from(after.exact).reverse();
const median = ex[Math.floor(ex.length / 2)];
const outliers = ex.filter((v) => v > 0.1 * ex[0]).length;
claims.push([outliers <= 10 && Math.abs(median) < 0.01 * ex[0], `after training: bulk plus outliers — ${outliers} eigenvalue(s) above λ₁/10 out of ${ex.length}, median |λ| = ${Math.abs(median).toExponential(2)} < λ₁/100 = ${(ex[0] / 100).toExponential(2)}`]);
for (const [ok, text] of claims) console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`);
