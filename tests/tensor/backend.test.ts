/**
 * Backends: explicit selection and info(); clear one-line errors for backends this machine cannot
 * run (tensorflow needs @tensorflow/tfjs-node, webgpu needs a GPU); 'auto' prints its choice;
 * tensors display themselves in Jupyter (shape, dtype, values).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { tf } from '../../src/tensor/tf.js';
import { backend, tensorBundle } from '../../src/tensor/index.js';

test('wasm is the default and cpu/wasm can be selected explicitly', async () => {
  assert.equal(tf.getBackend(), process.env.FLOWLAB_BACKEND ?? 'wasm');
  const cpu = await backend.use('cpu');
  assert.deepEqual({ name: cpu.name, precision: cpu.precision }, { name: 'cpu', precision: 'float32' });
  assert.equal(tf.getBackend(), 'cpu');
  const wasm = await backend.use('wasm');
  assert.equal(wasm.name, 'wasm');
  assert.match(wasm.device, /WebAssembly/);
  assert.ok(wasm.threads >= 1);
  assert.deepEqual(backend.info(), wasm);
});

test('unavailable backends fail with one line naming what is missing', async () => {
  await assert.rejects(backend.use('tensorflow'), (e: Error) => /@tensorflow\/tfjs-node/.test(e.message) && /libtensorflow/.test(e.message) && !e.message.includes('\n'));
  await assert.rejects(backend.use('gpu' as never), /unknown backend 'gpu'.*'wasm'/);
  assert.equal(tf.getBackend(), 'wasm', 'a failed use() leaves the active backend alone');
});

test('webgpu without a Vulkan driver fails with one line naming the fix, and the process carries on with wasm', () => {
  // A child process whose Vulkan loader finds no driver (VK_ICD_FILENAMES points nowhere).
  const script = `import { backend } from ${JSON.stringify(new URL('../../src/tensor/index.js', import.meta.url).href)};
    try { await backend.use('webgpu'); console.log('UNEXPECTED'); } catch (e) { console.log('ERR ' + e.message); }
    console.log('BACKEND ' + backend.info().name);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent.json', VK_DRIVER_FILES: '/nonexistent.json', FLOWLAB_BACKEND: 'wasm' },
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000,
  });
  const err = out.split('\n').find((l) => l.startsWith('ERR ')) ?? out;
  assert.match(err, /webgpu/i);
  assert.match(err, /Vulkan driver|GPU/);
  assert.match(err, /wasm/);
  assert.match(out, /BACKEND wasm/);
});

test("'auto' picks a working backend and prints one line naming it", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => { lines.push(args.join(' ')); };
  try {
    const info = await backend.use('auto');
    // This machine's only WebGPU adapter, if any, is Mesa's lavapipe: auto must never pick a software GPU.
    assert.ok(['wasm', 'cpu'].includes(info.name), `auto picked ${info.name} (${info.device})`);
    assert.equal(lines.length, 1);
    assert.match(lines[0], new RegExp(`flowlab backend: ${info.name}`));
  } finally {
    console.log = log;
    await backend.use('wasm');
  }
});

test('wasm matMul: one buffer reshaped two ways as the right operand stays correct (packed-weight cache guard)', async () => {
  await backend.use('wasm');
  const x = tf.tensor1d([1, 2, 3, 4, 5, 6]);
  // hand-computed: ones(1×3)·[[1,2],[3,4],[5,6]] = [9, 12]; ones(1×2)·[[1,2,3],[4,5,6]] = [5, 7, 9]
  assert.deepEqual(Array.from(tf.matMul(tf.ones([1, 3]), tf.reshape(x, [3, 2])).dataSync()), [9, 12]);
  assert.deepEqual(Array.from(tf.matMul(tf.ones([1, 2]), tf.reshape(x, [2, 3])).dataSync()), [5, 7, 9]);
  assert.deepEqual(Array.from(tf.matMul(tf.ones([1, 3]), tf.reshape(x, [3, 2])).dataSync()), [9, 12]);
  x.dispose();
});

test('tensors display themselves: shape, dtype, values, an HTML table', () => {
  const t = tf.tensor2d([[1, 2.5], [3, 4]]);
  const bundle = (t as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
  assert.deepEqual(bundle, tensorBundle(t));
  assert.equal(bundle['text/plain'], 'Tensor float32 [2, 2] [1, 2.5, 3, 4]');
  assert.match(bundle['text/html'], /<table[^>]*><tr><td>1<\/td><td>2\.5<\/td><\/tr><tr><td>3<\/td><td>4<\/td><\/tr><\/table>/);
  t.dispose();
  assert.match(tensorBundle(t)['text/plain'], /disposed/);
});
