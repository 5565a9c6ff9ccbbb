/**
 * CIFAR-10 from the official binary batches (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html):
 * data_batch_1.bin … data_batch_5.bin and test_batch.bin, each 10,000 records of
 * 1 label byte + 3072 pixel bytes (1024 red, 1024 green, 1024 blue; rows of 32, CHW).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tensor/tf.js';
import { checkSubset, firstPerClass, makeDataset, oneHot, type Dataset } from './dataset.js';
import { packageRoot } from './paths.js';
import { rng } from './random.js';

/** CIFAR-10's class names, in label order. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
const RECORD = 3073;
const PIXELS = 3072;

/** Options of `cifar10`. */
export interface Cifar10Options {
  /** Directory with the .bin batches (default: $FLOWLAB_DATA/cifar-10-batches-bin, then <flowlab>/datasets/cifar-10-batches-bin). */
  dir?: string;
  /** Examples to keep, n/classes per class (default 1000). */
  n?: number;
  /** Keep classes 0 … classes−1 (default 10). */
  classes?: number;
  split?: 'train' | 'test';
  /** Shuffle seed (default 0); null keeps class order. */
  seed?: number | null;
  /** Records each file must hold (default 10,000 as in the official files; null accepts any whole number). */
  recordsPerFile?: number | null;
}

/**
 * The candidate directories, in search order.
 * @example cifar10Dirs() // ['$FLOWLAB_DATA/cifar-10-batches-bin', '<flowlab>/datasets/cifar-10-batches-bin']
 */
export function cifar10Dirs(dir?: string): string[] {
  if (dir) return [dir];
  const out: string[] = [];
  if (process.env.FLOWLAB_DATA) out.push(join(process.env.FLOWLAB_DATA, 'cifar-10-batches-bin'));
  out.push(join(packageRoot(), 'datasets', 'cifar-10-batches-bin'));
  return out;
}

function locate(dir: string | undefined, files: string[]): string {
  const dirs = cifar10Dirs(dir);
  for (const d of dirs) if (files.every((f) => existsSync(join(d, f)))) return d;
  const missing = dirs.map((d) => `  ${d}: missing ${files.filter((f) => !existsSync(join(d, f))).join(', ')}`).join('\n');
  throw new Error(
    `cifar10: CIFAR-10 binary batches not found. Put ${files.join(', ')} (the "CIFAR-10 binary version", ` +
      `https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, unpacked) into one of:\n${missing}\n` +
      `or set FLOWLAB_DATA to a directory containing cifar-10-batches-bin/, or pass { dir }.`,
  );
}

/**
 * Reads one batch file, checking it holds whole, valid records.
 * @example readCifarBatch('datasets/cifar-10-batches-bin/test_batch.bin').count // 10000
 */
export function readCifarBatch(path: string, recordsPerFile: number | null = 10000): { labels: Uint8Array; records: Uint8Array; count: number } {
  const size = statSync(path).size;
  if (size === 0 || size % RECORD !== 0) {
    throw new Error(`cifar10: ${path} is truncated or corrupt: ${size} bytes is not a whole number of ${RECORD}-byte records (1 label + 3072 pixels); re-extract the official archive`);
  }
  const count = size / RECORD;
  if (recordsPerFile !== null && count !== recordsPerFile) {
    throw new Error(`cifar10: ${path} holds ${count} records, expected ${recordsPerFile} (official batches hold 10,000); the file is truncated or not an official batch`);
  }
  const records = readFileSync(path);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const l = records[i * RECORD];
    if (l > 9) throw new Error(`cifar10: ${path} record ${i} has label byte ${l} (must be 0…9); the file is corrupt or not CIFAR-10`);
    labels[i] = l;
  }
  return { labels, records, count };
}

const statsCache = new Map<string, { mean: number[]; std: number[] }>();

/**
 * Per-channel mean and standard deviation (of pixels / 255) over every training record in `dir`.
 * @example cifar10TrainStats('datasets/cifar-10-batches-bin').mean // ≈ [0.491, 0.482, 0.447]
 */
