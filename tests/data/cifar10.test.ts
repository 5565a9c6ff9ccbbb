/**
 * The CIFAR-10 loader on files generated in the official binary format (record = 1 label byte +
 * 3072 pixel bytes, channel-major 32×32 planes), including missing, truncated and corrupt files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../src/tensor/index.js';
import { cifar10 } from '../../src/data/index.js';

const R = 12; // records per generated file (the official files hold 10,000)
const byte = (file: number, rec: number, k: number) => (file * 37 + rec * 11 + k * 7 + ((k * k) >> 5)) % 256;
const label = (file: number, rec: number) => (file * 3 + rec) % 10;

function writeBatches(dir: string, records = R) {
  const names = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
  names.forEach((name, file) => {
    const buf = Buffer.alloc(records * 3073);
    for (let r = 0; r < records; r++) {
      buf[r * 3073] = label(file, r);
      for (let k = 0; k < 3072; k++) buf[r * 3073 + 1 + k] = byte(file, r, k);
    }
    writeFileSync(join(dir, name), buf);
  });
}

/** Per-channel mean and std of pixels/255 over the five training files, computed directly. */
function stats() {
  const mean = [0, 0, 0];
  const sq = [0, 0, 0];
  const count = 5 * R * 1024;
  for (let f = 0; f < 5; f++) for (let r = 0; r < R; r++) for (let k = 0; k < 3072; k++) {
    const v = byte(f, r, k) / 255;
    mean[Math.floor(k / 1024)] += v / count;
    sq[Math.floor(k / 1024)] += (v * v) / count;
  }
  return { mean, std: sq.map((s, c) => Math.sqrt(s - mean[c] ** 2)) };
}

test('cifar10 reads the binary batches: subset rule, CHW → HWC, per-channel standardisation with training statistics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-cifar-'));
  try {
    writeBatches(dir);
    const before = tf.memory().numTensors;
    const ds = cifar10({ dir, n: 8, classes: 4, seed: null, recordsPerFile: R });
    // Labels in file order: batch 1 labels are r % 10 for r = 0..11 → class c first at records c and c+10.
    const expectedSrc = [[0, 0], [0, 10], [0, 1], [0, 11], [0, 2], [1, 9], [0, 3], [1, 0]]; // [file, record]
    assert.deepEqual([...ds.labels!], [0, 0, 1, 1, 2, 2, 3, 3]);
    const { mean, std } = stats();
    const x = ds.x.dataSync();
    assert.deepEqual(ds.x.shape, [8, 32, 32, 3]);
    expectedSrc.forEach(([f, r], i) => {
      assert.equal(label(f, r), ds.labels![i]);
      for (const [yy, xx, c] of [[0, 0, 0], [5, 17, 1], [31, 2, 2], [12, 31, 0]]) {
        const want = (byte(f, r, c * 1024 + yy * 32 + xx) / 255 - mean[c]) / std[c];
        assert.ok(Math.abs(x[((i * 32 + yy) * 32 + xx) * 3 + c] - want) < 1e-4, `example ${i} pixel (${yy},${xx},${c})`);
      }
    });
    assert.deepEqual(Array.from(ds.y.dataSync().slice(8, 12)), [0, 1, 0, 0]);
    const t = cifar10({ dir, n: 2, classes: 2, split: 'test', seed: null, recordsPerFile: R });
    // test_batch (file index 5): labels (15 + r) % 10 → class 0 at r = 5, class 1 at r = 6.
    const want = (byte(5, 5, 0) / 255 - mean[0]) / std[0];
    assert.ok(Math.abs(t.x.dataSync()[0] - want) < 1e-4, 'test split uses the training statistics');
    const s = cifar10({ dir, n: 8, classes: 4, seed: 3, recordsPerFile: R });
    assert.deepEqual([...s.labels!].sort(), [0, 0, 1, 1, 2, 2, 3, 3]);
    for (const d of [ds, t, s]) d.dispose();
    assert.equal(tf.memory().numTensors, before);
    // FLOWLAB_DATA/cifar-10-batches-bin is searched when no dir is given.
    const root = mkdtempSync(join(tmpdir(), 'flowlab-data-'));
    mkdirSync(join(root, 'cifar-10-batches-bin'));
    writeBatches(join(root, 'cifar-10-batches-bin'));
    const saved = process.env.FLOWLAB_DATA;
    process.env.FLOWLAB_DATA = root;
    try {
      const e = cifar10({ n: 2, classes: 2, recordsPerFile: R });
      assert.equal(e.n, 2);
      e.dispose();
    } finally {
      if (saved === undefined) delete process.env.FLOWLAB_DATA;
      else process.env.FLOWLAB_DATA = saved;
      rmSync(root, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cifar10: a missing directory says where to put which files', () => {
  const dir = join(tmpdir(), 'flowlab-no-such-dir');
  assert.throws(() => cifar10({ dir }), (e: Error) => {
    assert.match(e.message, /data_batch_1\.bin, data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin/);
    assert.ok(e.message.includes(dir));
    assert.match(e.message, /cifar-10-binary\.tar\.gz/);
    assert.match(e.message, /FLOWLAB_DATA/);
    return true;
  });
});

test('cifar10: truncated, wrongly sized and corrupt batches are errors, never partial data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlab-cifar-bad-'));
  try {
    writeBatches(dir);
    // Cut the middle of a record.
    const path = join(dir, 'data_batch_3.bin');
    writeFileSync(path, Buffer.alloc(R * 3073 - 100, 1));
    assert.throws(() => cifar10({ dir, n: 4, classes: 2, recordsPerFile: R }), /data_batch_3\.bin is truncated or corrupt: 36776 bytes is not a whole number of 3073-byte records/);
    // Whole records but too few of them.
    writeFileSync(path, Buffer.alloc((R - 1) * 3073, 1));
    assert.throws(() => cifar10({ dir, n: 4, classes: 2, recordsPerFile: R }), /holds 11 records, expected 12/);
    // A label byte outside 0…9.
    const bad = Buffer.alloc(R * 3073, 1);
    bad[3073 * 4] = 200;
    writeFileSync(path, bad);
    assert.throws(() => cifar10({ dir, n: 4, classes: 2, recordsPerFile: R }), /record 4 has label byte 200/);
    // The official default expects 10,000 records per file.
    writeBatches(dir);
    assert.throws(() => cifar10({ dir, n: 4, classes: 2 }), /holds 12 records, expected 10000/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
