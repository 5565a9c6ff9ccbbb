/**
 * Compute benchmark: loss, grad, hvp and curvatureGrad of the 853k-parameter MLP beside PyTorch-CPU,
 * and matMul beside numpy/OpenBLAS, at 1 and 2 threads (issues 3, 16).
 *
 * The reference MLP of references.md §1 (3072→256→GELU→256→GELU→4, exact erf GELU, 853,508
 * parameters, 1,000 examples, MSE = ½Σ(f − y)² averaged, full batch, built with
 * fl.models.centralFlowsMlp + fl.problem.fromModel) timed beside PyTorch-CPU in the same run:
 * loss, grad, hvp, hvpBatch (k = 4, per vector) and curvatureGrad ∇(uᵀHv), plus matMul
 * 1000×3072·3072×256 beside numpy/OpenBLAS, at each thread count.
 *
 * Rows (--backends, each measured in its own process): `native` = wasm with the OpenBLAS addon at
 * each of --threads; `wasm` = pure wasm (blas: false, 1 thread); `cpu` = the JavaScript backend.
 * Anchors: bench/torch_compute.py (Debian python3-torch, functorch grad / jvp: forward-over-reverse
 * hvp, forward-over-forward-over-reverse curvatureGrad) at the same thread counts, and numpy matMul
 * with OPENBLAS_NUM_THREADS set to the same count. Rows and anchors are interleaved per thread count
 * so that load drifts hit both; --rounds R repeats each (anchor, row) pair R times and reports the
 * median over rounds of each process's median (for loaded machines). Targets (issue 16): grad, hvp,
 * curvatureGrad ≤ 2× PyTorch at 1 thread and < 1× at 2; matMul ≥ 50 % of OpenBLAS.
 *
 * Run: node dist/bench/compute.js [--backends native,wasm,cpu] [--threads 1,2] [--reps 5] [--rounds 1] [--no-torch]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { tf } from '../src/tensor/tf.js';
import { backend } from '../src/tensor/index.js';
import { centralFlowsMlp, fromModel } from '../src/models/index.js';
import type { Tensor1D, Tensor2D } from '../src/tensor/types.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const backends = opt('backends', 'native,wasm').split(',');
const threadCounts = opt('threads', '1,2').split(',').map(Number);
const reps = Number(opt('reps', '5'));
const rounds = Number(opt('rounds', '1'));
const PY = '/usr/bin/python3';
const QUANTITIES = ['loss', 'grad', 'hvp', 'curvatureGrad'] as const;

interface Row { label: string; device: string; threads: number; matMul: number; loss: number; grad: number; hvp: number; hvpBatch: number; curvatureGrad: number }
type Torch = { threads: number; intraOp: number; matMul: number; config?: string } & Record<(typeof QUANTITIES)[number], number>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeMs(fn: () => tf.Tensor, n: number): Promise<number> {
  if (n > 1) tf.dispose(fn()); // warm-up (skipped for single-shot rows such as cpu)
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const out = fn();
    await out.data();
    ts.push(performance.now() - t0);
    out.dispose();
  }
  return median(ts);
}

/** One row, in this process: `native:T`, `wasm` or `cpu`. */
async function measure(label: string): Promise<Row> {
  const [name, t] = label.split(':');
  if (name === 'native') await backend.use('wasm', { blas: true, threads: Number(t) });
  else if (name === 'wasm') await backend.use('wasm', { blas: false });
  else await backend.use(name as 'cpu');
  const info = backend.info();
  const r = name === 'cpu' ? 1 : reps;
  const a = tf.randomNormal([1000, 3072], 0, 1, 'float32', 1);
  const b = tf.randomNormal([3072, 256], 0, 1, 'float32', 2);
  const mmMs = await timeMs(() => tf.matMul(a, b), name === 'cpu' ? 1 : 2 * reps);
  tf.dispose([a, b]);
  const x = tf.randomNormal([1000, 3072], 0, 1, 'float32', 3);
  const y = tf.randomNormal([1000, 4], 0, 1, 'float32', 4);
  const model = centralFlowsMlp({ output: 4 });
  const P = fromModel(model, { x, y }, 'mse');
  const w = tf.tensor1d(model.init(0)) as Tensor1D;
  const u = tf.randomNormal([P.dim], 0, 1, 'float32', 5) as Tensor1D;
  const v = tf.randomNormal([P.dim], 0, 1, 'float32', 6) as Tensor1D;
  const V = tf.randomNormal([4, P.dim], 0, 1, 'float32', 7) as Tensor2D;
  const row: Row = {
    label, device: info.device, threads: info.threads,
    matMul: (2 * 1000 * 3072 * 256) / (mmMs / 1000) / 1e9,
    loss: await timeMs(() => P.loss(w), r),
    grad: await timeMs(() => P.grad(w), r),
    hvp: await timeMs(() => P.hvp(w, v), r),
    hvpBatch: (await timeMs(() => P.hvpBatch(w, V), r)) / 4,
    curvatureGrad: await timeMs(() => P.curvatureGrad(w, u, v), r),
  };
  tf.dispose([x, y, w, u, v, V]);
  return row;
}

