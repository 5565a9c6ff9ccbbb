/**
 * Where Jupyter looks for kernelspecs (jupyter_core.paths conventions):
 *  - user: `$JUPYTER_DATA_DIR`, else ~/.local/share/jupyter ($XDG_DATA_HOME/jupyter) on Linux,
 *    ~/Library/Jupyter on macOS, %APPDATA%\jupyter on Windows; kernels/ inside it.
 *  - sys-prefix: `<sys.prefix>/share/jupyter/kernels` of the Python that runs Jupyter.
 *  - prefix DIR: `DIR/share/jupyter/kernels`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where to install: exactly one of user / sysPrefix / prefix (default: user). */
export interface SpecLocation {
  user?: boolean;
  sysPrefix?: boolean;
  prefix?: string;
}

/** The Jupyter user data directory. */
export function jupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Jupyter');
  if (process.platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'jupyter');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'jupyter');
}

/** The Python that runs Jupyter: $FLOWLAB_PYTHON, else the shebang of `jupyter` on PATH, else python3. */
export function jupyterPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOWLAB_PYTHON) return env.FLOWLAB_PYTHON;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const file = join(dir, 'jupyter');
    if (!dir || !existsSync(file)) continue;
    const first = readFileSync(file, 'utf8').slice(0, 300).split('\n')[0] ?? '';
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    if (m) return m[1]!.endsWith('/env') && m[2] ? m[2] : m[1]!;
  }
  return 'python3';
}

/** sys.prefix of the Python that runs Jupyter. */
export function pythonSysPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const python = jupyterPython(env);
  try {
    return execFileSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8', env }).trim();
  } catch (err) {
    throw new Error(`--sys-prefix: could not ask '${python}' for sys.prefix (${(err as Error).message.split('\n')[0]}). Set FLOWLAB_PYTHON to the Python that runs Jupyter, or use --user / --prefix DIR.`);
  }
}

/** The kernels/ directory for a location. */
export function kernelsDir(loc: SpecLocation = {}, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = [loc.user, loc.sysPrefix, loc.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new Error('kernelspec location: give only one of --user, --sys-prefix, --prefix DIR.');
  if (loc.prefix !== undefined) {
    if (!loc.prefix) throw new Error('--prefix: expected a directory, got an empty string. Example: --prefix /opt/conda.');
    return join(loc.prefix, 'share', 'jupyter', 'kernels');
  }
  if (loc.sysPrefix) return join(pythonSysPrefix(env), 'share', 'jupyter', 'kernels');
  return join(jupyterDataDir(env), 'kernels');
}
