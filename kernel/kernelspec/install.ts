/**
 * Installing and removing the `flowlab` kernelspec: kernel.json (from the template beside this
 * file, with absolute paths to node and dist/kernel/launch.cjs, the kernel's quick-start entry:
 * see kernel/launch.cts) plus the two logos.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findPackageJson } from '../protocol/kernel-info.js';
import { kernelsDir, type SpecLocation } from './paths.js';
import { writeLogos } from './logo.js';

/** Options of installKernelspec. */
export interface InstallOptions extends SpecLocation {
  /** Kernelspec directory name (default 'flowlab'). */
  name?: string;
  /** Display name (default 'TypeScript (flowlab)'). */
  displayName?: string;
  /** Replaces argv entirely (default [node, <repo>/dist/kernel/launch.cjs, '--connection-file', '{connection_file}']). */
  argv?: string[];
  /** Extra environment variables for the kernel process. */
  env?: Record<string, string>;
  /** Environment used to resolve the location (default process.env). */
  processEnv?: NodeJS.ProcessEnv;
}

/** The repository (package) root: the folder of the nearest package.json above this file. */
export function packageRoot(): string {
  const pkg = findPackageJson();
  if (!pkg) throw new Error('flowlab: cannot find its package.json above ' + import.meta.url);
  return dirname(pkg);
}

function checkName(name: string): void {
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) throw new Error(`--name: kernelspec names use letters, digits, '.', '_' and '-' only, got '${name}'.`);
}

/**
 * Builds kernel.json content from the template.
 * @example kernelJson().display_name // 'TypeScript (flowlab)'
 */
export function kernelJson({ displayName, argv, env }: Pick<InstallOptions, 'displayName' | 'argv' | 'env'> = {}): Record<string, unknown> {
  const root = packageRoot();
  const version = String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0');
  const text = readFileSync(join(root, 'kernel', 'kernelspec', 'kernel.json'), 'utf8');
  const spec = JSON.parse(text) as { argv: string[]; display_name: string; env: Record<string, string>; metadata: { flowlab: { version: string } } };
  const launch = join(root, 'dist', 'kernel', 'launch.cjs');
  spec.argv = argv ?? spec.argv.map((a) => (a === '{node}' ? process.execPath : a === '{launch}' ? launch : a));
  if (displayName) spec.display_name = displayName;
  spec.env = { ...spec.env, ...env };
  spec.metadata.flowlab.version = version;
  return spec;
}

/**
 * Writes the kernelspec; returns its directory.
 * Default location: the user's Jupyter data dir (like `jupyter kernelspec install --user`).
 * @example installKernelspec({ prefix: '/opt/conda' }) // '/opt/conda/share/jupyter/kernels/flowlab'
 */
export function installKernelspec({ name = 'flowlab', processEnv = process.env, ...opts }: InstallOptions = {}): string {
  checkName(name);
  const spec = kernelJson(opts);
  const dir = join(kernelsDir(opts, processEnv), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
  const assets = join(packageRoot(), 'kernel', 'kernelspec');
  for (const logo of ['logo-32x32.png', 'logo-64x64.png']) {
    if (!existsSync(join(assets, logo))) writeLogos(dir);
    else copyFileSync(join(assets, logo), join(dir, logo));
  }
  return dir;
}

/** Removes an installed kernelspec; returns the removed directory, or undefined if none was there. */
export function uninstallKernelspec({ name = 'flowlab', processEnv = process.env, ...loc }: Pick<InstallOptions, 'name' | 'processEnv' | keyof SpecLocation> = {}): string | undefined {
  checkName(name);
  const dir = join(kernelsDir(loc, processEnv), name);
  if (!existsSync(join(dir, 'kernel.json'))) return undefined;
  rmSync(dir, { recursive: true, force: true });
  return dir;
}