export function cifar10TrainStats(dir: string, recordsPerFile: number | null = 10000): { mean: number[]; std: number[] } {
  const key = `${dir}|${recordsPerFile}|` + CIFAR10_TRAIN_FILES.map((f) => {
    const st = statSync(join(dir, f));
    return `${st.size}:${st.mtimeMs}`;
  }).join(',');
  const hit = statsCache.get(key);
  if (hit) return hit;
  const s = [0, 0, 0];
  const s2 = [0, 0, 0];
  let count = 0;
  for (const f of CIFAR10_TRAIN_FILES) {
    const b = readCifarBatch(join(dir, f), recordsPerFile);
    for (let r = 0; r < b.count; r++) {
      for (let c = 0; c < 3; c++) {
        const off = r * RECORD + 1 + c * 1024;
        for (let j = 0; j < 1024; j++) {
          const v = b.records[off + j] / 255;
          s[c] += v;
          s2[c] += v * v;
        }
      }
    }
    count += b.count * 1024;
  }
  const mean = s.map((v) => v / count);
  const std = s2.map((v, c) => Math.sqrt(Math.max(v / count - mean[c] ** 2, 1e-12)));
  const out = { mean, std };
  statsCache.set(key, out);
  return out;
}

/**
 * CIFAR-10 as a Dataset: x [n, 32, 32, 3] (HWC, channels standardised with the training set's
 * per-channel mean and std), one-hot y [n, classes]. The subset is the first n/classes examples
 * of each of the first `classes` classes (in file order), shuffled by `seed` — as the central-flows
 * code takes it (Cohen et al. 2025, arXiv:2410.24206).
 * @example const data = fl.data.cifar10({ n: 1000, classes: 4 });
 */
export function cifar10({ dir, n = 1000, classes = 10, split = 'train', seed = 0, recordsPerFile = 10000 }: Cifar10Options = {}): Dataset {
  if (split !== 'train' && split !== 'test') throw new Error(`cifar10: split must be 'train' or 'test', got "${split}"`);
  const perClass = checkSubset('cifar10', n, classes, 10);
  const root = locate(dir, split === 'train' ? CIFAR10_TRAIN_FILES : [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE]);
  const stats = cifar10TrainStats(root, recordsPerFile);
  const files = split === 'train' ? CIFAR10_TRAIN_FILES : [CIFAR10_TEST_FILE];
  // Concatenate labels in file order, then take the first perClass of each class.
  const batches = files.map((f) => readCifarBatch(join(root, f), recordsPerFile));
  const allLabels = new Uint8Array(batches.reduce((a, b) => a + b.count, 0));
  let o = 0;
  for (const b of batches) {
    allLabels.set(b.labels, o);
    o += b.count;
  }
  const idx = firstPerClass(allLabels, classes, perClass, `cifar10 ${split}`);
  const order = seed === null ? idx : rng(seed).permutation(idx.length).map((p) => idx[p]);
  const x = new Float32Array(order.length * PIXELS);
  const lab = new Int32Array(order.length);
  order.forEach((g, i) => {
    let f = 0;
    let local = g;
    while (local >= batches[f].count) local -= batches[f++].count;
    const rec = batches[f].records;
    const base = local * RECORD;
    lab[i] = rec[base];
    for (let c = 0; c < 3; c++) {
      const m = stats.mean[c];
      const sd = stats.std[c];
      for (let p = 0; p < 1024; p++) x[i * PIXELS + p * 3 + c] = (rec[base + 1 + c * 1024 + p] / 255 - m) / sd;
    }
  });
  return makeDataset({
    name: `cifar10[${split},n=${n},classes=${classes}]`,
    x: tf.tensor4d(x, [order.length, 32, 32, 3]),
    y: oneHot(lab, classes),
    labels: lab,
    classes,
    shape: [32, 32, 3],
    classNames: CIFAR10_CLASSES.slice(0, classes),
    normalization: stats,
  });
}