function child(label: string): Row | string {
  try {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--row', label, '--reps', String(reps)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
    const line = out.split('\n').find((l) => l.startsWith('ROW '));
    return line ? (JSON.parse(line.slice(4)) as Row) : 'no result';
  } catch (e) {
    return String((e as { stderr?: string }).stderr || e).split('\n').find((l) => /Error/.test(l))?.slice(0, 160) ?? 'failed';
  }
}

function torchScript(): string | undefined {
  return [new URL('./torch_compute.py', import.meta.url), new URL('../../bench/torch_compute.py', import.meta.url)]
    .map((u) => fileURLToPath(u)).find((p) => existsSync(p));
}

/**
 * PyTorch at `threads` cores, one process per configuration with every BLAS/OpenMP pool pinned before
 * Python starts (torch.set_num_threads alone leaves OpenBLAS's pool at the core count, so an
 * unpinned "1 thread" run multiplies on every core). On 2+ cores two configurations run, intra-op
 * pool = threads and intra-op pool = 1 over a `threads`-wide OpenBLAS, and each quantity keeps the
 * faster one: the anchor is PyTorch at its best on those cores.
 */
function torchAt(threads: number): Torch | string {
  const script = torchScript();
  if (!script) return 'bench/torch_compute.py not found';
  const t = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
  const configs = threads > 1 ? [threads, 1] : [1];
  const runs: Torch[] = [];
  for (const intraOp of configs) {
    try {
      const out = execFileSync(PY, [script, '--threads', t, '--intra-op', String(intraOp), '--reps', String(reps)],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000, env });
      runs.push(JSON.parse(out.trim().split('\n').pop()!) as Torch);
    } catch (e) {
      return `PyTorch unavailable (${String((e as { stderr?: string }).stderr || e).trim().split('\n').pop()}; apt-get install python3-torch)`;
    }
  }
  const best = { ...runs[0] };
  best.matMul = Math.max(...runs.map((r) => r.matMul));
  for (const q of QUANTITIES) best[q] = Math.min(...runs.map((r) => r[q]));
  best.config = runs.map((r) => `intra-op ${r.intraOp}: ${QUANTITIES.map((q) => f(r[q])).join('/')}`).join('; ');
  return best;
}

