/**
 * Benchmark of fl.landscape on the central-flows reference MLP (3072→256→256→4, GELU, MSE,
 * 1,000 random examples of CIFAR shape, 853k parameters): HVPs and seconds for top-1 and top-4
 * eigenpairs, cold and warm-started one GD step apart (residual test, and LOBPCG's eigenvalue-change
 * test `valueTol` with its error against a tight reference), and SLQ density with 100 iterations.
 * Target: a warm-started top-1 in ≤ 5 HVPs.
 *
 *   node --import tsx bench/landscape.ts [--backends wasm,cpu] [--n 1000]
 *
 * Prints a markdown table. cpu is slow (~25× wasm): it runs only a single-HVP timing unless
 * `--full-cpu` is given.
 */
import { backend, problem, tf } from '../src/tensor/index.js';
import type { Tensor1D, Scalar } from '../src/tensor/types.js';
import { topEigenpairs, spectrumDensity, sharpness, EigenTracker } from '../src/landscape/index.js';
import { readAndDispose } from '../src/tensor/read.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const backends = opt('backends', 'wasm,cpu').split(',');
const n = Number(opt('n', '1000'));
const fullCpu = args.includes('--full-cpu');
/** --warm-only: just cold top-4 (Lanczos) and the warm-start variants, to study tracking cost. */
const warmOnly = args.includes('--warm-only');

function referenceMlp(nEx: number) {
  const sizes = [3072, 256, 256, 4];
  const shapes: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) shapes.push([sizes[l], sizes[l + 1]], [sizes[l + 1]]);
  const offsets: number[] = [];
  let dim = 0;
  for (const s of shapes) { offsets.push(dim); dim += s.reduce((a, b) => a * b, 1); }
  const X = tf.randomNormal([nEx, 3072], 0, 1, 'float32', 1);
  const labels = tf.randomUniform([nEx], 0, 4, 'int32', 2);
  const Y = tf.tidy(() => tf.cast(tf.oneHot(labels as tf.Tensor1D, 4), 'float32'));
  labels.dispose();
  const gelu = (x: tf.Tensor) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(Math.SQRT1_2, x))));
  const view = (w: Tensor1D, i: number) => tf.reshape(tf.slice(w, [offsets[i]], [shapes[i].reduce((a, b) => a * b, 1)]), shapes[i]);
  const loss = (w: Tensor1D): Scalar => {
    let h: tf.Tensor = X;
    for (let l = 0; l < 3; l++) {
      h = tf.add(tf.matMul(h as tf.Tensor2D, view(w, 2 * l) as tf.Tensor2D), view(w, 2 * l + 1));
      if (l < 2) h = gelu(h);
    }
    return tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(h, Y)), 1))) as Scalar;
  };
  // PyTorch nn.Linear default init U(±1/√fan_in)
  const w0 = new Float32Array(dim);
  let seed = 12345;
  const rand = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296; };
  shapes.forEach((s, i) => {
    const fanIn = s.length === 2 ? s[0] : shapes[i - 1][0];
    const size = s.reduce((a, b) => a * b, 1);
    for (let j = 0; j < size; j++) w0[offsets[i] + j] = (2 * rand() - 1) / Math.sqrt(fanIn);
  });
  return { P: problem(loss, { dim, name: 'reference-mlp' }), w0, dispose: () => { X.dispose(); Y.dispose(); } };
}

interface Row { backend: string; task: string; method: string; hvps: number | string; seconds: number; result: string }
const rows: Row[] = [];
const push = (r: Row) => { rows.push(r); console.error(JSON.stringify(r)); };
const fmt = (xs: number[]) => xs.map((x) => x.toPrecision(6)).join(', ');

async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, (performance.now() - t0) / 1000];
}

