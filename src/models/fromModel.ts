/**
 * `fromModel`: a Problem L(w) = loss(model.apply(w, x), y) over a dataset, full batch or minibatch
 * (attached by the lead as `fl.problem.fromModel`). Large batches are evaluated in memory-sized
 * chunks ("ghost batches", as the central-flows code does) and combined exactly.
 */
import { problem } from '../tensor/problem.js';
import { tf } from '../tensor/tf.js';
import type { CurvatureBatch, Problem, Scalar, Tensor, Tensor1D, Tensor2D } from '../tensor/types.js';
import { rng } from '../data/random.js';
import { accuracyOnDevice, lossByName, type Loss } from './losses.js';
import { readScalars } from '../tensor/read.js';
import type { Model } from './model.js';

/** What `fromModel` needs of a dataset (every `fl.data` Dataset qualifies). */
export interface SupervisedData {
  x: Tensor;
  y: Tensor;
  mask?: Tensor;
  name?: string;
}

/** Options of `fromModel`. */
export interface FromModelOptions {
  /** 'full' (default): the loss over all examples; a number b: the loss over the current minibatch of b. */
  batch?: 'full' | number;
  /** Seed of the minibatch order (default 0). */
  seed?: number;
  /**
   * Examples per chunk (default 'auto': as many as fit `memoryBudget` by the model's activation
   * estimate). Every quantity is linear in the loss, so the chunked sum is exact:
   * L = Σₖ cₖ Lₖ with cₖ = (rows or unmasked positions in chunk k) / total; likewise ∇L, Hv, ∇(uᵀHv).
   */
  chunk?: number | 'auto';
  /** Bytes the autodiff tape of one chunk may use (default 512 MiB; the wasm heap is 4 GiB). */
  memoryBudget?: number;
}

/** A Problem built from a model and data; minibatch problems expose `sample(step)`. */
export interface ModelProblem extends Problem {
  readonly model: Model;
  readonly data: SupervisedData;
  readonly lossFn: Loss;
  /** 'full' or the minibatch size. */
  readonly batch: 'full' | number;
  /** Examples per chunk in use. */
  readonly chunk: number;
  /**
   * Minibatch problems: makes minibatch number `step` current (until the next call) and returns
   * its example indices. Epoch e = ⌊step / B⌋ (B = ⌊n/b⌋ batches, the remainder dropped) visits a
   * permutation drawn from (seed, e); batch k = step mod B takes its entries k·b … (k+1)·b − 1.
   * Deterministic: the same (seed, step) always gives the same batch. Full-batch problems return 0…n−1.
   */
  sample(step: number): Int32Array;
  /**
   * The examples of the current minibatch (the whole data set for full-batch problems): x, y and
   * mask, owned by the problem and valid until the next `sample`. Optimizers that need the model's
   * own outputs on the batch (Sophia-G's Gauss–Newton–Bartlett labels) read them here.
   */
  current(): SupervisedData;
  /** Loss and accuracy over the whole data set (async: one packed read; accuracy: see `accuracy`). */
  evaluate(w: Tensor1D): Promise<{ loss: number; accuracy: number }>;
  /** Frees the tensors this problem holds (chunks, minibatches; not the data set). */
  dispose(): void;
}

interface Chunk {
  x: Tensor;
  y: Tensor;
  mask?: Tensor;
  /** Share of the batch: k/m, or (masked) a device scalar Σ mask_chunk / Σ mask. */
  weight: number | Scalar;
}

/** Per-example tape bytes ≈ 4 bytes × 24 live copies of the forward activations (forward, backward, double backward). */
const TAPE_FACTOR = 4 * 24;

/**
 * Wraps model + data + loss as a Problem with the model's parameter spec attached.
 * L(w) = loss(f_w(x), y[, mask]), e.g. mse = (1/n) Σᵢ ½‖f_w(xᵢ) − yᵢ‖².
 * @example
 * const data = fl.data.cifar10({ n: 1000, classes: 4 });
 * const model = fl.models.centralFlowsMlp({ output: 4 });
 * const P = fl.problem.fromModel(model, data, 'mse');          // full batch
 * const S = fl.problem.fromModel(model, data, 'mse', { batch: 100, seed: 0 });
 * S.sample(step); S.grad(w);                                      // minibatch `step`
 */
