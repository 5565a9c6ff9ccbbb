/**
 * `npm run test:webgpu`: the suites that must pass on the webgpu backend, run with
 * FLOWLAB_BACKEND=webgpu (each suite's problems, tolerances and references are the wasm ones unless
 * the suite says why not). Without a GPU this runs on Mesa's lavapipe (software Vulkan, Mesa ≥ 25:
 * `apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1`); .ci/run installs it.
 *
 * When no WebGPU adapter is found the run fails under CI=true and is skipped (exit 0, one line
 * saying why) elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../', import.meta.url));

/** Test files (relative to dist/tests) run on webgpu. */
export const WEBGPU_SUITES = [
  // the derivative harness: every op and composite, closed forms, the harness itself, the read rule
  'tensor/webgpu-kernels.test.js',
  'tensor/read.test.js',
  'tensor/ops.test.js',
  'tensor/composite.test.js',
  'tensor/closed-forms.test.js',
  'tensor/check.test.js',
  'tensor/curvature-batch.test.js',
  'models/mlp.derivatives.test.js',
  'models/cnn.derivatives.test.js',
  'models/attention.derivatives.test.js',
  'models/layers.test.js',
  // training, the optimizer zoo's hand-computed steps and its convergence table, the read rule
  'lab/train.test.js',
  'optim/steps-elementwise.test.js',
  'optim/steps-matrix.test.js',
  'optim/reads.test.js',
  'optim/table.test.js',
  // landscape exact answers (eigenpairs, trace, density, directions, the MLP's spectrum), read counts
  'landscape/eigen.test.js',
  'landscape/density-trace.test.js',
  'landscape/directions.test.js',
  'landscape/mlp.test.js',
  'landscape/reads.test.js',
  // central flows: the closed-form toys
  'flows/toy.test.js',
  // the quickstart and a flow notebook at tiny scale, through the CLI
  'webgpu/notebooks.test.js',
];

function main(): number {
  const env: NodeJS.ProcessEnv = { ...process.env, FLOWLAB_BACKEND: 'webgpu' };
  if (!env.XDG_RUNTIME_DIR || !existsSync(env.XDG_RUNTIME_DIR)) env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'flowlab-xdg-'));
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e',
    `import { backend } from ${JSON.stringify(new URL('../../src/tensor/index.js', import.meta.url).href)};
     const i = await backend.use('webgpu'); console.log('ADAPTER ' + i.device);`], { env, encoding: 'utf8', timeout: 120_000 });
  const adapter = /ADAPTER (.*)/.exec(probe.stdout)?.[1];
  if (!adapter) {
    const why = (probe.stderr.split('\n').find((l) => /webgpu/i.test(l)) ?? probe.stderr.trim().split('\n').pop() ?? 'no output').trim();
    const msg = `test:webgpu: no WebGPU adapter (${why}). Install a Vulkan driver: on a machine without a GPU, Mesa's lavapipe ≥ 25 ` +
      '(Debian bookworm: add the bookworm-backports suite, then apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1).';
    if (process.env.CI) { console.error(msg); return 1; }
    console.log(`${msg} Skipped.`);
    return 0;
  }
  console.log(`test:webgpu on ${adapter}: ${WEBGPU_SUITES.length} suites`);
  const files = WEBGPU_SUITES.map((f) => join(dist, 'tests', f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) { console.error(`test:webgpu: missing suites (run npm run build): ${missing.join(', ')}`); return 1; }
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { env, stdio: 'inherit' });
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
