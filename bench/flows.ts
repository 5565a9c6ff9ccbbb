/**
 * One GD step and one GD central-flow step on the reference MLP of the central-flows paper
 * (3072→256→GELU→256→GELU→4, MSE, n random CIFAR-shaped examples, weights model.init(0)), flowlab
 * beside PyTorch (bench/torch_flows.py, run in the same invocation on the same weights, data and η),
 * at each thread count: median ms per step, ratios, and the cost in gradient-equivalents (step time
 * over loss+gradient time, each side its own) with the derivative calls behind it.
 *
 * η per k: 1.97/λ_k(w₀), so that exactly k effective eigenvalues ηλ exceed the SDCP threshold 1.95
 * (the top ones at initialisation are nearly degenerate: λ₂/λ₁ ≈ 0.97). trackThreshold = 1.95, so
 * the tracker follows the k critical pairs plus one, as on a trajectory whose next eigenvalue is
 * below 1.5. A step is timed after one untimed step (the cold eigen-solve), `--steps` times, median.
 *
 * --mnist: the issue's case instead, a GD central flow on a 25k-parameter MNIST MLP (784→32→tanh→4,
 * 500 examples of 4 classes, η = 0.5, defaults otherwise) for --mnist-steps steps (600), wall time.
 *
 * Run: npm run build && node dist/bench/flows.js [--n 1000] [--k 1,2] [--threads 1,2] [--steps 3] [--no-torch]
 *      node dist/bench/flows.js --mnist [--mnist-steps 600] [--threads 1]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../src/tensor/tf.js';
import { backend, read } from '../src/tensor/index.js';
import type { Problem, Tensor1D } from '../src/tensor/types.js';
import { mlp, fromModel } from '../src/models/index.js';
import { mnist } from '../src/data/index.js';
import { makeRule } from '../src/flows/rules.js';
import { CentralStepper } from '../src/flows/step.js';
import { centralFlow } from '../src/flows/index.js';
import { topEigenpairs } from '../src/landscape/index.js';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const be = arg('backend', 'wasm') as 'wasm' | 'cpu';
const threads = arg('threads', '1,2').split(',').map(Number);
const torch = !process.argv.includes('--no-torch');
const dir = join(tmpdir(), `flowlab-bench-flows-${process.pid}`);
mkdirSync(dir, { recursive: true });

/** The Problem with its derivative calls counted (LOBPCG's HVPs, the shared passes, anything else). */
function counted(P: Problem) {
  const c = { lossAndGrad: 0, hvp: 0, passes: 0, passRows: 0, passPairs: 0, curvatureGrad: 0 };
  const Q: Problem = {
    dim: P.dim, spec: P.spec, name: P.name, loss: (w) => P.loss(w), grad: (w) => (c.lossAndGrad++, P.grad(w)),
    lossAndGrad: (w) => (c.lossAndGrad++, P.lossAndGrad(w)), hvp: (w, v) => (c.hvp++, P.hvp(w, v)),
    hvpBatch: (w, V) => ((c.hvp += V.shape[0]), P.hvpBatch(w, V)), curvatureGrad: (w, u, v) => (c.curvatureGrad++, P.curvatureGrad(w, u, v)),
    curvatureGradBatch: (w, U, pairs) => { c.passes++; c.passRows += U.shape[0]; c.passPairs += pairs?.length ?? 0; return P.curvatureGradBatch!(w, U, pairs); },
  };
  return { Q, c };
}

/** Wall and CPU (process: user + system) milliseconds of one awaited call. */
async function clock(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage(), t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

/** Medians of wall and CPU ms over `reps` runs (after one warm-up unless warm = false). */
async function median(fn: () => unknown, reps = 5, warm = true): Promise<{ wall: number; cpu: number }> {
  if (warm) await fn();
  const ts: Array<{ wall: number; cpu: number }> = [];
  for (let i = 0; i < reps; i++) ts.push(await clock(fn));
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: mid(ts.map((t) => t.wall)), cpu: mid(ts.map((t) => t.cpu)) };
}

