/**
 * bench/plot: what plotting costs the run it reports on.
 *
 * A simulated training loop of fixed work (dense mat-vec products, ~1 ms of CPU per step, 4,000
 * steps) runs (a) alone, (b) with a live figure re-rendered 100 times (every 40 steps, throttle
 * off: 5× the rate the default throttle allows; the default 200 ms throttle allows fewer), and (c) with the default
 * throttle; the display hook serialises every bundle to JSON as the kernel does before sending
 * it. Separately: building and serialising a 10,000-point figure's MIME bundle. Runs are
 * interleaved and the median of 3 is reported: wall and CPU time, and the time spent inside
 * the plotting calls as a share of the run (the direct measure). Target: ≤ 5 % overhead.
 *
 * Run: node --import tsx bench/plot.ts
 */
import * as plot from '../src/plot/index.js';

const HOOK = Symbol.for('flowlab.display');
let bytes = 0;
let messages = 0;
function installHook(): void {
  (globalThis as Record<symbol, unknown>)[HOOK] = {
    display(bundle: unknown, options?: unknown) { bytes += JSON.stringify({ data: bundle, metadata: {}, transient: options ?? {} }).length; messages++; },
    clearOutput() {},
  };
}
function removeHook(): void { delete (globalThis as Record<symbol, unknown>)[HOOK]; }

const n = 256;
const A = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i) / n);
let x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
/** One "training step": 8 mat-vec products (n = 256); returns a loss-like number. */
function step(): number {
  for (let r = 0; r < 8; r++) {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) { let s = 0; const o = i * n; for (let j = 0; j < n; j++) s += A[o + j] * x[j]; y[i] = s; }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += y[i] * y[i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) x[i] = 0.9 * x[i] + 0.1 * (y[i] / norm);
  }
  return x[0] * x[0];
}

const STEPS = 4000;
async function run(mode: 'none' | 'live100' | 'liveDefault'): Promise<{ ms: number; cpu: number; inPlot: number; renders: number; bytes: number }> {
  plot.resetRenderSession();
  bytes = 0; messages = 0;
  if (mode !== 'none') installHook();
  const view = mode === 'none' ? undefined : plot.live((t: { step: number[]; loss: number[] }) => plot.lines(t, { y: 'loss', logY: true }), { throttleMs: mode === 'live100' ? 0 : 200 });
  const t = { step: [] as number[], loss: [] as number[] };
  let inPlot = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let s = 0; s < STEPS; s++) {
    const loss = step();
    t.step.push(s); t.loss.push(loss);
    if (view && (mode === 'liveDefault' || (s + 1) % (STEPS / 100) === 0)) {
      const p0 = performance.now();
      view.onRecord({ step: s, loss }, t);
      inPlot += performance.now() - p0;
    }
  }
  if (view) { const p0 = performance.now(); await view.onEnd(); inPlot += performance.now() - p0; }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  removeHook();
  return { ms, cpu: (c.user + c.system) / 1000, inPlot, renders: view?.renders ?? 0, bytes };
}

function median(v: number[]): number { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]; }

plot.config({ staticImages: false });
for (let i = 0; i < 100; i++) step();   // warm up the JIT
const results: Record<string, { ms: number[]; cpu: number[]; inPlot: number[]; renders: number; bytes: number }> = {};
for (let rep = 0; rep < 3; rep++) {
  for (const mode of ['none', 'live100', 'liveDefault'] as const) {
    const r = await run(mode);
    (results[mode] ??= { ms: [], cpu: [], inPlot: [], renders: 0, bytes: 0 }).ms.push(r.ms);
    results[mode].cpu.push(r.cpu);
    results[mode].inPlot.push(r.inPlot / r.ms);
    results[mode].renders = r.renders;
    results[mode].bytes = r.bytes;
  }
}

// A 10,000-point figure: build + MIME bundle (plotly.js already carried) + JSON serialisation.
const big = { step: Array.from({ length: 10_000 }, (_, i) => i), loss: Array.from({ length: 10_000 }, (_, i) => Math.exp(-i / 3000)) };
plot.renderBundle(plot.lines(big, { y: 'loss' }).toJSON());
const bigTimes: number[] = [];
let bigBytes = 0;
for (let rep = 0; rep < 5; rep++) {
  const t0 = performance.now();
  const b = plot.renderBundle(plot.lines(big, { y: 'loss' }).toJSON());
  bigBytes = JSON.stringify(b).length;
  bigTimes.push(performance.now() - t0);
}
plot.resetRenderSession();
const t0 = performance.now();
const first = JSON.stringify(plot.renderBundle(plot.lines(big, { y: 'loss' }).toJSON())).length;
const firstMs = performance.now() - t0;

const base = median(results.none.ms);
const baseCpu = median(results.none.cpu);
const pct = (v: number, b: number) => `${(100 * (v - b) / b).toFixed(1)} %`;
const line = (name: string, r: { ms: number[]; cpu: number[]; inPlot: number[]; renders: number; bytes: number }) =>
  `| ${name} | ${median(r.ms).toFixed(0)} | ${pct(median(r.ms), base)} | ${median(r.cpu).toFixed(0)} | ${pct(median(r.cpu), baseCpu)} | ${(100 * median(r.inPlot)).toFixed(2)} % | ${r.renders} | ${r.bytes.toLocaleString('en-US')} |`;
console.log(`| scenario | wall (ms, median of 3) | wall overhead | CPU (ms) | CPU overhead | time inside plot calls (share of the run) | renders | bytes serialised |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
console.log(`| training loop alone (${STEPS} steps) | ${base.toFixed(0)} | — | ${baseCpu.toFixed(0)} | — | — | 0 | 0 |`);
console.log(line('+ live figure, 100 renders (throttle off, worst case)', results.live100));
console.log(line('+ live figure updated every step, default 200 ms throttle', results.liveDefault));
console.log(`| 10,000-point figure → MIME bundle → JSON (plotly.js already carried) | ${median(bigTimes).toFixed(1)} | | | | ${(100 * median(bigTimes) / base).toFixed(2)} % | 1 | ${bigBytes.toLocaleString('en-US')} |`);
console.log(`| same, first figure of the session (carries plotly.js, 4.8 MB) | ${firstMs.toFixed(1)} | | | | ${(100 * firstMs / base).toFixed(2)} % | 1 | ${first.toLocaleString('en-US')} |`);
console.log(`\nTarget: ≤ 5 % overhead. Node ${process.version}, ${new Date().toISOString()}. On a shared machine wall-time differences between runs are noise;`
  + ' the time spent inside the plotting calls (and CPU time) measure what plotting costs.');
