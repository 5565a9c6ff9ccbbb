/** Test helpers: run an optimizer on fixed gradient sequences and compare with float64 references. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend } from '../../src/tensor/index.js';
import { read } from '../../src/tensor/read.js';
import type { Tensor } from '../../src/tensor/types.js';
import { applyUpdates, disposeState, type GradientTransformation } from '../../src/optim/index.js';
import type { UpdateContext } from '../../src/optim/types.js';
import { testBackends } from '../backends.js';

export type Vec = number[];

/**
 * Registers `fn` as one test per backend of `testBackends()` (cpu and wasm; webgpu alone when
 * FLOWLAB_BACKEND=webgpu), named `${name} [backend]`.
 */
export function backendTest(name: string, fn: (t: TestContext) => unknown | Promise<unknown>): void {
  for (const be of testBackends()) {
    test(`${name} [${be}]`, async (t) => {
      await backend.use(be);
      await fn(t);
    });
  }
}

/** Runs `opt` from p0 with gradients gs[t] (fixed), returning the params after each step. */
export async function runFixed(opt: GradientTransformation, p0: Vec, gs: Vec[], shape: number[] = [p0.length], ctx?: (p: Tensor) => UpdateContext): Promise<Vec[]> {
  let p = tf.tensor(p0, shape);
  let s = opt.init(p);
  const out: Vec[] = [];
  for (const g of gs) {
    const gt = tf.tensor(g, shape);
    const r = await opt.update(gt, s, p, ctx?.(p));
    disposeState(s);
    s = r.state;
    const p2 = applyUpdates(p, r.updates) as Tensor;
    tf.dispose([p, gt, r.updates as Tensor]);
    p = p2;
    out.push(Array.from(await read(p)));
  }
  p.dispose();
  disposeState(s);
  return out;
}

/** Runs `opt` on a record { W: [rows, cols] } with fixed gradient matrices Gs[t]; returns W (flat) after each step. */
export async function runMatrix(opt: GradientTransformation, W0: number[][], Gs: number[][][]): Promise<Vec[]> {
  let p: Record<string, Tensor> = { W: tf.tensor2d(W0) };
  let s = opt.init(p);
  const out: Vec[] = [];
  for (const G of Gs) {
    const g = { W: tf.tensor2d(G) };
    const res = await opt.update(g, s, p);
    disposeState(s); s = res.state;
    const p2 = applyUpdates(p, res.updates) as Record<string, Tensor>;
    tf.dispose([p.W, g.W, (res.updates as Record<string, Tensor>).W]);
    p = p2;
    out.push(Array.from(await read(p.W)));
  }
  p.W.dispose(); disposeState(s);
  return out;
}

/** Element-wise |a − b| ≤ atol + rtol|b| with a message naming the step and index. */
export function close(actual: Vec[], expected: Vec[], { rtol = 1e-4, atol = 1e-6, label = '' } = {}): void {
  assert.equal(actual.length, expected.length, `${label}: number of steps`);
  actual.forEach((a, t) => a.forEach((x, i) => {
    const e = expected[t][i];
    assert.ok(Math.abs(x - e) <= atol + rtol * Math.abs(e), `${label}: step ${t + 1}, index ${i}: got ${x}, expected ${e}`);
  }));
}

/** A fixed gradient sequence (4 steps × n) with mixed signs and scales. */
export function gradSeq(n = 4, steps = 4): Vec[] {
  return Array.from({ length: steps }, (_, t) => Array.from({ length: n }, (_, i) => Math.sin(1.3 * t + 0.7 * i + 0.2) * (0.5 + i) + (t === 2 ? 0.3 : 0)));
}
export const P0 = [0.5, -1.2, 2.0, 0.05];
