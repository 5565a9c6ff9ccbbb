/**
 * The tensor-read rule (src/tensor/read.ts) for the optimizer zoo: no code in src/optim reads
 * synchronously (dataSync / arraySync / bufferSync), and one update reads at most ONCE (one packed
 * transfer), whatever the number of leaves. Only the optimizers that need host values read at
 * all; every other one keeps its values on the device. Each registered optimizer steps 5 times on
 * the small MLP (matrix optimizers through withSpec, refreshes every 2 steps so that they happen).
 */
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import type { Tensor, Tensor1D } from '../../src/tensor/types.js';
import * as O from '../../src/optim/index.js';
import { topEigenpairs } from '../../src/landscape/eigenpairs.js';
import { readScalars } from '../../src/tensor/read.js';
import { backendTest } from './harness.js';
import { mlp } from './objectives.js';
import { onWebgpu } from '../backends.js';

/** The optimizers that read host values, and the steps (1-based) on which they do, in this setting. */
const READERS: Record<string, (t: number) => boolean> = {
  scalarRmsprop: () => true,             // ‖g‖² for ν, a number the central-flow recorders use
  galore: (t) => t % 2 === 1,            // GGᵀ for the projection (steps 1, 3, 5)
  cosmos: () => true,                    // GᵀG (step 1), then the n×r power step to orthonormalise
  naturalGalore: () => true,             // GGᵀ on refreshes (1, 3, 5), the s×s Woodbury system otherwise
  shampoo: () => true,                   // L, R for their roots (updateFreq 1)
  soap: (t) => t === 1 || (t - 1) % 2 === 0, // eigenbases at step 1, then refreshes every 2 update steps
  adam8bit: () => true,                  // the quantised leaves' gradients (minSize 8 here)
};

const HYPER: Record<string, Record<string, unknown>> = {
  galore: { updateProjGap: 2, rank: 2 }, cosmos: { rank: 2 }, naturalGalore: { updateProjGap: 2, rank: 2, history: 3 }, sophiaG: { estimator: 'empiricalFisher' }, soap: { precondFreq: 2 },
  shampoo: { updateFreq: 1 }, adam8bit: { minSize: 8 }, fosi: { k: 2, every: 100, maxIter: 10 },
};

/** Counts Tensor.data() calls, and records sync reads whose caller is in src/optim. */
function instrument() {
  const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = { data: proto.data, dataSync: proto.dataSync, arraySync: proto.arraySync, bufferSync: proto.bufferSync };
  const counts = { reads: 0, sync: [] as string[] };
  proto.data = function (this: unknown, ...a: unknown[]) { counts.reads++; return saved.data.apply(this, a); };
  for (const k of ['dataSync', 'arraySync', 'bufferSync'] as const) {
    proto[k] = function (this: unknown, ...a: unknown[]) {
      const caller = (new Error().stack ?? '').split('\n')[2] ?? '';
      if (caller.includes('/src/optim/')) counts.sync.push(`${k} ${caller.trim()}`);
      return saved[k].apply(this, a);
    };
  }
  return { counts, restore: () => Object.assign(proto, saved) };
}

// Until src/landscape's topEigenpairs is async, FOSI's Lanczos cannot run on webgpu.
const landscapeAsync = topEigenpairs.constructor.name === 'AsyncFunction';

backendTest('every optimizer: no synchronous read in src/optim, at most one read per update, none where values can stay on the device', async () => {
  const ob = mlp();
  const failures: string[] = [];
  for (const name of O.optimizerNames()) {
    if (name === 'myAdam') continue;   // registered by combinators.test when run in the same process
    if (name === 'fosi' && onWebgpu() && !landscapeAsync) continue;
    const base = O.create(name, HYPER[name] ?? {});
    const opt = O.optimizers[name].kind === 'matrix' ? O.withSpec(ob.P.spec!, base) : base;
    let w = ob.w0();
    let s = opt.init(w);
    for (let t = 1; t <= 5; t++) {
      const { loss, grad } = ob.P.lossAndGrad(w);
      const [l] = await readScalars([loss]);   // outside the count
      const probe = instrument();
      let r: O.UpdateResult;
      try {
        r = await opt.update(grad, s, w, { problem: ob.P, w, loss: l });
      } finally {
        probe.restore();
      }
      const expected = READERS[name]?.(t) ? 1 : 0;
      if (probe.counts.sync.length) failures.push(`${name} step ${t}: ${probe.counts.sync.join('; ')}`);
      // FOSI's refresh step runs Lanczos (src/landscape, which reads once per iteration): not counted.
      if (!(name === 'fosi' && t === 1) && probe.counts.reads !== expected) {
        failures.push(`${name} step ${t}: ${probe.counts.reads} reads, expected ${expected}`);
      }
      const w2 = O.applyUpdates(w, r.updates) as Tensor1D;
      tf.dispose([loss, grad, w, r.updates as Tensor]);
      O.disposeState(s);
      w = w2; s = r.state;
    }
    w.dispose(); O.disposeState(s);
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

backendTest('combinators read only what their parts read: chain and multiSteps none, applyIfFinite one flag', async () => {
  const w = tf.tensor1d([1, -2, 3]);
  const g = tf.tensor1d([0.5, 0.25, -1]);
  const cases: [O.GradientTransformation, number][] = [
    [O.chain(O.clipByGlobalNorm(1), O.adam() as never, O.scale(0.5)), 0],
    [O.multiSteps(O.prodigy() as never, { every: 1 }), 0],
    [O.masked(O.adamp() as never, () => true), 0],
    [O.applyIfFinite(O.sgd() as never), 1],
    [O.chain(O.applyIfFinite(O.scalarRmsprop() as never), O.scale(1)), 2],
  ];
  for (const [opt, expected] of cases) {
    const s = opt.init(w);
    const probe = instrument();
    let r: O.UpdateResult;
    try { r = await opt.update(g, s, w); } finally { probe.restore(); }
    assert.equal(probe.counts.reads, expected, `${opt.name}: reads per update`);
    assert.deepEqual(probe.counts.sync, [], `${opt.name}: synchronous reads`);
    O.disposeState(s); O.disposeState(r.state); tf.dispose(r.updates as Tensor);
  }
  tf.dispose([w, g]);
});
