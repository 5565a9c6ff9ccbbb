/**
 * GPU benchmark (issue 15): per backend (default webgpu beside wasm, on the same machine) the
 * adapter, matMul throughput, loss/grad/hvp/curvatureGrad of the 853k-parameter reference MLP
 * (3072→256→256→4, exact GELU, CIFAR-shaped random data, n = 1000, MSE, full batch), the
 * derivative harness over every op case (grad, hvp, curvatureGrad against float64 references, the
 * wasm tolerances) and one central-flow step (GD, η = 0.02).
 *
 * Every timing ends with a read of one value of the result (`await`), so queued GPU work is counted.
 * On a machine without a GPU the webgpu column runs on a software adapter (lavapipe) and says so.
 *
 * Run: node dist/bench/gpu.js [--backends webgpu,wasm] [--n 1000] [--reps 5] [--skip harness,flow] [--json FILE]
 * On the device machine: bash bench/gpu-device.sh (see that script).
 */
import { writeFileSync } from 'node:fs';
import { tf } from '../src/tensor/tf.js';
import { backend, checkDerivatives, problem } from '../src/tensor/index.js';
import { read } from '../src/tensor/read.js';
import { mlp } from '../src/models/mlp.js';
import { fromModel } from '../src/models/fromModel.js';
import { centralFlow } from '../src/flows/central.js';
import { OP_CASES, caseObjective, caseW0 } from '../tests/tensor/op-cases.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const backends = opt('backends', 'webgpu,wasm').split(',');
const n = Number(opt('n', '1000'));
const reps = Number(opt('reps', '5'));
const skip = new Set(opt('skip', '').split(',').filter(Boolean));
const jsonPath = opt('json', '');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Waits for `t` to be computed by reading one value of it (the whole of it when it is a scalar). */
async function settle(t: tf.Tensor): Promise<void> {
  const one = t.size > 1 ? tf.slice(tf.reshape(t, [-1]), [0], [1]) : t;
  await read(one);
  if (one !== t) one.dispose();
}

/** Median milliseconds of `fn` over `reps` runs after one warm-up, each run settled. */
async function timeMs(fn: () => tf.Tensor, runs = reps): Promise<number> {
  const warm = fn();
  await settle(warm);
  warm.dispose();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out = fn();
    await settle(out);
    ts.push(performance.now() - t0);
    out.dispose();
  }
  return median(ts);
}

type Column = Record<string, string>;

async function measure(name: string): Promise<Column> {
  const col: Column = {};
  try {
    const info = await backend.use(name as Parameters<typeof backend.use>[0]);
    col.device = info.device;
  } catch (e) {
    col.device = `unavailable: ${(e as Error).message.split(';')[0]}`;
    return col;
  }
  const gpu = name === 'webgpu';
  // matMul throughput: the reference MLP's first layer, and a square product on GPUs
  for (const [m, k, nn] of [[1000, 3072, 256], ...(gpu ? [[4096, 4096, 4096]] : [])] as [number, number, number][]) {
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([k, nn], 0, 1, 'float32', 2);
    const ms = await timeMs(() => tf.matMul(a, b));
    col[`matMul ${m}×${k}·${k}×${nn} GFLOP/s`] = ((2 * m * k * nn) / ms / 1e6).toFixed(1);
    tf.dispose([a, b]);
  }
  // the 853k reference MLP on CIFAR-shaped random data
  const model = mlp({ input: 3072, hidden: [256, 256], output: 4, activation: 'gelu' });
  const x = tf.randomNormal([n, 3072], 0, 1, 'float32', 3);
  const y = tf.randomNormal([n, 4], 0, 1, 'float32', 4);
  const P = fromModel(model, { x, y, name: `random CIFAR-shaped n=${n}` }, 'mse');
  const w = tf.tensor1d(model.init(0));
  const u = tf.randomNormal([P.dim], 0, 1 / Math.sqrt(P.dim), 'float32', 5) as tf.Tensor1D;
  const v = tf.randomNormal([P.dim], 0, 1 / Math.sqrt(P.dim), 'float32', 6) as tf.Tensor1D;
  col.params = String(P.dim);
  const slow = name === 'cpu' ? 1 : reps;
  col['loss ms'] = (await timeMs(() => P.loss(w), slow)).toFixed(1);
  col['grad ms'] = (await timeMs(() => P.grad(w), slow)).toFixed(1);
  col['hvp ms'] = (await timeMs(() => P.hvp(w, v), slow)).toFixed(1);
  col['curvatureGrad ms'] = (await timeMs(() => P.curvatureGrad(w, u, v), slow)).toFixed(1);
  if (!skip.has('flow')) {
    const t0 = performance.now();
    const flow = await centralFlow(P, w, { optimizer: 'gd', lr: 0.02, steps: 1 });
    col['central-flow step ms'] = (performance.now() - t0).toFixed(0);
    disposeW(flow.w);
  }
  tf.dispose([x, y, w, u, v]);
  if (!skip.has('harness')) {
    const t0 = performance.now();
    let pass = 0;
    const failed: string[] = [];
    for (const c of OP_CASES) {
      const o = caseObjective(c, 7);
      const Q = problem(o.loss, { dim: o.dim, name: c.name });
      const w0 = tf.tensor1d(caseW0(c, 7));
      try {
        const r = await checkDerivatives(Q, w0, { reference: o.reference, directions: 2, tol: { grad: 1e-5, hvp: 1e-4, curvatureGrad: 1e-3, ...c.tol } });
        if (r.pass) pass++; else failed.push(c.name);
      } catch (e) {
        failed.push(`${c.name} (${(e as Error).message.slice(0, 60)})`);
      } finally {
        w0.dispose();
      }
    }
    col['derivative harness'] = `${pass}/${OP_CASES.length} pass${failed.length ? `; FAIL: ${failed.join(', ')}` : ''}`;
    col['harness s'] = ((performance.now() - t0) / 1000).toFixed(1);
  }
  return col;
}

/** flow.w is a Tensor1D (or, before the result rule, a Float32Array): free it either way. */
function disposeW(w: unknown): void {
  if (w instanceof tf.Tensor) w.dispose();
}

const columns: Record<string, Column> = {};
for (const b of backends) {
  console.error(`bench/gpu: measuring ${b} …`);
  columns[b] = await measure(b);
}
const rows = [...new Set(Object.values(columns).flatMap((c) => Object.keys(c)))];
console.log(`\n### bench/gpu (n = ${n}, ${reps} reps, medians)\n`);
console.log(`| | ${backends.join(' | ')} |`);
console.log(`|---|${backends.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r} | ${backends.map((b) => columns[b][r] ?? '').join(' | ')} |`);
if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ n, reps, columns }, null, 2));
