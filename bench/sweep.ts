/**
 * Sweep throughput: runs per minute of a small notebook (tests/sweep/fixtures/bowl.ipynb: import
 * flowlab, 5 GD steps, fl.lab.result) on 1, 2 and 3 local `jupyter server`s (one kernel each), and
 * the scheduling overhead per run: the scheduler alone on instant stand-in executors, and, for the
 * real sweeps, slot time not spent inside runs ((wall × slots − Σ run time) / runs).
 *
 * Usage: node --import tsx bench/sweep.ts [runsPerConfig=6]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweep } from '../src/lab/sweep.js';
import { expandGrid } from '../src/lab/sweep-grid.js';
import { schedule, type Executor } from '../src/lab/sweep-schedule.js';
import { repoRoot } from '../tests/kernel/helpers.js';
import { jupyterHome, startServer, type TestServer } from '../tests/sweep/servers.js';

const runsPer = Number(process.argv[2] ?? 6);
const notebook = join(repoRoot(), 'tests', 'sweep', 'fixtures', 'bowl.ipynb');
console.debug = () => undefined;

async function schedulerOverhead(n: number): Promise<number> {
  const instant: Executor = {
    name: 'instant', slots: 4, async check() { return undefined; }, async close() {},
    async run() { return { notebook: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] } }; },
  };
  const runs = expandGrid({ x: Array.from({ length: n }, (_, i) => i) });
  const t0 = performance.now();
  await schedule(runs, [instant]);
  return (performance.now() - t0) / n;
}

const home = jupyterHome();
const servers: TestServer[] = [];
const out = mkdtempSync(join(tmpdir(), 'flowlab-bench-sweep-'));
const rows: string[] = [];
try {
  servers.push(...(await Promise.all(['b1', 'b2', 'b3'].map((t) => startServer(home, t)))));
  for (const n of [1, 2, 3]) {
    const use = servers.slice(0, n);
    const t0 = performance.now();
    const r = await sweep({ notebook, grid: { lr: [0.1] }, seeds: runsPer, servers: use.map((s) => s.url), token: use.map((s) => s.token), out: join(out, `s${n}`), quiet: true });
    const wall = (performance.now() - t0) / 1000;
    const inRuns = r.records.reduce((a, x) => a + x.seconds, 0);
    if (r.failed.length) throw new Error(`bench: ${r.failed.length} runs failed: ${r.failed[0].error}`);
    rows.push(`| ${n} | ${r.records.length} | ${wall.toFixed(1)} | ${((60 * r.records.length) / wall).toFixed(1)} | ${(inRuns / r.records.length).toFixed(2)} | ${((wall * n - inRuns) / r.records.length).toFixed(2)} |`);
  }
} finally {
  for (const s of servers) s.kill();
  home.dispose();
  rmSync(out, { recursive: true, force: true });
}
const perRunMs = await schedulerOverhead(2000);
console.log(`\nSweep throughput (${runsPer} runs of bowl.ipynb per row; 1 kernel per server; fresh kernel per run)\n`);
console.log('| servers | runs | wall s | runs/min | mean run s (kernel start + cells) | overhead s/run (idle slot time, preflight, saving) |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(`\nScheduler alone (instant executors, 2000 runs): ${(perRunMs * 1000).toFixed(1)} µs per run.`);
