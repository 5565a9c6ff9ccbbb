/**
 * Kernel benchmark: flowlab vs Deno's kernel vs ipykernel vs tslab, side by side in one run,
 * each driven from outside by jupyter_client (bench/kernel_client.py: jupyter_client's Session
 * over pyzmq). Prints a markdown table.
 *
 * Measures: startup (spawn → first kernel_info_reply, and spawn → first `1 + 1` done, and whether
 * the kernel bound its shell and IOPub sockets before the client's first reconnect attempt; and,
 * in a separate start, jupyter_client's KernelManager start → wait_for_ready → first `1 + 1`:
 * bench/kernel_ready.py, the handshake nbclient, jupyter console and jupyter_server use), the
 * median / p90 round trip (execute_request → execute_reply and idle) of `1 + 1`, of a
 * 1,000-iteration loop cell and of a cell declaring a 50-line class (a new class each time), and
 * `1 + 1` again after `--after` cells have run (latency must not grow with the session). The
 * CPU time of the kernel per measured cell (all threads, from /proc) is printed too: on a busy
 * machine it moves far less than the round trips. The last
 * column says whether the kernel reports a type error (a cell assigning a string to a `number`,
 * run after a quiet moment): flowlab type-checks every cell in the background.
 *
 * `--runs N` repeats the whole set N times, kernels interleaved, and reports the median of the
 * per-run medians (and p90s): the machine may be shared. `--settle S` waits S seconds after the
 * warm-up cells before the measured ones (a person reading; default 0: at once, the worst case
 * for kernels that warm up in the background). `--baseline DIR` adds another flowlab
 * build (a checkout with dist/ built) as the row `flowlab@base`, for before/after tables.
 * Ratios are to `--ratio-to` (default deno).
 *
 * Usage: npm run build && node dist/bench/kernel.js [--reps 30] [--after 200] [--runs 1] [--settle 0]
 *          [--kernels flowlab,deno,ipykernel,tslab] [--baseline /tmp/base] [--ratio-to deno]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
})();

type Lang = 'ts' | 'py';
interface KernelDef {
  name: string;
  lang: Lang;
  argv: (conn: string) => string[];
}

/** A flowlab build started as its kernelspec starts it: dist/kernel/launch.cjs, or the CLI in builds older than that entry. */
function flowlabAt(name: string, dir: string): KernelDef {
  const launch = join(dir, 'dist', 'kernel', 'launch.cjs');
  if (existsSync(launch)) return { name, lang: 'ts', argv: (f) => [process.execPath, launch, '--connection-file', f] };
  return { name, lang: 'ts', argv: (f) => [process.execPath, join(dir, 'dist', 'src', 'cli', 'main.js'), 'kernel', '--connection-file', f] };
}

const KERNELS: KernelDef[] = [
  flowlabAt('flowlab', root),
  { name: 'deno', lang: 'ts', argv: (f) => [join(root, 'node_modules', '.bin', 'deno'), 'jupyter', '--kernel', '--conn', f] },
  { name: 'ipykernel', lang: 'py', argv: (f) => ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', f] },
  { name: 'tslab', lang: 'ts', argv: (f) => [join(root, 'node_modules', '.bin', 'tslab'), 'kernel', '--config-path', f] },
];

function classCell(lang: Lang, i: number): string {
  if (lang === 'py') {
    const lines = [`class Vec${i}:`, '    def __init__(self, x, y):', '        self.x = x', '        self.y = y'];
    for (let m = 0; lines.length < 50; m++) lines.push(`    def m${m}(self, k):`, `        return Vec${i}(self.x * k + ${m}, self.y - k)`);
    return lines.slice(0, 50).join('\n');
  }
  const lines = [`class Vec${i} {`, '  constructor(public x: number, public y: number) {}', '  readonly tag = "vec";'];
  for (let m = 0; m < 15; m++) lines.push(`  m${m}(k: number): Vec${i} {`, `    return new Vec${i}(this.x * k + ${m}, this.y - k);`, '  }');
  lines.push(`  static zero(): Vec${i} { return new Vec${i}(0, 0); }`, '}');
  return lines.join('\n'); // 50 lines
}

const CELLS: Record<string, Record<Lang, (i: number) => string>> = {
  one: { ts: () => '1 + 1', py: () => '1 + 1' },
  loop: {
    ts: () => 'var s = 0;\nfor (let i = 0; i < 1000; i++) { s += i; }\ns',
    py: () => 's = 0\nfor i in range(1000):\n    s += i\ns',
  },
  klass: { ts: (i) => classCell('ts', i), py: (i) => classCell('py', i) },
  filler: { ts: (i) => `const v${i}: number = ${i} * 2;`, py: (i) => `v${i} = ${i} * 2` },
};
// A type error as TypeScript words it (flowlab prints the code TS2322, tslab only the message).
const PROBE = { code: 'const probeTypeError: number = "not a number";', expect: "TS2322|is not assignable to type 'number'" };

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => res(s));
  })));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const median = (xs: number[]): number => quantile(xs, 0.5);