for (const be of backends) {
  await backend.use(be as 'wasm' | 'cpu');
  const { P, w0, dispose } = referenceMlp(n);
  const wt = tf.tensor1d(w0);
  const v = tf.randomNormal([P.dim], 0, 1, 'float32', 5) as Tensor1D;
  tf.tidy(() => P.hvp(wt, v)).dispose(); // warm-up (kernel compilation, memory)
  const [, tHvp] = await timed(() => readAndDispose([tf.tidy(() => P.hvp(wt, v))]));
  push({ backend: be, task: `1 HVP (dim ${P.dim})`, method: '-', hvps: 1, seconds: tHvp, result: '' });
  const V = tf.randomNormal([4, P.dim], 0, 1, 'float32', 6) as tf.Tensor2D;
  tf.tidy(() => P.hvpBatch(wt, V)).dispose(); // warm-up
  const [, tBatch] = await timed(() => readAndDispose([tf.tidy(() => P.hvpBatch(wt, V))]));
  push({ backend: be, task: '1 hvpBatch of 4', method: '-', hvps: 4, seconds: tBatch, result: '' });
  V.dispose(); v.dispose();
  if (be === 'cpu' && !fullCpu) { wt.dispose(); dispose(); continue; }

  const cold: Record<string, Float32Array[]> = {};
  for (const k of warmOnly ? [4] : [1, 4]) {
    for (const method of warmOnly ? ['lanczos' as const] : ['lanczos', 'lobpcg'] as const) {
      const [r, s] = await timed(() => topEigenpairs(P, wt, { k, method }));
      push({ backend: be, task: `top-${k} cold`, method, hvps: r.hvps, seconds: s, result: fmt(r.values) + (r.converged ? '' : ' (not converged)') });
      if (method === 'lanczos') cold[k] = r.vectors;
    }
  }
  // one GD step w1 = w0 − η∇L, η = 0.02 (the central-flows example's step size)
  const lr = 0.02;
  const w1 = tf.tidy(() => tf.sub(wt, tf.mul(lr, P.grad(wt)))) as Tensor1D;
  if (warmOnly) {
    cold[1] = cold[4].slice(0, 1);
    // the Rayleigh quotient of the previous vector (what central flows do on substeps): 1 HVP
    const [rq, sRq] = await timed(() => new EigenTracker(P).rayleigh(w1, cold[1]));
    push({ backend: be, task: `Rayleigh quotient of the old top vector at w1`, method: 'rayleigh', hvps: rq.hvps, seconds: sRq, result: fmt(rq.values) });
    for (const guard of [1, 3]) {
      const [r, s] = await timed(() => topEigenpairs(P, w1, { k: 1, method: 'lobpcg', warmStart: cold[4].slice(0, 1 + guard), guard }));
      push({ backend: be, task: `top-1 warm, ${guard} guard vector(s), tol 1e-5`, method: 'lobpcg', hvps: r.hvps, seconds: s, result: fmt(r.values) });
    }
  }
  for (const k of warmOnly ? [1] : [1, 4]) {
    for (const tol of [1e-5, 1e-4]) {
      const [r, s] = await timed(() => topEigenpairs(P, w1, { k, method: 'lobpcg', warmStart: cold[k], tol }));
      push({ backend: be, task: `top-${k} warm (GD step η=${lr}), tol ${tol}`, method: 'lobpcg', hvps: r.hvps, seconds: s, result: fmt(r.values) });
    }
  }
  if (warmOnly) { w1.dispose(); wt.dispose(); dispose(); continue; }
  const [ref, sRef] = await timed(() => sharpness(P, w1, { tol: 1e-6 }));
  push({ backend: be, task: 'top-1 cold at w1 (reference, tol 1e-6)', method: 'lanczos', hvps: '-', seconds: sRef, result: fmt([ref]) });
  // the eigenvalue-change test (PyHessian's) on the same warm start: HVPs and error vs the reference
  for (const valueTol of [1e-4, 1e-5]) {
    const [r, sv] = await timed(() => topEigenpairs(P, w1, { k: 1, method: 'lobpcg', warmStart: cold[1], valueTol }));
    push({ backend: be, task: `top-1 warm (GD step η=${lr}), valueTol ${valueTol}`, method: 'lobpcg', hvps: r.hvps, seconds: sv, result: `${fmt(r.values)} (rel. error ${(Math.abs(r.values[0] - ref) / ref).toExponential(1)})` });
  }
  const [d, sd] = await timed(() => spectrumDensity(P, wt, { iters: 100 }));
  push({ backend: be, task: 'SLQ density, 100 iterations', method: 'lanczos', hvps: d.hvps, seconds: sd, result: `nodes in [${Math.min(...d.nodes).toPrecision(4)}, ${Math.max(...d.nodes).toPrecision(4)}]` });
  w1.dispose(); wt.dispose(); dispose();
  console.error(`[${be}] done; tensors alive: ${tf.memory().numTensors}`);
}

console.log(`\nReference MLP 3072→256→256→4 GELU, MSE, ${n} examples (${new Date().toISOString().slice(0, 10)})\n`);
console.log('| backend | task | method | HVPs | seconds | values |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.backend} | ${r.task} | ${r.method} | ${r.hvps} | ${r.seconds.toFixed(2)} | ${r.result} |`);
