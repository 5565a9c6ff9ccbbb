/**
 * Loading the protocol worker's message loop (./run-protocol.ts) once the sockets are bound.
 *
 * In dist it is one CommonJS file, loop.cjs, built by ./bundle-loop.mjs (which says why). It is
 * used only while it is at least as new as run-protocol.js (tsc rewrites every output, so a tsc
 * run after the bundle makes it older); otherwise, and when running from sources (no .js beside
 * this file), the ES modules load.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** Which form of the loop `dir` (the folder of the compiled worker) holds: 'bundle' or 'modules'. */
export function loopForm(dir: string): 'bundle' | 'modules' {
  try {
    return statSync(join(dir, 'loop.cjs')).mtimeMs >= statSync(join(dir, 'run-protocol.js')).mtimeMs ? 'bundle' : 'modules';
  } catch {
    return 'modules'; // no bundle (esbuild not installed), or running from sources
  }
}

/**
 * Loads the message loop: the bundle in `dir` (beside this file) when it is current, else
 * `importModules()` (the worker's `() => import('./run-protocol.js')`, which also gives the
 * loop's type). A bundle that fails to load (a damaged install) is reported through `warn` and
 * the modules load instead.
 */
export async function loadProtocolLoop<Loop>(importModules: () => Promise<Loop>, warn: (message: string) => void, dir: string = __dirname): Promise<Loop> {
  const bundle = join(dir, 'loop.cjs');
  if (loopForm(dir) === 'bundle') {
    try {
      return require(bundle) as Loop;
    } catch (err) {
      warn(`${bundle} failed to load (${(err as Error).message}); loading the protocol loop's ES modules instead. npm run build rebuilds it.`);
    }
  }
  return importModules();
}
