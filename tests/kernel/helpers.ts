/**
 * Shared helpers for the kernel interop tests: a throw-away Jupyter environment with the flowlab
 * kernelspec installed, and a runner for the Python suites (real jupyter_client / nbclient).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installKernelspec } from '../../kernel/kernelspec/install.js';

/** The repository root (the folder holding package.json), found by walking up. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repoRoot: no package.json above the tests');
    dir = up;
  }
  return dir;
}

/** True when running compiled (dist/tests/...), false under tsx. */
export const compiled = import.meta.url.endsWith('.js');

/** The kernel's argv: the installed kernelspec's (dist/kernel/launch.cjs) when compiled, the CLI's sources through tsx otherwise. */
export function kernelArgv(): string[] {
  const root = repoRoot();
  if (compiled) return [process.execPath, join(root, 'dist', 'kernel', 'launch.cjs'), '--connection-file', '{connection_file}'];
  return [process.execPath, '--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts'), 'kernel', '--connection-file', '{connection_file}'];
}

/** A temporary Jupyter environment with the flowlab kernelspec; call dispose() when done. */
export interface JupyterEnv {
  dir: string;
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/** Creates a temp JUPYTER_DATA_DIR / JUPYTER_PATH with kernelspec 'flowlab' installed (never the user's). */
/**
 * process.env with every Jupyter, IPython and flowlab-history folder moved under `dir`
 * (data = `dir`/data), so a test never reads or writes the user's kernelspecs, config or history.
 */
export function isolatedJupyterVars(dir: string): NodeJS.ProcessEnv {
  const data = join(dir, 'data');
  return {
    ...process.env,
    JUPYTER_DATA_DIR: data,
    JUPYTER_PATH: data,
    JUPYTER_CONFIG_DIR: join(dir, 'config'),
    JUPYTER_RUNTIME_DIR: join(dir, 'runtime'),
    IPYTHONDIR: join(dir, 'ipython'),
    FLOWLAB_HISTORY_DIR: join(dir, 'history'),
    JUPYTER_PLATFORM_DIRS: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
}

export function jupyterEnv(): JupyterEnv {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-kernel-test-'));
  const data = join(dir, 'data');
  const env = isolatedJupyterVars(dir);
  installKernelspec({ user: true, processEnv: env, argv: kernelArgv() });
  return { dir, env, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Output of a finished child process. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killing its process group after timeoutMs); never rejects. */
export function runProcess(cmd: string, args: string[], { env = process.env, cwd = repoRoot(), timeoutMs = 120_000 } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    // 'exit', not 'close': an orphaned kernel may hold the pipes open after the suite ended.
    child.on('exit', (code) => {
      clearTimeout(timer);
      setTimeout(() => resolve({ code, stdout, stderr }), 200);
    });
  });
}

/** Runs one of the Python suites beside this file with /usr/bin/python3; prints its output. */
export async function runPythonSuite(script: string, env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<RunResult> {
  const file = join(repoRoot(), 'tests', 'kernel', script);
  const result = await runProcess('/usr/bin/python3', [file], { env, timeoutMs });
  process.stdout.write(`--- ${script} (exit ${result.code}) ---\n${result.stdout}\n${result.stderr}\n`);
  return result;
}
