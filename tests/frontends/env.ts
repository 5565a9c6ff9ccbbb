/**
 * What every front-end test needs: a throw-away Jupyter environment (data, config, runtime dirs)
 * with the flowlab kernelspec installed by the real CLI (`flowlab install --user` into a temporary
 * JUPYTER_DATA_DIR, never the user's), a way to wait on a condition instead of sleeping, and the
 * rule for missing tools: skip with the reason and the fix, except under CI=true, where a
 * missing tool fails the test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedJupyterVars, repoRoot } from '../kernel/helpers.js';

/** A temporary Jupyter environment with the flowlab kernel installed; `dispose()` removes it. */
export interface FrontendEnv {
  /** Root of the temporary tree. */
  dir: string;
  /** Folder the front ends serve / start in (notebooks are written here). */
  work: string;
  /** JUPYTER_DATA_DIR: kernelspecs, and the Notebook's signing secret + signature database. */
  data: string;
  /** Environment for every Jupyter process the test starts. */
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/**
 * Creates the environment and runs `node dist/src/cli/main.js install --user` in it, as a user
 * would. The same `data` dir must serve a whole test: the classic Notebook signs the notebooks it
 * saves with the secret in `<data>/notebook_secret` and records them in `<data>/nbsignatures.db`;
 * a new data dir would make every saved notebook untrusted on reopening.
 */
export function frontendEnv(prefix = 'flowlab-frontend-'): FrontendEnv {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const data = join(dir, 'data');
  const work = join(dir, 'work');
  for (const d of [data, work]) mkdirSync(d, { recursive: true });
  const env = isolatedJupyterVars(dir);
  const main = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [main, 'install', '--user'], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`flowlab install --user failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  if (!existsSync(join(data, 'kernels', 'flowlab', 'kernel.json'))) throw new Error(`flowlab install --user wrote no kernelspec under ${data}`);
  return { dir, work, data, env, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True on CI (CI=true), where a missing tool is a failure, not a skip. */
export const onCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/**
 * The skip reason for a test that needs tools, from the reasons of the missing ones (undefined
 * entries are present tools). On CI it returns undefined, so the test runs and `assertTools`
 * fails it with the same reason.
 */
export function skipWithout(...reasons: Array<string | undefined>): string | undefined {
  const missing = reasons.filter((r): r is string => !!r);
  if (missing.length === 0 || onCI) return undefined;
  return missing.join('; ');
}

/** Fails (on CI) when a tool is missing; call first in a test that used `skipWithout`. */
export function assertTools(...reasons: Array<string | undefined>): void {
  const missing = reasons.filter((r): r is string => !!r);
  if (missing.length) throw new Error(`missing on CI (CI=true): ${missing.join('; ')}`);
}

/** Why a command is unusable (with the apt package that provides it), or undefined when it runs. */
export function commandMissing(argv: string[], aptPackage: string): string | undefined {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? undefined : `\`${argv.join(' ')}\` does not run here: apt-get install ${aptPackage}`;
}

/** Why a Python module is missing for /usr/bin/python3, or undefined when it imports. */
export function pythonModuleMissing(modules: string[], aptPackages: string): string | undefined {
  const r = spawnSync('/usr/bin/python3', ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? undefined : `/usr/bin/python3 cannot import ${modules.join(', ')}: apt-get install ${aptPackages}`;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, and returns that value; on
 * timeout throws `what` with the last observation (so a failure says what the screen showed).
 * @example const text = await waitFor('the prompt', () => pane().includes('In [2]') && pane(), { timeoutMs: 30_000 })
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, { timeoutMs = 30_000, intervalMs = 100, last }: { timeoutMs?: number; intervalMs?: number; last?: () => unknown } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) {
      const seen = last ? await last() : undefined;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen === undefined ? '' : `; last seen:\n${String(seen)}`}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Pids of running kernel processes whose command line names a connection file under `dir` (the
 * environment's JUPYTER_RUNTIME_DIR), read from /proc (zombies excluded).
 */
export function kernelPids(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // The kernelspec starts dist/kernel/launch.cjs; older kernelspecs and `flowlab kernel` start the CLI.
      const isKernel = cmd.includes('kernel') || cmd.some((a) => a.endsWith('launch.cjs'));
      if (!isKernel || !cmd.some((a) => a.startsWith(dir))) continue;
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      pids.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return pids;
}
