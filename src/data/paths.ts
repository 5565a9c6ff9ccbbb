/** Locating flowlab's own files (the repository or installed package root) from any module. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory of flowlab's package.json, found by walking up from this module (works from src/ and dist/).
 * @example join(packageRoot(), 'datasets')
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'flowlab') return (cached = dir);
      } catch {
        /* keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('flowlab: cannot find its package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}
