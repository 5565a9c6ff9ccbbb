/**
 * Per-cell latency of the kernel's execution engine (engine.handle, no ZeroMQ): `1 + 1`, a
 * 1,000-iteration loop cell and a cell declaring a 50-line class, measured after 10 and after
 * 500 cells already run (the latency must not grow with the number of cells), with type checking
 * on (async, the default) and off. Prints a markdown table.
 *
 * The background JIT warm-up (kernel/engine/warmup.ts) is awaited before measuring.
 *
 * Run: node --import tsx bench/kernel-engine.ts   (or node dist/bench/kernel-engine.js)
 */
import { createEngine, type Engine } from '../kernel/engine/index.js';
import { warmedUp } from '../kernel/engine/warmup.js';

const CELLS: Record<string, string> = {
  '`1 + 1`': '1 + 1',
  '1,000-iteration loop': 'let acc = 0;\nfor (let i = 0; i < 1000; i++) { acc += i * i; }\nacc',
  '50-line class': `class Point {\n${Array.from({ length: 48 }, (_, i) => `  m${i}(a: number): number { return a * ${i} + this.x; }`).join('\n')}\n  x = 1;\n}\nnew Point().m3(2)`,
};

// The engine routes console and process.stdout writes made inside a cell's async context to the
// cell's output (here: nowhere); this bench's table goes to the real stdout.
const print = process.stdout.write.bind(process.stdout);

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

async function measure(engine: Engine, code: string, fresh: boolean, reps = 30): Promise<{ median: number; p90: number }> {
  const times: number[] = [];
  // `fresh`: a unique trailing comment makes every run new text (no compile-cache hit), as in real use.
  for (let i = 0; i < reps; i++) times.push(await exec(engine, fresh ? `${code}\n// run ${id}` : code));
  return stats(times);
}

const fmt = (m: { median: number; p90: number }) => `${m.median.toFixed(2)} / ${m.p90.toFixed(2)}`;

async function main(): Promise<void> {
  // The warm-up's timers are unref'd (they must not keep a kernel alive): hold the event loop open
  // while it runs, or the process ends at `await warmedUp()` without a word.
  setInterval(() => undefined, 1 << 30);
  const rows: string[] = [];
  const starts: string[] = [];
  for (const mode of ['async', 'off'] as const) {
    process.env.FLOWLAB_TYPECHECK = mode;
    const t0 = performance.now();
    const engine = createEngine({ post: () => {}, interruptFlag: new Int32Array(new SharedArrayBuffer(4)), cwd: process.cwd() });
    const created = performance.now() - t0;
    await exec(engine, '0');
    starts.push(`| ${mode} | ${created.toFixed(1)} | ${(performance.now() - t0).toFixed(0)} |`);
    for (let i = 0; i < 9; i++) await exec(engine, `const warm${i} = ${i}`);
    // Let the background JIT warm-up finish (it resumes once the engine has been idle for 0.1 s).
    await warmedUp();
    const at10: Record<string, [string, string]> = {};
    for (const [name, code] of Object.entries(CELLS)) at10[name] = [fmt(await measure(engine, code, false)), fmt(await measure(engine, code, true))];
    // Fill up to 500 distinct cells (declarations, so every one is new code and new state).
    while (count < 500) await exec(engine, `const v${count} = ${count} * 2; v${count}`);
    for (const [name, code] of Object.entries(CELLS)) {
      const late = [fmt(await measure(engine, code, false)), fmt(await measure(engine, code, true))];
      rows.push(`| ${name} | ${mode} | ${at10[name][0]} | ${late[0]} | ${at10[name][1]} | ${late[1]} |`);
    }
    await engine.handle({ id: ++id, kind: 'shutdown', restart: false });
    count = 0;
  }
  print('\nPer-cell engine latency, ms (median / p90 of 30 runs; "re-run" = same text, "new text" = compile not cached)\n\n' +
    '| cell | typecheck | re-run, after 10 cells | re-run, after 500 cells | new text, after 10 cells | new text, after 500 cells |\n|---|---|---|---|---|---|\n' +
    rows.join('\n') + '\n\n| typecheck | createEngine ms | createEngine → first `0` cell done ms (TypeScript load) |\n|---|---|---|\n' + starts.join('\n') + '\n');
  process.exit(0);
}

void main();