export function fromModel(model: Model, data: SupervisedData, loss: Loss | string, { batch = 'full', seed = 0, chunk = 'auto', memoryBudget = 512 * 2 ** 20 }: FromModelOptions = {}): ModelProblem {
  const lossFn = typeof loss === 'string' ? lossByName(loss) : loss;
  if (!data || !data.x || !data.y) throw new Error('fromModel: data must have tensors x and y (a fl.data Dataset); got ' + typeof data);
  const n = data.x.shape[0];
  if (data.y.shape[0] !== n) throw new Error(`fromModel: data.x has ${n} examples but data.y has ${data.y.shape[0]}`);
  if (batch !== 'full' && (!Number.isInteger(batch) || batch < 1 || batch > n)) {
    throw new Error(`fromModel: batch must be 'full' or an integer in 1…${n} (the number of examples), got ${batch}`);
  }
  if (chunk !== 'auto' && (!Number.isInteger(chunk) || chunk < 1)) throw new Error(`fromModel: chunk must be 'auto' or a positive integer, got ${chunk}`);
  const size = chunk === 'auto' ? Math.max(1, Math.floor(memoryBudget / (TAPE_FACTOR * model.activationFloats))) : chunk;
  const name = `${model.name} · ${lossFn.lossName}${data.name ? ` · ${data.name}` : ''}${batch === 'full' ? '' : ` · batch ${batch}`}`;

  let chunks: Chunk[] = [];
  let owned: Tensor[] = [];
  let batchNow: SupervisedData = data;
  /** Splits (x, y, mask) into chunks of `size` examples with their weights. */
  const setCurrent = (x: Tensor, y: Tensor, mask: Tensor | undefined, own: Tensor[]) => {
    tf.dispose(owned);
    owned = own;
    batchNow = { x, y, mask, name: data.name };
    const m = x.shape[0];
    if (m <= size) {
      chunks = [{ x, y, mask, weight: 1 }];
      return;
    }
    // Masked chunks weigh by their unmasked rows: weights stay on the device (no read).
    const total = mask ? tf.tidy(() => tf.maximum(tf.sum(mask), 1)) : null;
    if (total) owned.push(total);
    chunks = [];
    for (let s = 0; s < m; s += size) {
      const k = Math.min(size, m - s);
      const part = (t: Tensor) => tf.slice(t, [s, ...Array(t.rank - 1).fill(0)], [k, ...t.shape.slice(1)]);
      const c: Chunk = { x: part(x), y: part(y), mask: mask ? part(mask) : undefined, weight: 0 };
      c.weight = mask ? tf.tidy(() => tf.div(tf.sum(c.mask!), total!)) as Scalar : k / m;
      owned.push(c.x, c.y, ...(c.mask ? [c.mask] : []), ...(typeof c.weight === 'number' ? [] : [c.weight]));
      chunks.push(c);
    }
  };
  setCurrent(data.x, data.y, data.mask, []);

  const subs: Problem[] = [];
  const sub = (k: number): Problem =>
    (subs[k] ??= problem((w) => lossFn(model.apply(w, chunks[k].x), chunks[k].y, chunks[k].mask), { dim: model.numParams, name, spec: model.spec }));
  /** Σₖ cₖ f(Pₖ), freeing each term as it is added. */
  const combine = <T extends Tensor>(f: (P: Problem) => T): T => {
    if (chunks.length === 1) return f(sub(0));
    let acc: T | null = null;
    chunks.forEach((c, k) => {
      const term = f(sub(k));
      const next = tf.tidy(() => (acc ? tf.add(acc, tf.mul(term, c.weight)) : tf.mul(term, c.weight))) as T;
      tf.dispose([term, ...(acc ? [acc] : [])]);
      acc = next;
    });
    return acc as unknown as T;
  };

  const P: Problem = {
    dim: model.numParams,
    spec: model.spec,
    name,
    loss: (w) => combine((Q) => Q.loss(w)) as Scalar,
    grad: (w) => combine((Q) => Q.grad(w)) as Tensor1D,
    lossAndGrad: (w) => {
      if (chunks.length === 1) return sub(0).lossAndGrad(w);
      const grads: Tensor1D[] = [];
      const loss = combine((Q) => {
        const r = Q.lossAndGrad(w);
        grads.push(r.grad);
        return r.loss;
      }) as Scalar;
      const grad = tf.tidy(() => tf.addN(grads.map((g, k) => tf.mul(g, chunks[k].weight))) as Tensor1D);
      tf.dispose(grads);
      return { loss, grad };
    },
    hvp: (w, v) => combine((Q) => Q.hvp(w, v)) as Tensor1D,
    hvpBatch: (w, V) => combine((Q) => Q.hvpBatch(w, V)) as Tensor2D,
    curvatureGrad: (w, u, v) => combine((Q) => Q.curvatureGrad(w, u, v)) as Tensor1D,
    curvatureGradBatch: (w, U, pairs) => {
      if (chunks.length === 1) return sub(0).curvatureGradBatch!(w, U, pairs);
      const parts: CurvatureBatch[] = [];
      const loss = combine((Q) => { const r = Q.curvatureGradBatch!(w, U, pairs); parts.push(r); return r.loss; }) as Scalar;
      const sum = <K extends 'grad' | 'hvp' | 'curvatureGrad'>(key: K) => tf.tidy(() => tf.addN(parts.map((r, k) => tf.mul(r[key], chunks[k].weight)))) as CurvatureBatch[K];
      const out = { loss, grad: sum('grad'), hvp: sum('hvp'), curvatureGrad: sum('curvatureGrad') };
      tf.dispose(parts.flatMap((r) => [r.grad, r.hvp, r.curvatureGrad]));
      return out;
    },
  };

  const perEpoch = batch === 'full' ? 1 : Math.floor(n / batch);
  let permCache: { epoch: number; perm: Int32Array } | null = null;
  const sample = (step: number): Int32Array => {
    if (!Number.isInteger(step) || step < 0) throw new Error(`fromModel.sample: step must be a non-negative integer, got ${step}`);
    if (batch === 'full') return Int32Array.from({ length: n }, (_, i) => i);
    const epoch = Math.floor(step / perEpoch);
    if (!permCache || permCache.epoch !== epoch) permCache = { epoch, perm: rng(seed * 1000003 + epoch).permutation(n) };
    const k = step % perEpoch;
    const idx = permCache.perm.slice(k * batch, (k + 1) * batch);
    const it = tf.tensor1d(idx, 'int32');
    const bx = tf.gather(data.x, it);
    const by = tf.gather(data.y, it);
    const bm = data.mask ? tf.gather(data.mask, it) : undefined;
    it.dispose();
    setCurrent(bx, by, bm, [bx, by, ...(bm ? [bm] : [])]);
    return idx;
  };
  if (batch !== 'full') sample(0);
  const evaluate = async (w: Tensor1D) => {
    const parts = splitApply(model, w, data.x, size);
    const f = parts.length === 1 ? parts[0] : tf.concat(parts);
    if (parts.length > 1) tf.dispose(parts);
    const l = tf.tidy(() => lossFn(f, data.y, data.mask));
    const a = accuracyOnDevice(f, data.y, data.mask);
    try {
      const [loss, acc] = await readScalars([l, a]);
      return { loss, accuracy: acc };
    } finally {
      tf.dispose([l, a, f]);
    }
  };
  const dispose = () => {
    tf.dispose(owned);
    owned = [];
    chunks = [];
  };
  return Object.assign(P, { model, data, lossFn, batch, chunk: size, sample, current: () => batchNow, evaluate, dispose });
}

/** model.apply over x in slices of `size` examples (outputs only; no tape). */
function splitApply(model: Model, w: Tensor1D, x: Tensor, size: number): Tensor[] {
  const out: Tensor[] = [];
  for (let s = 0; s < x.shape[0]; s += size) {
    const k = Math.min(size, x.shape[0] - s);
    out.push(tf.tidy(() => model.apply(w, tf.slice(x, [s, ...Array(x.rank - 1).fill(0)], [k, ...x.shape.slice(1)]))));
  }
  return out;
}
