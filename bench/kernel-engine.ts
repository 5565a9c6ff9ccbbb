/**
 * Per-cell latency of the kernel's execution engine (engine.handle, no ZeroMQ): `1 + 1`, a
 * 1,000-iteration loop cell and a cell declaring a 50-line class, measured after 10 and after
 * 500 cells already run (the latency must not grow with the number of cells), with type checking
 * on (async, the default) and off. Prints a markdown table.
 *
 * Run: node --import tsx bench/kernel-engine.ts   (or node dist/bench/kernel-engine.js)
 */
import { createEngine, type Engine } from '../kernel/engine/index.js';

const CELLS: Record<string, string> = {
  '`1 + 1`': '1 + 1',
  '1,000-iteration loop': 'let acc = 0;\nfor (let i = 0; i < 1000; i++) { acc += i * i; }\nacc',
  '50-line class': `class Point {\n${Array.from({ length: 48 }, (_, i) => `  m${i}(a: number): number { return a * ${i} + this.x; }`).join('\n')}\n  x = 1;\n}\nnew Point().m3(2)`,
};

let id = 0;
let count = 0;
async function exec(engine: Engine, code: string): Promise<number> {
  const t = performance.now();
  const r = await engine.handle({ id: ++id, kind: 'execute', code, silent: false, storeHistory: true, allowStdin: false, executionCount: ++count });
  const dt = performance.now() - t;
  if (r.kind !== 'execute' || r.status !== 'ok') throw new Error(`bench cell failed: ${JSON.stringify(r)}`);
  return dt;
}

function stats(xs: number[]): { median: number; p90: number } {
  const s = xs.slice().sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)] };
}

async function measure(engine: Engine, code: string, reps = 30): Promise<{ median: number; p90: number }> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await exec(engine, code));
  return stats(times);
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const mode of ['async', 'off'] as const) {
    process.env.FLOWLAB_TYPECHECK = mode;
    const engine = createEngine({ post: () => {}, interruptFlag: new Int32Array(new SharedArrayBuffer(4)), cwd: process.cwd() });
    const t0 = performance.now();
    await exec(engine, '0');
    const first = performance.now() - t0;
    for (let i = 0; i < 9; i++) await exec(engine, `const warm${i} = ${i}`);
    const at10: Record<string, { median: number; p90: number }> = {};
    for (const [name, code] of Object.entries(CELLS)) at10[name] = await measure(engine, code);
    // Fill up to ~500 distinct cells (declarations, so every one is new code and new state).
    while (count < 500) await exec(engine, `const v${count} = ${count} * 2; v${count}`);
    for (const [name, code] of Object.entries(CELLS)) {
      const late = await measure(engine, code);
      rows.push(`| ${name} | ${mode} | ${at10[name].median.toFixed(2)} / ${at10[name].p90.toFixed(2)} | ${late.median.toFixed(2)} / ${late.p90.toFixed(2)} |`);
    }
    const fresh = await measure(engine, `const fresh = Math.random(); fresh > 2`, 1);
    rows.push(`| first cell (TS load) / a new small cell | ${mode} | ${first.toFixed(0)} | ${fresh.median.toFixed(2)} |`);
    await engine.handle({ id: ++id, kind: 'shutdown', restart: false });
    count = 0;
  }
  process.stdout.write('\n| cell | typecheck | after 10 cells: median / p90 ms | after 500 cells: median / p90 ms |\n|---|---|---|---|\n' + rows.join('\n') + '\n');
  process.exit(0);
}

void main();