/** One kernel's timings in one run (ms). */
interface Run {
  startup: number;
  first: number;
  /** The client's refused reconnect attempts on shell and IOPub after the first (each one delays the first cell 100–200 ms). */
  missed: number | null;
  cells: Record<string, number[]>;
  after: number[];
  probe: boolean | null;
  cpu_per_cell: number | null;
  /** KernelManager.start_kernel → first `1 + 1` reply, through wait_for_ready (bench/kernel_ready.py). */
  managed_first?: number;
  error?: string;
}

/** The kernel's environment in a bench run: Jupyter and history folders under the run's temp dir. */
const kernelEnv = (dir: string) => ({ JUPYTER_DATA_DIR: join(dir, 'data'), IPYTHONDIR: join(dir, 'ipython'), FLOWLAB_HISTORY_DIR: join(dir, 'history'), NO_COLOR: '1' });

/** Runs one of bench/'s Python clients with `plan` as JSON on stdin: its JSON reply, or why there is none. */
async function pythonClient<T>(script: string, plan: object): Promise<{ ok: T } | { error: string }> {
  const child = spawn('/usr/bin/python3', [join(root, 'bench', script)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  child.stdin.end(JSON.stringify(plan));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  try {
    return { ok: JSON.parse(out) as T };
  } catch {
    return { error: `${script} exited ${code}: ${err.trim().split('\n').pop() ?? ''}` };
  }
}

/** Starts the kernel through jupyter_client's KernelManager (bench/kernel_ready.py): ms to the first `1 + 1` reply, or an error. */
async function managedStart(def: KernelDef, dir: string): Promise<{ first: number } | { error: string }> {
  const plan = { argv: def.argv('{connection_file}'), cwd: dir, code: CELLS.one![def.lang](0), env: kernelEnv(dir) };
  const r = await pythonClient<{ first?: number; error?: string }>('kernel_ready.py', plan);
  if ('error' in r) return r;
  return r.ok.first !== undefined ? { first: r.ok.first } : { error: `KernelManager start: ${r.ok.error}` };
}

/** Runs bench/kernel_client.py for one kernel. */
async function benchKernel(def: KernelDef, reps: number, after: number, settle: number, dir: string): Promise<Run> {
  const [shell, control, iopub, stdin, hb] = await freePorts(5);
  const connection = { transport: 'tcp', ip: '127.0.0.1', key: `bench-${Math.random()}`, signature_scheme: 'hmac-sha256', shell_port: shell, control_port: control, iopub_port: iopub, stdin_port: stdin, hb_port: hb, kernel_name: def.name };
  const file = join(dir, `${def.name}.json`);
  writeFileSync(file, JSON.stringify(connection));
  const lang = def.lang;
  const warmup = [0, 1, 2].map((i) => CELLS.one![lang](i));
  const rounds = Array.from({ length: reps }, (_, i) => [CELLS.one![lang](i), CELLS.loop![lang](i), CELLS.klass![lang](i)]);
  const filler = Array.from({ length: Math.max(0, after - warmup.length - 3 * reps) }, (_, i) => CELLS.filler![lang](i));
  const plan = {
    argv: def.argv(file), cwd: dir, connection, settle, env: kernelEnv(dir),
    warmup, rounds, names: ['one', 'loop', 'klass'], filler,
    after: Array.from({ length: reps }, (_, i) => CELLS.one![lang](i)),
    probe: lang === 'ts' ? PROBE : null,
  };
  const r = await pythonClient<Run>('kernel_client.py', plan);
  return 'ok' in r ? r.ok : { startup: NaN, first: NaN, missed: null, cells: {}, after: [], probe: null, cpu_per_cell: null, error: r.error };
}

const fmt = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '30' },
      after: { type: 'string', default: '200' },
      runs: { type: 'string', default: '1' },
      settle: { type: 'string', default: '0' },
      kernels: { type: 'string', default: KERNELS.map((k) => k.name).join(',') },
      baseline: { type: 'string' },
      'ratio-to': { type: 'string', default: 'deno' },
    },
  });
  const reps = Number(values.reps);
  const after = Number(values.after);
  const runs = Number(values.runs);
  const settle = Number(values.settle);
  if (!(reps >= 1) || !(after >= 0) || !(runs >= 1) || !(settle >= 0)) throw new Error('bench/kernel: --reps and --runs must be ≥ 1, --after and --settle ≥ 0.');
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) throw new Error('bench/kernel: dist/src/cli/main.js is missing; run `npm run build` first.');
  const defs = KERNELS.filter((k) => values.kernels!.split(',').includes(k.name));
  if (values.baseline) {
    if (!existsSync(join(values.baseline, 'dist', 'src', 'cli', 'main.js'))) throw new Error(`--baseline: ${values.baseline}/dist/src/cli/main.js is missing; build that checkout first.`);
    defs.splice(1, 0, flowlabAt('flowlab@base', values.baseline));
  }
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-bench-'));
  const results = new Map<string, Run[]>(defs.map((d) => [d.name, []]));
  try {
    for (let r = 0; r < runs; r++) {
      // Rotate the order each run so no kernel always goes first (or last) on a busy machine.
      for (let k = 0; k < defs.length; k++) {
        const def = defs[(k + r) % defs.length]!;
        process.stderr.write(`run ${r + 1}/${runs}: ${def.name}…\n`);
        const run = await benchKernel(def, reps, after, settle, dir);
        const managed = await managedStart(def, dir);
        if ('first' in managed) run.managed_first = managed.first;
        else run.error ??= managed.error;
        results.get(def.name)!.push(run);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Per kernel and column: the median over runs of each run's median (and p90).
  const summary = (rs: Run[], pick: (r: Run) => number[]): [number, number] =>
    [median(rs.map((r) => median(pick(r))).filter(Number.isFinite)), median(rs.map((r) => quantile(pick(r), 0.9)).filter(Number.isFinite))];
  const columns: Array<[string, (r: Run) => number[]]> = [
    ['startup', (r) => [r.startup]], ['first', (r) => [r.first]], ['managed', (r) => (r.managed_first === undefined ? [] : [r.managed_first])],
    ['one', (r) => r.cells.one ?? []],
    ['loop', (r) => r.cells.loop ?? []], ['klass', (r) => r.cells.klass ?? []], ['after', (r) => r.after],
    ['cpu', (r) => (r.cpu_per_cell === null || r.cpu_per_cell === undefined ? [] : [r.cpu_per_cell])],
  ];
  const table = new Map([...results].map(([name, rs]) => [name, new Map(columns.map(([c, pick]) => [c, summary(rs, pick)]))]));
  const base = table.get(values['ratio-to']!);
  const ratio = (name: string, col: string): string => {
    const x = table.get(name)!.get(col)![0];
    const b = base?.get(col)?.[0];
    return b && Number.isFinite(x) && name !== values['ratio-to'] ? ` (×${(x / b).toFixed(2)})` : '';
  };
  // Start-up is one sample a run, and it jumps by a client's reconnect interval when a kernel binds
  // just after a retry: with several runs, show their range beside the median.
  const range = (name: string, col: string): string => {
    const key = col === 'managed' ? 'managed_first' : (col as 'startup' | 'first');
    const xs = results.get(name)!.map((r) => r[key]).filter((x): x is number => Number.isFinite(x));
    return runs > 1 && xs.length ? ` [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]` : '';
  };
  // How many starts missed one of the client's reconnect attempts: a kernel bound before the first retry (100–200 ms after the client's connect) misses none.
  const missedStarts = (name: string): string => {
    const ms = results.get(name)!.map((r) => r.missed).filter((m): m is number => typeof m === 'number');
    return ms.length ? `${ms.filter((m) => m > 0).length} of ${ms.length}` : '–';
  };
  const cell = (name: string, col: string, p90 = true): string => {
    const [m, p] = table.get(name)!.get(col)!;
    const spread = col === 'startup' || col === 'first' || col === 'managed' ? range(name, col) : '';
    return `${fmt(m)}${p90 ? ` / ${fmt(p)}` : ''}${spread}${ratio(name, col)}`;
  };
  console.log(`\nKernel latency, ms, measured from outside with jupyter_client: median / p90 of ${reps} runs of each cell` +
    `${runs > 1 ? `, then the median over ${runs} benchmark runs (kernels interleaved)` : ''}; (×ratio of the median to ${values['ratio-to']}'s). ` +
    `${settle > 0 ? `The measured cells start ${settle} s after the warm-up cells (a person reading), not at once. ` : 'The measured cells follow the three warm-up cells at once. '}` +
    'Start-up columns: median [fastest–slowest run]; "starts that missed a reconnect": runs in which the client\'s shell or IOPub socket was refused after its first retry ' +
    '(ZeroMQ retries every 100–200 ms, so a kernel bound before the first retry leaves the first cell to the client\'s own jitter); ' +
    '"KernelManager start → first `1 + 1`": a separate start through jupyter_client\'s KernelManager and wait_for_ready, as nbclient, jupyter console and ' +
    'jupyter_server start kernels (its handshake ends with 0.2 s of IOPub quiet, for every kernel). Round trip = execute_request → execute_reply + idle. Kernel CPU = CPU time of all the kernel\'s threads per measured cell ' +
    '(the three kinds together; a loaded machine inflates it far less than round trips).\n');
  console.log(`| kernel | startup → kernel_info_reply | startup → first \`1 + 1\` | starts that missed a reconnect | KernelManager start → first \`1 + 1\` | \`1 + 1\` | 1,000-iteration loop | 50-line class | \`1 + 1\` after ${after} cells | kernel CPU per cell | reports type errors |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, rs] of results) {
    const errors = [...new Set(rs.map((r) => r.error).filter(Boolean))];
    const probes = rs.map((r) => r.probe).filter((p) => p !== null && p !== undefined);
    const typed = probes.length ? (probes.every(Boolean) ? 'yes' : probes.some(Boolean) ? 'sometimes' : 'no') : '–';
    console.log(`| ${name}${errors.length ? ` (error: ${errors.join('; ')})` : ''} | ${cell(name, 'startup', false)} | ${cell(name, 'first', false)} | ${missedStarts(name)} | ${cell(name, 'managed', false)} | ${cell(name, 'one')} | ${cell(name, 'loop')} | ${cell(name, 'klass')} | ${cell(name, 'after')} | ${cell(name, 'cpu', false)} | ${typed} |`);
   }
  // Node reads this bundle at every process start, before any script runs (Deno does not read it).
  if (process.env.NODE_EXTRA_CA_CERTS) {
    console.log(`\nNODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): every Node process, flowlab's and tslab's kernels ` +
      'included, parses that certificate bundle before its first line (tens of ms on a slow machine; `node -e "console.log(performance.now())"` ' +
      'with and without it shows how many). The start-up columns include it.');
  }
}

main().then(() => process.exit(0), (err: Error) => {
  console.error(err.message);
  process.exit(1);
});
