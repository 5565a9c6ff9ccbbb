/**
 * The native CPU path (OpenBLAS through the N-API addon, src/tensor/native): its matMul against a
 * float64 product written here, for every transpose combination, NumPy-style batch broadcasting,
 * empty shapes and fused bias/activation; how it is selected and reported (backend.info, threads,
 * blas: false, FLOWLAB_BLAS=0).
 *
 * Under CI=true the addon must be there (CI installs libopenblas-dev and builds it), so that the
 * fast path is really what the suites test; elsewhere a missing addon skips the native checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { execFileSync } from 'node:child_process';
import { tf } from '../../src/tensor/tf.js';
import { backend } from '../../src/tensor/index.js';
import { nativeActive, nativeStatus } from '../../src/tensor/native/index.js';
import { batchOffsets } from '../../src/tensor/native/matmul.js';
import { assertCloseToFloat64, randomNormal } from './float64-compare.js';

const status = nativeStatus();
const pureRun = process.env.FLOWLAB_BLAS === '0';
const skip = status.available ? false : `native addon unavailable: ${status.reason}`;

test('CI builds the native addon: the suites run on OpenBLAS there', { skip: !process.env.CI || pureRun }, () => {
  assert.ok(status.available, `CI must build the native addon (npm ci runs native/build.mjs): ${status.reason}`);
});

/** op(A)[i]·op(B)[i] in float64 with NumPy broadcasting of the batch axes, written independently. */
function product64(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], ta: boolean, tb: boolean): { shape: number[]; values: Float64Array } {
  const [ar, ac] = aShape.slice(-2);
  const [br, bc] = bShape.slice(-2);
  const m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
  const ba = aShape.slice(0, -2), bb = bShape.slice(0, -2);
  const r = Math.max(ba.length, bb.length);
  const pa = [...Array(r - ba.length).fill(1), ...ba], pb = [...Array(r - bb.length).fill(1), ...bb];
  const out = pa.map((d, i) => Math.max(d, pb[i]));
  const count = out.reduce((p, q) => p * q, 1);
  const values = new Float64Array(count * m * n);
  for (let i = 0; i < count; i++) {
    // multi-index of output batch i, then each operand's flat batch index (size-1 axes fixed at 0)
    let rest = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let d = r - 1; d >= 0; d--) {
      const id = rest % out[d];
      rest = Math.floor(rest / out[d]);
      ia += (pa[d] === 1 ? 0 : id) * sa;
      ib += (pb[d] === 1 ? 0 : id) * sb;
      sa *= pa[d];
      sb *= pb[d];
    }
    for (let p = 0; p < m; p++) {
      for (let q = 0; q < n; q++) {
        let s = 0;
        for (let t = 0; t < k; t++) {
          const av = a[ia * ar * ac + (ta ? t * ac + p : p * ac + t)];
          const bv = b[ib * br * bc + (tb ? q * bc + t : t * bc + q)];
          s += av * bv;
        }
        values[(i * m + p) * n + q] = s;
      }
    }
  }
  return { shape: [...out, m, n], values };
}

test('native matMul equals a float64 product: every transpose, batch broadcast, empty shapes', { skip }, async () => {
  await backend.use('wasm', { blas: true });
  assert.ok(nativeActive());
  const before = tf.memory().numTensors;
  const cases: [number[], number[]][] = [
    [[7, 5], [5, 3]], // plain
    [[1, 9], [9, 1]], // vector · vector
    [[4, 7, 5], [4, 5, 3]], // equal batches
    [[7, 5], [3, 5, 2]], // A broadcast over B's batch
    [[2, 1, 3, 4], [3, 4, 2]], // [2,1] with [3] → [2,3]
    [[2, 1, 3, 4], [1, 5, 4, 6]], // [2,1] with [1,5] → [2,5]
    [[33, 70], [70, 129]], // big enough for OpenBLAS's blocked/threaded path
  ];
  let seed = 1;
  for (const [sa, sb] of cases) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        // the operand layouts for these flags: swap the last two axes where transposed
        const la = ta ? [...sa.slice(0, -2), sa[sa.length - 1], sa[sa.length - 2]] : sa;
        const lb = tb ? [...sb.slice(0, -2), sb[sb.length - 1], sb[sb.length - 2]] : sb;
        const a = randomNormal(la, seed++), b = randomNormal(lb, seed++);
        const A = tf.tensor(a, la), B = tf.tensor(b, lb);
        const C = tf.matMul(A, B, ta, tb);
        assertCloseToFloat64(C, product64(a, la, b, lb, ta, tb), `[${la}]${ta ? 'ᵀ' : ''}·[${lb}]${tb ? 'ᵀ' : ''}`);
        tf.dispose([A, B, C]);
      }
    }
  }
  // empty: k = 0 gives zeros, m = 0 an empty result
  tf.tidy(() => {
    assert.deepEqual(Array.from(tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 2])).dataSync()), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(tf.matMul(tf.zeros([0, 4]), tf.ones([4, 2])).shape, [0, 2]);
    assert.throws(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2])), /inner shapes \(3\) and \(4\)/);
  });
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
});

