/**
 * Compute benchmark (issue 3): per backend, matMul throughput (1000×3072 by 3072×256) beside
 * numpy/OpenBLAS, and the reference MLP of references.md §1 (3072→256→256→4, exact GELU,
 * 1,000 examples, MSE, full batch): time of loss, grad, hvp, hvpBatch (k = 4, per vector),
 * curvatureGrad and ratios to grad.
 * Targets: hvp ≤ 4× grad, curvatureGrad ≤ 12× grad.
 *
 * Run: node --import tsx bench/compute.ts [--backends wasm,cpu] [--reps 3]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tf } from '../src/tensor/tf.js';
import { backend, problem } from '../src/tensor/index.js';
import type { Scalar, Tensor1D } from '../src/tensor/types.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
// 'wasm-2t': wasm with large matMuls split over 2 threads (experimental, worker_threads)
const backends = opt('backends', 'wasm,wasm-2t,cpu').split(',');
const reps = Number(opt('reps', '3'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeMs(fn: () => tf.TensorContainer, n: number): Promise<number> {
  if (n > 1) tf.dispose(fn()); // warm-up (skipped for single-shot rows such as cpu)
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const out = fn();
    // force completion: read one value of every output
    for (const t of (Array.isArray(out) ? out : out instanceof tf.Tensor ? [out] : Object.values(out as object)) as tf.Tensor[]) await t.data();
    ts.push(performance.now() - t0);
    tf.dispose(out);
  }
  return median(ts);
}

function numpyGflops(): string {
  const code = 'import numpy as np,time;a=np.random.rand(1000,3072).astype(np.float32);b=np.random.rand(3072,256).astype(np.float32);a@b;' +
    't=time.perf_counter();[a@b for _ in range(20)];print(20*2*1000*3072*256/(time.perf_counter()-t)/1e9)';
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      return Number(execFileSync(py, ['-c', code], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toFixed(1);
    } catch { /* try the next */ }
  }
  return 'n/a';
}

/** The reference MLP as a flat-parameter loss (exact GELU via erf). */
function referenceMlp(n = 1000, sizes = [3072, 256, 256, 4]) {
  const X = tf.keep(tf.randomNormal([n, sizes[0]], 0, 1, 'float32', 1));
  const Y = tf.keep(tf.randomNormal([n, sizes[3]], 0, 1, 'float32', 2));
  const layers: { W: number; b: number; fanIn: number; fanOut: number }[] = [];
  let off = 0;
  for (let l = 0; l < 3; l++) {
    layers.push({ W: off, b: off + sizes[l] * sizes[l + 1], fanIn: sizes[l], fanOut: sizes[l + 1] });
    off += sizes[l] * sizes[l + 1] + sizes[l + 1];
  }
  const dim = off;
  const gelu = (z: tf.Tensor) => tf.mul(tf.mul(z, 0.5), tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
  const loss = (w: Tensor1D): Scalar => {
    let h: tf.Tensor = X;
    layers.forEach((L, i) => {
      const W = tf.reshape(tf.slice(w, L.W, L.fanIn * L.fanOut), [L.fanIn, L.fanOut]);
      h = tf.add(tf.matMul(h, W), tf.slice(w, L.b, L.fanOut));
      if (i < layers.length - 1) h = gelu(h);
    });
    return tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(h, Y)))), n) as Scalar;
  };
  const w0 = tf.tidy(() => tf.concat(layers.map((L) => tf.concat([
    tf.mul(tf.randomNormal([L.fanIn * L.fanOut], 0, 1, 'float32', 3), 1 / Math.sqrt(L.fanIn)), tf.zeros([L.fanOut]),
  ]))) as Tensor1D);
  return { dim, loss, w0, dispose: () => tf.dispose([X, Y, w0]) };
}

/** Measures one backend row (run in its own process so rows do not disturb each other). */
async function measure(name: string): Promise<string> {
  if (name === 'wasm-2t') await backend.use('wasm', { threads: 2 });
  else await backend.use(name as 'wasm' | 'cpu', name === 'wasm' ? { threads: 1 } : {});
  const info = backend.info();
  const a = tf.randomNormal([1000, 3072]);
  const b = tf.randomNormal([3072, 256]);
  const mmMs = await timeMs(() => tf.matMul(a, b), name === 'cpu' ? 1 : 5);
  tf.dispose([a, b]);
  const gflops = (2 * 1000 * 3072 * 256) / (mmMs / 1000) / 1e9;
  const m = referenceMlp();
  const P = problem(m.loss, { dim: m.dim, name: 'reference MLP' });
  const u = tf.randomNormal([m.dim], 0, 1, 'float32', 4) as Tensor1D;
  const v = tf.randomNormal([m.dim], 0, 1, 'float32', 5) as Tensor1D;
  const r = name === 'cpu' ? 1 : reps;
  const tLoss = await timeMs(() => P.loss(m.w0), r);
  const tGrad = await timeMs(() => P.grad(m.w0), r);
  const tHvp = await timeMs(() => P.hvp(m.w0, v), r);
  const tCg = await timeMs(() => P.curvatureGrad(m.w0, u, v), r);
  const V = tf.randomNormal([4, m.dim], 0, 1, 'float32', 6) as tf.Tensor2D;
  const tBatch = (await timeMs(() => P.hvpBatch(m.w0, V), r)) / 4;
  tf.dispose([u, v, V]);
  m.dispose();
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  return `| ${name} (${info.device}, ${info.threads} thread${info.threads === 1 ? '' : 's'}) | ${gflops.toFixed(1)} | NUMPY | ` +
    `${f(tLoss)} | ${f(tGrad)} | ${f(tHvp)} | ${f(tBatch)} | ${f(tCg)} | ${(tLoss / tGrad).toFixed(2)} | ${(tHvp / tGrad).toFixed(2)} | ${(tBatch / tGrad).toFixed(2)} | ${(tCg / tGrad).toFixed(2)} |`;
}

if (args.includes('--row')) {
  console.log(`ROW ${await measure(opt('row', 'wasm'))}`);
  process.exit(0);
}

const npGflops = numpyGflops();
console.log('\nmatMul 1000×3072·3072×256 (GFLOP/s) and reference MLP 3072→256→256→4 GELU, 1,000 examples, MSE, full batch (ms, median)\n');
console.log('| backend | matMul GFLOP/s | numpy/OpenBLAS GFLOP/s | loss ms | grad ms | hvp ms | hvpBatch ms/vector (k=4) | curvatureGrad ms | loss/grad | hvp/grad (≤ 4) | hvpBatch/grad per vector | curvatureGrad/grad (≤ 12) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const name of backends) {
  const script = fileURLToPath(import.meta.url);
  try {
    const out = execFileSync(process.execPath, [...process.execArgv, script, '--row', name, '--reps', String(reps)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
    const line = out.split('\n').find((l) => l.startsWith('ROW '));
    console.log(line ? line.slice(4).replace('NUMPY', npGflops) : `| ${name} | failed: no result | | | | | | | | | | |`);
  } catch (e) {
    const msg = String((e as { stderr?: string }).stderr || e).split('\n').find((l) => /Error/.test(l)) ?? 'failed';
    console.log(`| ${name} | ${msg.slice(0, 120).replace(/\|/g, '/')} | | | | | | | | | | |`);
  }
}