/** Runs bench/torch_flows.py on the data folder; its JSON, or null (with the reason printed). */
function pytorch(threads: number, args: string[]): Record<string, any> | null {
  if (!torch) return null;
  // every BLAS/OpenMP pool at `threads` (torch.set_num_threads alone leaves OpenBLAS's own pool at the core count)
  const t = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
  const r = spawnSync('/usr/bin/python3', [join(process.cwd(), 'bench', 'torch_flows.py'), '--data', dir, '--threads', t, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env });
  if (r.status !== 0) { console.log(`PyTorch anchor failed (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}); run from the repository root with Debian's python3-torch.`); return null; }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

async function writeData(x: tf.Tensor, y: tf.Tensor, w0: Float32Array, meta: object): Promise<void> {
  writeFileSync(join(dir, 'x.bin'), await read(x));
  writeFileSync(join(dir, 'y.bin'), await read(y));
  writeFileSync(join(dir, 'w0.bin'), w0);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
}

const f1 = (v: number) => v.toFixed(1);
const ratio = (a: number, b: number | undefined) => (b ? `×${(a / b).toFixed(2)}` : '–');

if (process.argv.includes('--mnist')) {
  const steps = Number(arg('mnist-steps', '600'));
  const lr = 0.5;
  const data = mnist({ n: 500, classes: 4 });
  const model = mlp({ input: 784, hidden: [32], output: 4, activation: 'tanh' });
  const w0 = model.init(0);
  await writeData(data.x, data.y, w0, { n: 500, widths: [784, 32, 4], activation: 'tanh', lr, threshold: 1.95, trackThreshold: 1.5 });
  console.log(`\n### GD central flow, MNIST MLP 784→32→tanh→4 (${model.numParams} parameters), n = 500, η = ${lr}, ${steps} steps\n`);
  console.log('| threads | flowlab s wall / CPU | s per step | PyTorch (fused) s wall / CPU | flowlab ÷ PyTorch | flowlab final loss, ηλ₁ | PyTorch final loss, ηλ₁ |');
  console.log('|---|---|---|---|---|---|---|');
  const notes: string[] = [];
  for (const t of threads) {
    try {
      await backend.use(be, be === 'wasm' ? { threads: t } : {});
    } catch (e) {
      console.log(`| ${t} | (flowlab could not start ${t} threads: ${(e as Error).message}) | | | | | |`);
      continue;
    }
    const P = fromModel(model, data, 'mse');
    const { Q, c } = counted(P);
    let cf: Awaited<ReturnType<typeof centralFlow>> | null = null;
    const run = await clock(async () => { cf = await centralFlow(Q, w0, { lr, steps, record: { every: 10 } }); });
    const { table, w: wEnd } = cf!;
    const last = table.objects().at(-1) as Record<string, number>;
    wEnd.dispose();
    P.dispose();
    const pt = pytorch(t, ['--run', String(steps)]);
    const s = { wall: run.wall / 1000, cpu: run.cpu / 1000 };
    const on = t === 1 ? 'cpu' : 'wall';
    const ptS = pt ? { wall: pt.run_s, cpu: pt.run_cpu_s } : null;
    console.log(`| ${t} | ${f1(s.wall)} / ${f1(s.cpu)} | ${(s.wall / steps).toFixed(3)} | ${ptS ? `${f1(ptS.wall)} / ${f1(ptS.cpu)}` : '–'} | ${ptS ? `×${(s[on] / ptS[on]).toFixed(2)} (${on})` : '–'} | ${last.loss.toPrecision(5)}, ${last.eig_1.toFixed(4)} | ${pt ? `${pt.loss.toPrecision(5)}, ${pt.eig_1.toFixed(4)}` : '–'} |`);
    notes.push(`threads ${t}: flowlab per step ${(c.hvp / steps).toFixed(1)} LOBPCG HVPs, ${(c.passes / steps).toFixed(2)} passes, ${(c.lossAndGrad / steps).toFixed(2)} plain gradients${pt ? `; PyTorch in all ${JSON.stringify(pt.counts)}` : ''}`);
  }
  notes.forEach((l) => console.log(`\n${l}`));
  process.exit(0);
}

const n = Number(arg('n', '1000'));
const ks = arg('k', '1,2').split(',').map(Number);
const reps = Number(arg('steps', '3'));
await backend.use(be);
const model = mlp({ input: 3072, hidden: [256, 256], output: 4, activation: 'gelu' });
const x = tf.randomNormal([n, 32, 32, 3], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 4), 'int32'), 4).toFloat();
const P = fromModel(model, { x, y }, 'mse');
const w0 = model.init(0);
const w = tf.tensor1d(w0) as Tensor1D;
// the top eigenvalues at w₀ (cached between runs: a cold solve costs a minute)
const cache = join(tmpdir(), `flowlab-bench-flows-eigs-n${n}.json`);
const lambdas: number[] = existsSync(cache) ? JSON.parse(readFileSync(cache, 'utf8')) : (await topEigenpairs(P, w, { k: Math.max(...ks) + 1 })).values;
writeFileSync(cache, JSON.stringify(lambdas));
const lrs = ks.map((k) => 1.97 / lambdas[k - 1]);
await writeData(x, y, w0, { n, widths: [3072, 256, 256, 4], activation: 'gelu', ks, lrs, threshold: 1.95, trackThreshold: 1.95 });
console.log(`\n### GD step and GD central-flow step: flowlab (${be}) vs PyTorch — MLP 3072→256→GELU→256→GELU→4, n = ${n}, dim = ${P.dim}`);
console.log(`top Hessian eigenvalues at w₀: ${lambdas.map((l) => l.toFixed(4)).join(', ')}; η = 1.97/λ_k: ${ks.map((k, i) => `k=${k}: η ${lrs[i].toFixed(4)}, ηλ = ${lambdas.map((l) => (l * lrs[i]).toFixed(3)).join('/')}`).join('; ')}`);
console.log('ms are medians; with 1 thread the ratios and gradient-equivalents use CPU time (process user + system: steadier than wall time on a loaded machine), with more threads wall time.\n');
const ms = (t: { wall: number; cpu: number } | undefined) => (t ? `${f1(t.wall)} / ${f1(t.cpu)}` : '–');
const main: string[] = [], calls: string[] = [];
for (const t of threads) {
  try {
    await backend.use(be, be === 'wasm' ? { threads: t } : {});
  } catch (e) {
    const pt = pytorch(t, ['--steps', String(reps)]);
    const p = (x: { wall_ms: number; cpu_ms: number } | undefined) => (x ? `${f1(x.wall_ms)} / ${f1(x.cpu_ms)}` : '–');
    main.push(`| ${t} | (flowlab could not start ${t} threads: ${(e as Error).message}) PyTorch: loss + gradient ${p(pt?.grad)}, GD step ${p(pt?.gd)}, central-flow steps ${ks.map((k) => `k=${k} ${p(pt?.k[String(k)]?.official.step)} (official) ${p(pt?.k[String(k)]?.fused.step)} (fused)`).join(', ')} | | | | | | | | |`);
    continue;
  }
  const basis = (x: { wall: number; cpu: number }) => (t === 1 ? x.cpu : x.wall);
  const pick = (x: { wall_ms: number; cpu_ms: number } | undefined) => (x ? { wall: x.wall_ms, cpu: x.cpu_ms } : undefined);
  const grad = await median(() => tf.dispose(Object.values(P.lossAndGrad(w))));
  const gd = await median(() => tf.tidy(() => { const { loss, grad } = P.lossAndGrad(w); return [loss, tf.sub(w, tf.mul(grad, lrs[0]))]; }).forEach((x) => x.dispose()));
  const pt = pytorch(t, ['--steps', String(reps)]);
  const [tg, tgd] = [pick(pt?.grad), pick(pt?.gd)];
  const eq = (x: { wall: number; cpu: number } | undefined, g: { wall: number; cpu: number } | undefined) => (x && g ? (basis(x) / basis(g)).toFixed(1) : '–');
  const r = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number } | undefined) => (b ? `×${(basis(a) / basis(b)).toFixed(2)}` : '–');
  main.push(`| ${t} | loss + gradient | ${ms(grad)} | ${ms(tg)} | | ${r(grad, tg)} | | 1 | 1 | |`);
  main.push(`| ${t} | GD step | ${ms(gd)} | ${ms(tgd)} | | ${r(gd, tgd)} | | ${eq(gd, grad)} | ${eq(tgd, tg)} | |`);
  for (const [i, k] of ks.entries()) {
    const { Q, c } = counted(P);
    const stepper = new CentralStepper(Q, makeRule('gd', { lr: lrs[i] }), tf.clone(w) as Tensor1D, { substeps: 4, eigEvery: 1, threshold: 1.95, trackThreshold: 1.95, eigTol: 1e-5, seed: 0, wantDirections: false });
    await stepper.step(); // the cold solve
    const c0 = { ...c }, e0 = stepper.times.eigs;
    const step = await median(() => stepper.step(), reps, false);
    const per = (key: keyof typeof c) => (c[key] - c0[key]) / reps;
    const loss = (await read(P.loss(stepper.w)))[0];
    stepper.w.dispose();
    stepper.dispose();
    const o = pt?.k[String(k)]?.official, u = pt?.k[String(k)]?.fused;
    const [po, pu] = [pick(o?.step), pick(u?.step)];
    main.push(`| ${t} | central-flow step, η for k = ${k} | ${ms(step)} | ${ms(po)} | ${ms(pu)} | ${r(step, po)} | ${r(step, pu)} | ${eq(step, grad)} | ${eq(po, tg)} | ${eq(pu, tg)} |`);
    const tc = (v: any) => (v ? `${v.counts.hvp} HVPs, ${v.counts.grad} grads, ${v.counts.rayleigh} uᵀHu, ${v.counts.d3} D³, ${v.counts.fused} fused (${v.counts.fused_pairs} pairs); eigen solve ${f1(v.eig_wall_ms)} ms; loss ${v.loss.toPrecision(6)}` : '–');
    calls.push(`| ${t} | η for k = ${k} | LOBPCG ${per('hvp').toFixed(1)} HVPs, ${per('passes').toFixed(1)} passes (${per('passRows').toFixed(1)} rows, ${per('passPairs').toFixed(1)} pairs), ${per('lossAndGrad').toFixed(1)} plain gradients; eigen solve ${f1((stepper.times.eigs - e0) / reps)} ms; loss ${loss.toPrecision(6)} | ${tc(o)} | ${tc(u)} |`);
  }
}
console.log('| threads | step | flowlab ms wall / CPU | PyTorch official ms | PyTorch fused ms | flowlab ÷ official | flowlab ÷ fused | gradient-equivalents flowlab | official | fused |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
main.forEach((l) => console.log(l));
console.log(`\nDerivative calls per central-flow step (mean over ${reps} timed steps) and the loss after ${reps + 1} steps from w₀ (the same discretisation on both sides):\n`);
console.log('| threads | step | flowlab | PyTorch official | PyTorch fused |');
console.log('|---|---|---|---|---|');
calls.forEach((l) => console.log(l));
console.log(`\nbackend: ${JSON.stringify(backend.info())}; PyTorch ${torch ? 'bench/torch_flows.py (Debian python3-torch, functorch)' : 'skipped (--no-torch)'}`);
tf.dispose([x, y, w]);
P.dispose();
