/**
 * Cost of one central-flow step relative to one GD step on the reference MLP of the central-flows
 * paper (3072→256→GELU→256→GELU→4, MSE, n examples of random CIFAR-shaped data), split into its
 * parts: gradients (4 substeps), eigen tracking (one warm LOBPCG solve + 3 Rayleigh refreshes),
 * curvatureGrad (k(k+1)/2 per substep), SDCP, and the update arithmetic.
 *
 * Run: node --import tsx bench/flows.ts [--backend wasm|cpu] [--n 1000] [--k 1,2]
 */
import { tf } from '../src/tensor/tf.js';
import { backend } from '../src/tensor/index.js';
import type { Tensor1D, Tensor2D } from '../src/tensor/types.js';
import { mlp, fromModel } from '../src/models/index.js';
import { makeRule } from '../src/flows/rules.js';
import { rayleighRefresh } from '../src/flows/tracker.js';
import { topEigenpairs } from '../src/landscape/index.js';
import { centralSubstep } from '../src/flows/substep.js';
import { solveSdcp } from '../src/flows/sdcp.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const be = arg('backend', 'wasm');
const n = Number(arg('n', '1000'));
const ks = arg('k', '1,2').split(',').map(Number);
await backend.use(be as 'wasm' | 'cpu');

const model = mlp({ input: 3072, hidden: [256, 256], output: 4, activation: 'gelu' });
const x = tf.randomNormal([n, 32, 32, 3], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 4), 'int32'), 4).toFloat();
const P = fromModel(model, { x, y }, 'mse');
const w = tf.tensor1d(model.init(0)) as Tensor1D;
const lr = 0.02;

/** Median wall time (ms) of fn (awaited) over `reps` runs after one warm-up. */
async function time(fn: () => unknown, reps = 3): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)];
}

const rule = makeRule('gd', { lr });
const gradMs = await time(() => tf.dispose(P.lossAndGrad(w) as unknown as tf.Tensor[]));
const gdMs = await time(() => tf.tidy(() => { const { loss, grad } = P.lossAndGrad(w); return [loss, tf.sub(w, tf.mul(grad, lr))]; }).forEach((t) => t.dispose()));
const rows: string[][] = [];
for (const k of ks) {
  // a warm re-solve of k pairs (what every central-flow step does), as FlowEigTracker runs it
  const pre = new Float32Array(P.dim).fill(1 / lr);
  const cold = await topEigenpairs(P, w, { k, preconditioner: pre });
  const warmMs = await time(async () => { await topEigenpairs(P, w, { k, method: 'lobpcg', warmStart: cold.vectors, preconditioner: pre }); }, 2);
  const symU = tf.randomNormal([k, P.dim], 0, 1, 'float32', 3) as Tensor2D;
  const rayMs = await time(async () => (await rayleighRefresh(P, w, Math.sqrt(lr), symU)).symU.dispose());
  const U = tf.tidy(() => tf.mul(tf.div(symU, tf.norm(symU, 2, 1, true)), Math.sqrt(lr))) as Tensor2D;
  const rows1 = U.unstack() as Tensor1D[];
  const cgMs = await time(() => P.curvatureGrad(w, rows1[0], rows1[k - 1]).dispose());
  const g = P.grad(w);
  const eigs = Array.from({ length: k }, () => 2.01);
  let sub = { curvatureGrad: 0, sdcp: 0, update: 0 };
  await time(async () => {
    const s = rule.init(g);
    const r = await centralSubstep(P, rule, tf.clone(w) as Tensor1D, s, g, eigs, U, 0.25);
    r.w.dispose();
    sub = r.times;
  });
  const m = (k * (k + 1)) / 2;
  const sdcpMs = await time(() => { const a = new Float64Array(k * k); for (let i = 0; i < k; i++) a[i * k + i] = -0.01 * (i + 1); const B = new Float64Array(k ** 4); for (let i = 0; i < k * k; i++) B[i * k * k + i] = 1; solveSdcp(a, B, k); }, 20);
  const parts: Array<[string, number, number]> = [
    ['gradient (loss+grad)', gradMs, 4],
    ['eigen tracking: warm LOBPCG solve', warmMs, 1],
    ['eigen tracking: Rayleigh refresh (k HVPs)', rayMs, 3],
    [`curvatureGrad ∇(uᵢᵀHuⱼ)`, cgMs, 4 * m],
    ['SDCP (float64)', sdcpMs, 4],
    ['update + α, β assembly', sub.update, 4],
  ];
  const total = parts.reduce((s, [, ms, c]) => s + ms * c, 0);
  for (const [name, ms, calls] of parts) rows.push([`${k}`, name, ms.toFixed(2), `${calls}`, (ms * calls).toFixed(1), ((ms * calls) / gdMs).toFixed(2)]);
  rows.push([`${k}`, '**central-flow step (total)**', '', '', total.toFixed(1), (total / gdMs).toFixed(1)]);
  tf.dispose([symU, U, ...rows1, g]);
}
const info = backend.info();
console.log(`\n### Central-flow step vs GD step — MLP 3072→256→256→4 GELU, n = ${n}, dim = ${P.dim}, backend ${info.name ?? be}\n`);
console.log(`GD step (loss + grad + update): ${gdMs.toFixed(1)} ms\n`);
console.log('| k critical | part | ms / call | calls / step | ms / step | × GD step |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
tf.dispose([x, y, w]);
P.dispose();
