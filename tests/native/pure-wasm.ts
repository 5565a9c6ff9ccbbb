/**
 * `npm run test:pure-wasm`: the derivative harness again with the native path off (FLOWLAB_BLAS=0),
 * so that pure wasm — what every machine without a C compiler or OpenBLAS runs — stays tested while
 * the main run uses the native OpenBLAS path. Short by design: the harness (every op and composite to
 * third order, closed forms, the harness itself), the GELU kernels, the wasm kernel replacements and
 * the models' finite-difference checks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../', import.meta.url));

/** Test files (relative to dist/tests) run with FLOWLAB_BLAS=0. */
export const PURE_WASM_SUITES = [
  'tensor/ops.test.js',
  'tensor/composite.test.js',
  'tensor/closed-forms.test.js',
  'tensor/check.test.js',
  'tensor/problem.test.js',
  'tensor/curvature-batch.test.js',
  'tensor/gelu.test.js',
  'tensor/wasm-kernels.test.js',
  'tensor/native.test.js',
  'models/mlp.derivatives.test.js',
  'models/cnn.derivatives.test.js',
  'models/attention.derivatives.test.js',
];

function main(): number {
  const files = PURE_WASM_SUITES.map((f) => join(dist, 'tests', f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    console.error(`test:pure-wasm: missing suites (run npm run build): ${missing.join(', ')}`);
    return 1;
  }
  console.log(`test:pure-wasm: ${files.length} suites with the native path off (FLOWLAB_BLAS=0)`);
  const env: NodeJS.ProcessEnv = { ...process.env, FLOWLAB_BLAS: '0', FLOWLAB_BACKEND: 'wasm' };
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { env, stdio: 'inherit' });
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
