/**
 * Where the kernel's own package lives, found by walking up from this file to the
 * package.json named "flowlab" (works from source under tsx and from dist/ after tsc).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** Absolute path of the flowlab package root (the folder holding its package.json). */
export function kernelRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'flowlab') return (root = dir);
      } catch { /* keep walking */ }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`kernelRoot: no package.json named "flowlab" above ${fileURLToPath(import.meta.url)}; reinstall flowlab`);
    dir = up;
  }
}

/** True when this module runs from TypeScript source (tsx), false when compiled into dist/. */
export const fromSource = import.meta.url.endsWith('.ts');

/** The flowlab library entry a cell gets for `import ... from "flowlab"`: built JS if present, else source under tsx. */
export function flowlabEntry(): string {
  const r = kernelRoot();
  const built = join(r, 'dist', 'src', 'index.js');
  const source = join(r, 'src', 'index.ts');
  if (fromSource && existsSync(source)) return source;
  return existsSync(built) ? built : source;
}

/** The declaration entry the type checker uses for "flowlab": dist .d.ts if built, else the source. */
export function flowlabTypes(): string {
  const r = kernelRoot();
  const dts = join(r, 'dist', 'src', 'index.d.ts');
  const source = join(r, 'src', 'index.ts');
  if (fromSource && existsSync(source)) return source;
  return existsSync(dts) ? dts : source;
}