function numpyAt(threads: number): number | undefined {
  const code = 'import numpy as np,time;a=np.random.rand(1000,3072).astype(np.float32);b=np.random.rand(3072,256).astype(np.float32);a@b;' +
    't=time.perf_counter();[a@b for _ in range(20)];print(20*2*1000*3072*256/(time.perf_counter()-t)/1e9)';
  try {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
    return Number(execFileSync(PY, ['-c', code], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return undefined;
  }
}

/** Each numeric field's median over the rounds that succeeded (the first failure when none did). */
function combine<R extends object>(runs: (R | string)[]): R | string {
  const ok = runs.filter((r): r is R => typeof r !== 'string');
  if (ok.length === 0) return runs[0];
  const out = { ...ok[0] } as Record<string, unknown>;
  for (const [k, v] of Object.entries(ok[0])) {
    if (typeof v === 'number' && k !== 'threads' && k !== 'intraOp') out[k] = median(ok.map((r) => (r as Record<string, number>)[k]));
  }
  return out as R;
}

const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const ratio = (a: number, b: number) => `×${(a / b).toFixed(2)}`;

async function main(): Promise<void> {
  const load0 = loadavg().map((l) => l.toFixed(1)).join(' ');
  const rows: (Row | string)[] = [];
  const torch = new Map<number, Torch | string>();
  const numpy = new Map<number, number | undefined>();
  for (const t of threadCounts) {
    const np: number[] = [];
    const tr: (Torch | string)[] = [];
    const mine: (Row | string)[] = [];
    for (let r = 0; r < rounds; r++) {
      const g = numpyAt(t);
      if (g !== undefined) np.push(g);
      if (!args.includes('--no-torch')) tr.push(torchAt(t));
      if (backends.includes('native')) mine.push(child(`native:${t}`));
    }
    numpy.set(t, np.length ? median(np) : undefined);
    if (tr.length) torch.set(t, combine(tr));
    if (mine.length) rows.push(combine(mine));
  }
  for (const b of backends.filter((x) => x !== 'native')) rows.push(combine(Array.from({ length: rounds }, () => child(b))));
  const ok = rows.filter((r): r is Row => typeof r !== 'string');
  console.log(`\nReference MLP 3072→256→GELU→256→GELU→4 (853,508 parameters), 1,000 examples, MSE, full batch: median ms of ${reps}` +
    `${rounds > 1 ? ` (median over ${rounds} interleaved rounds)` : ''}; ` +
    `matMul 1000×3072·3072×256 GFLOP/s. ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; load average ${load0} at start, ` +
    `${loadavg().map((l) => l.toFixed(1)).join(' ')} at end.\n`);
  console.log('| flowlab | threads | matMul GFLOP/s | numpy/OpenBLAS GFLOP/s (same threads) | loss | grad | hvp | hvpBatch per vector (k=4) | curvatureGrad | hvp/grad | curvatureGrad/grad |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    if (typeof r === 'string') { console.log(`| ${r.replace(/\|/g, '/')} | | | | | | | | | | |`); continue; }
    const np = numpy.get(r.threads) ?? numpy.get(1);
    console.log(`| ${r.label} (${r.device}) | ${r.threads} | ${r.matMul.toFixed(1)}${np ? ` (${((100 * r.matMul) / np).toFixed(0)} %)` : ''} | ${np?.toFixed(1) ?? 'n/a'} | ` +
      `${f(r.loss)} | ${f(r.grad)} | ${f(r.hvp)} | ${f(r.hvpBatch)} | ${f(r.curvatureGrad)} | ${(r.hvp / r.grad).toFixed(2)} | ${(r.curvatureGrad / r.grad).toFixed(2)} |`);
  }
  if (torch.size === 0) return;
  console.log('\nSide by side with PyTorch-CPU on the same number of cores, every BLAS/OpenMP pool pinned to it; on 2+ cores each ' +
    'PyTorch quantity is the faster of intra-op threads = cores and intra-op 1 over a cores-wide OpenBLAS ' +
    '(ms; ratio = flowlab / PyTorch, < 1 is faster):\n');
  console.log(`| threads | flowlab row | ${QUANTITIES.map((q) => `${q} flowlab | ${q} PyTorch | ratio`).join(' | ')} | matMul flowlab / PyTorch GFLOP/s |`);
  console.log(`|---|---|${QUANTITIES.map(() => '---|---|---|').join('')}---|`);
  for (const [t, tr] of torch) {
    if (typeof tr === 'string') { console.log(`| ${t} | ${tr} |`); continue; }
    const mine = ok.filter((r) => r.threads === t && (r.label.startsWith('native') || r.label === 'wasm'));
    for (const r of mine) {
      console.log(`| ${t} | ${r.label} | ${QUANTITIES.map((q) => `${f(r[q])} | ${f(tr[q])} | ${ratio(r[q], tr[q])}`).join(' | ')} | ` +
        `${r.matMul.toFixed(0)} / ${tr.matMul.toFixed(0)} |`);
    }
    if (mine.length === 0) console.log(`| ${t} | (no flowlab row) | ${QUANTITIES.map((q) => `| ${f(tr[q])} |`).join(' | ')} | |`);
  }
  const configs = [...torch].filter(([, tr]) => typeof tr !== 'string' && tr.config?.includes(';'));
  if (configs.length) console.log(`\nPyTorch per configuration (loss/grad/hvp/curvatureGrad ms, first round): ${configs.map(([t, tr]) => `${t} cores: ${(tr as Torch).config}`).join(' | ')}`);
}

if (args.includes('--row')) {
  console.log(`ROW ${JSON.stringify(await measure(opt('row', 'native:1')))}`);
  process.exit(0);
}
await main();