test('batch offsets follow NumPy broadcasting', () => {
  const o = batchOffsets([2, 1], [3], 10, 100);
  assert.deepEqual(o.out, [2, 3]);
  assert.deepEqual(Array.from(o.a), [0, 0, 0, 10, 10, 10]);
  assert.deepEqual(Array.from(o.b), [0, 100, 200, 0, 100, 200]);
  assert.throws(() => batchOffsets([2], [3], 1, 1), /broadcast/i);
});

test('native fused matMul: bias and every activation against float64', { skip }, async () => {
  await backend.use('wasm', { blas: true });
  const a = randomNormal([6, 5], 41), b = randomNormal([5, 4], 42), bias = randomNormal([4], 43), alpha = randomNormal([4], 44);
  const base = product64(a, [6, 5], b, [5, 4], false, false);
  const acts: Record<string, (x: number, j: number) => number> = {
    linear: (x) => x,
    relu: (x) => Math.max(0, x),
    relu6: (x) => Math.min(6, Math.max(0, x)),
    elu: (x) => (x > 0 ? x : Math.expm1(x)),
    sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    leakyrelu: (x) => (x > 0 ? x : 0.1 * x),
    prelu: (x, j) => (x > 0 ? x : alpha[j] * x),
  };
  for (const [activation, f] of Object.entries(acts)) {
    const y = tf.tidy(() => tf.fused.matMul({
      a: tf.tensor2d(a, [6, 5]), b: tf.tensor2d(b, [5, 4]), bias: tf.tensor1d(bias),
      activation: activation as tf.fused.Activation, leakyreluAlpha: 0.1, preluActivationWeights: tf.tensor1d(alpha),
    }));
    const want = base.values.map((v, i) => f(v + bias[i % 4], i % 4));
    assertCloseToFloat64(y, { shape: [6, 4], values: want }, `fused ${activation}`);
    y.dispose();
  }
});

test('selection: on by default on every core, threads and blas options, reported by info()', { skip }, async () => {
  const on = await backend.use('wasm');
  assert.equal(on.threads, Number(process.env.OPENBLAS_NUM_THREADS) || availableParallelism());
  assert.match(on.device, /OpenBLAS/);
  assert.match(on.blas ?? '', /OpenBLAS/);
  const one = await backend.use('wasm', { threads: 1 });
  assert.equal(one.threads, 1);
  const off = await backend.use('wasm', { blas: false });
  assert.equal(nativeActive(), false);
  assert.equal(off.blas, undefined);
  assert.doesNotMatch(off.device, /OpenBLAS/);
  assert.equal(off.threads, 1);
  await assert.rejects(backend.use('cpu', { blas: true }), /option 'blas' applies to 'wasm' only/);
  await assert.rejects(backend.use('wasm', { threads: 0 }), /option 'threads' must be a positive integer/);
  await backend.use('wasm');
  assert.ok(nativeActive());
});

test('FLOWLAB_BLAS=0 turns the native path off for the process, and blas: true then says why', { skip }, () => {
  const script = `import { backend } from ${JSON.stringify(new URL('../../src/tensor/index.js', import.meta.url).href)};
    const i = await backend.use('wasm'); console.log('DEVICE ' + i.device);
    try { await backend.use('wasm', { blas: true }); } catch (e) { console.log('ERR ' + e.message); }`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, FLOWLAB_BLAS: '0', FLOWLAB_BACKEND: 'wasm' }, encoding: 'utf8', timeout: 60_000,
  });
  assert.doesNotMatch(/DEVICE (.*)/.exec(out)?.[1] ?? '', /OpenBLAS/);
  assert.match(out, /ERR backend\.use\('wasm', \{ blas: true \}\): turned off by FLOWLAB_BLAS=0/);
});

