/**
 * Kernel benchmark: flowlab vs Deno's kernel vs ipykernel vs tslab, side by side in one run, driven
 * by one client (kernel/protocol/client.ts over ZeroMQ). Prints a markdown table.
 *
 * Measures: startup (spawn → first kernel_info_reply), median / p90 round trip (execute_request →
 * execute_reply and idle) of `1 + 1`, of a 1,000-iteration loop cell and of a cell declaring a
 * 50-line class, and `1 + 1` again after 500 cells have run. Ratios are to ipykernel.
 *
 * Usage: npm run build && node --import tsx bench/kernel.ts [--reps 30] [--kernels flowlab,deno,ipykernel,tslab]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KernelClient } from '../kernel/protocol/client.js';
import type { ConnectionInfo } from '../kernel/protocol/connection.js';

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

const KERNELS: KernelDef[] = [
  { name: 'flowlab', lang: 'ts', argv: (f) => [process.execPath, join(root, 'dist', 'src', 'cli', 'main.js'), 'kernel', '--connection-file', f] },
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
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

interface Result {
  name: string;
  startup: number;
  one: number[];
  loop: number[];
  klass: number[];
  after: number[];
  error?: string;
}

async function timed(c: KernelClient, code: string): Promise<number> {
  const t0 = performance.now();
  const { reply } = await c.execute(code, { timeoutMs: 60_000 });
  const ms = performance.now() - t0;
  if (reply.content.status !== 'ok') throw new Error(`cell failed: ${reply.content.ename}: ${reply.content.evalue}\n${code}`);
  return ms;
}

async function benchKernel(def: KernelDef, reps: number, dir: string): Promise<Result> {
  const [shell, control, iopub, stdin, hb] = await freePorts(5);
  const info: ConnectionInfo = { transport: 'tcp', ip: '127.0.0.1', key: `bench-${Math.random()}`, signature_scheme: 'hmac-sha256', shell_port: shell!, control_port: control!, iopub_port: iopub!, stdin_port: stdin!, hb_port: hb! };
  const file = join(dir, `${def.name}.json`);
  writeFileSync(file, JSON.stringify({ ...info, kernel_name: def.name }));
  const [cmd, ...args] = def.argv(file);
  const env = { ...process.env, JUPYTER_DATA_DIR: join(dir, 'data'), IPYTHONDIR: join(dir, 'ipython'), FLOWLAB_HISTORY_DIR: join(dir, 'history') };
  const res: Result = { name: def.name, startup: NaN, one: [], loop: [], klass: [], after: [] };
  let child: ChildProcess | undefined;
  const client = await KernelClient.connect(info);
  try {
    const t0 = performance.now();
    child = spawn(cmd!, args, { env, cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
    res.startup = await client.ready({ since: t0, timeoutMs: 60_000 });
    const lang = def.lang;
    for (let w = 0; w < 3; w++) await timed(client, CELLS.one![lang](0)); // warm-up (lazy engine loads)
    for (let i = 0; i < reps; i++) {
      res.one.push(await timed(client, CELLS.one![lang](i)));
      res.loop.push(await timed(client, CELLS.loop![lang](i)));
      res.klass.push(await timed(client, CELLS.klass![lang](i)));
    }
    for (let i = 0; i < 500 - 3 - 3 * reps; i++) await timed(client, CELLS.filler![lang](i));
    for (let i = 0; i < reps; i++) res.after.push(await timed(client, CELLS.one![lang](i)));
    await client.request('control', 'shutdown_request', { restart: false }, { timeoutMs: 5000, waitIdle: false }).catch(() => undefined);
  } catch (err) {
    res.error = (err as Error).message.split('\n')[0];
  } finally {
    client.close();
    await new Promise((r) => setTimeout(r, 300));
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* exited */
    }
  }
  return res;
}

const fmt = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '30' }, kernels: { type: 'string', default: KERNELS.map((k) => k.name).join(',') } } });
  const reps = Number(values.reps);
  const wanted = values.kernels!.split(',');
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) throw new Error('bench/kernel: dist/src/cli/main.js is missing; run `npm run build` first.');
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-bench-'));
  const results: Result[] = [];
  try {
    for (const def of KERNELS.filter((k) => wanted.includes(k.name))) {
      process.stderr.write(`benchmarking ${def.name}…\n`);
      results.push(await benchKernel(def, reps, dir));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = results.find((r) => r.name === 'ipykernel');
  const ratio = (x: number, b: number | undefined): string => (b && Number.isFinite(x) ? ` (×${(x / b).toFixed(2)})` : '');
  console.log(`\nKernel latency, ms (median / p90 over ${reps} runs; ×ratio of the median to ipykernel's). Round trip = execute_request → reply + idle.\n`);
  console.log('| kernel | startup → kernel_info_reply | `1 + 1` | 1,000-iteration loop | 50-line class | `1 + 1` after 500 cells |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    const cell = (xs: number[], b?: number[]) => (xs.length ? `${fmt(quantile(xs, 0.5))} / ${fmt(quantile(xs, 0.9))}${ratio(quantile(xs, 0.5), b?.length ? quantile(b, 0.5) : undefined)}` : '–');
    console.log(`| ${r.name}${r.error ? ` (error: ${r.error})` : ''} | ${fmt(r.startup)}${ratio(r.startup, base?.startup)} | ${cell(r.one, base?.one)} | ${cell(r.loop, base?.loop)} | ${cell(r.klass, base?.klass)} | ${cell(r.after, base?.after)} |`);
  }
}

main().then(() => process.exit(0), (err: Error) => {
  console.error(err.message);
  process.exit(1);
});
