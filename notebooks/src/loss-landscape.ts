// %% md
// # Visualising the loss landscape
//
// **Paper.** Li, Xu, Taylor, Studer & Goldstein, *Visualizing the Loss Landscape of Neural Nets*,
// NeurIPS 2018 ([arXiv:1712.09913](https://arxiv.org/abs/1712.09913)); Goodfellow, Vinyals & Saxe,
// *Qualitatively Characterizing Neural Network Optimization Problems*, ICLR 2015
// ([arXiv:1412.6544](https://arxiv.org/abs/1412.6544)).
//
// **Claims.** (1) A slice L(w + αd) along a *filter-normalised* random direction d is a faithful
// picture of the local geometry: near α = 0 its curvature is exactly the directional curvature
// dᵀ∇²L(w)d. (2) The loss falls **monotonically along the straight line** from the initialisation
// to the trained solution (Goodfellow et al.). (3) Optimisation paths are very low-dimensional:
// **two principal components explain almost all of the variance** of a GD trajectory (Li et al. §7),
// so the path can be drawn over a 2-D contour of the loss.
//
// **Setup.** *quick*: 500 MNIST digits of 4 classes at 14×14, a 196 → 32 → 4 tanh MLP, MSE, GD with
// η = 0.2 for 150 steps; *paper*: 28×28 inputs, 600 steps.
//
// **Figures**: a 1-D filter-normalised slice at the solution, the interpolation from init to the
// solution, and the GD path over the loss on its PCA plane.

// %% parameters
// Parameters (papermill convention; `-p scale=paper` or FLOWLAB_SCALE=paper for the paper's sizes).
let scale: string = process.env.FLOWLAB_SCALE ?? 'quick';

// %% code
import * as fl from 'flowlab';
const tf = fl.tf;
const quick = (scale as string) !== 'paper';
const pool = quick ? 2 : 1, steps = quick ? 150 : 600;
const raw = fl.data.mnist({ n: 500, classes: 4, pool });
const x = raw.x;
const model = fl.models.mlp({ input: (28 / pool) ** 2, hidden: [32], output: 4, activation: 'tanh' });
const P = fl.problem.fromModel(model, { x, y: raw.y, name: 'mnist' }, 'mse');
const w0 = tf.tensor1d(model.init(0));
const snaps = fl.flows.snapshotRecorder({ every: 5 });
const run = await fl.train(P, fl.optim.sgd({ lr: 0.2 }), { w0, steps, recorders: [snaps], progress: false });
const wT = run.w;
const loss0 = P.loss(w0);
const [l0] = await fl.readScalars([loss0]);
loss0.dispose();
console.log(`${model.name}: ${P.dim} parameters; loss ${l0.toFixed(4)} → ${run.finalLoss.toFixed(4)}`);

// %% code
// 1-D slice along a filter-normalised random direction (Li et al. §4).
const d = await fl.landscape.directions.random(P, { w: wT, seed: 1 });
const slice = await fl.landscape.slice1d(P, wT, d, { range: [-1, 1], points: 41 });
fl.plot.landscape1d(slice, { title: 'Loss along a filter-normalised random direction' })

// %% code
// Linear interpolation from the initialisation (α = 0) to the solution (α = 1).
const interp = await fl.landscape.interpolate(P, w0, wT, { range: [-0.25, 1.25], points: 61 });
fl.plot.landscape1d(interp, { title: 'Loss on the line from initialisation (α = 0) to the GD solution (α = 1)' })

// %% code
// The GD path on the plane of its two principal components.
const path = [...snaps.snapshots.values(), wT];   // host snapshots and the final tensor (read once)
const pca = await fl.landscape.trajectoryPCA(path);
const plane = await fl.landscape.trajectorySlice(P, pca, { points: 21 });
console.log(`explained variance: ${pca.explainedVarianceRatio.map((v) => v.toFixed(4)).join(', ')}`);
fl.plot.landscape2d(plane, { trajectory: { name: 'GD', points: pca.coords.rename({ pc1: 'alpha', pc2: 'beta' }) }, title: 'GD path over the loss on its PCA plane' })

// %% code
// Check the claims against the exact derivatives and the interpolation's endpoints.
const claims: Array<[boolean, string]> = [];
const h = 1e-2;
const fine = (await fl.landscape.slice1d(P, wT, d, { range: [-h, h], points: 3 })).array('loss') as ArrayLike<number>;
const fd = (fine[0] - 2 * fine[1] + fine[2]) / (h * h);
const dT = tf.tensor1d(d);
const curvature = tf.tidy(() => tf.dot(dT, P.hvp(wT, dT)));
const [exact] = await fl.readScalars([curvature]);
tf.dispose([dT, curvature]);
claims.push([Math.abs(fd - exact) <= 0.02 * Math.abs(exact), `1-D slice curvature at the solution (finite difference, h = ${h}) ${fd.toFixed(5)} = dᵀHd = ${exact.toFixed(5)} (exact HVP) within 2 %`]);
const il = interp.objects() as Array<{ alpha: number; loss: number }>;
const inside = il.filter((r) => r.alpha >= 0 && r.alpha <= 1);
const ups = inside.slice(1).filter((r, i) => r.loss > inside[i].loss + 1e-6).length;
const lossT = P.loss(wT);
const [lT] = await fl.readScalars([lossT]);
lossT.dispose();
const e0 = il.find((r) => Math.abs(r.alpha) < 1e-9)!.loss, e1 = il.find((r) => Math.abs(r.alpha - 1) < 1e-9)!.loss;
claims.push([ups === 0 && Math.abs(e0 - l0) < 1e-5 && Math.abs(e1 - lT) < 1e-5, `interpolation: L(α=0) = L(w₀) = ${l0.toFixed(5)}, L(α=1) = L(w_T) = ${lT.toFixed(5)}, and the loss decreases monotonically in between (${ups} increases over ${inside.length} points)`]);
const ev2 = pca.explainedVarianceRatio[0] + pca.explainedVarianceRatio[1];
claims.push([ev2 >= 0.9, `trajectory PCA: the first two components explain ${(100 * ev2).toFixed(2)} % ≥ 90 % of the GD path's variance`]);
for (const [ok, text] of claims) console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`);
