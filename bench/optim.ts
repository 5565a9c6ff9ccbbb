/**
 * Benchmark of the optimizer zoo: per-step cost of every registered optimizer (update +
 * applyUpdates on a fixed gradient) relative to ONE gradient of the central-flows reference MLP
 * (3072→256→256→4, GELU, MSE, 1,000 random examples of CIFAR shape, 853,508 parameters).
 * Matrix optimizers see the named matrices through withSpec. Context optimizers (SAM/ASAM,
 * Sophia-H, FOSI) take their extra gradients / HVPs / Lanczos from the Problem.
 *
 *   node --import tsx bench/optim.ts [--backend wasm] [--steps 8] [--only adam,muon]
 *
 * Prints a markdown table: fastest and median step, overhead (fastest step / one gradient, the
 * gradient re-timed just before each optimizer so machine load affects both alike), and the
 * slowest step (the periodic refreshes: eigenbases, projections, Hessian estimates).
 */
import { backend, problem, read, tf } from '../src/tensor/index.js';
import type { Tensor, Tensor1D, Scalar, ParamSpec } from '../src/tensor/types.js';
import * as O from '../src/optim/index.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const steps = Number(arg('steps', '8'));
const only = arg('only', '').split(',').filter(Boolean);

function referenceMlp(n: number) {
  const sizes = [3072, 256, 256, 4];
  const entries: ParamSpec['entries'] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (const [name, shape] of [[`dense${l + 1}/kernel`, [sizes[l], sizes[l + 1]]], [`dense${l + 1}/bias`, [sizes[l + 1]]]] as const) {
      const size = shape.reduce((a, b) => a * b, 1);
      entries.push({ name, shape: [...shape], offset, size, outputAxis: shape.length - 1, kind: shape.length > 1 ? 'weight' : 'bias' });
      offset += size;
    }
  }
  const spec: ParamSpec = { entries, numParams: offset };
  const X = tf.keep(tf.randomNormal([n, 3072], 0, 1, 'float32', 1));
  const Y = tf.keep(tf.oneHot(tf.randomUniform([n], 0, 4, 'int32', 2) as tf.Tensor1D, 4).toFloat());
  const gelu = (x: Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
  const lossFn = (w: Tensor1D): Scalar => {
    let h: Tensor = X;
    for (let l = 0; l < 3; l++) {
      const [k, b] = [entries[2 * l], entries[2 * l + 1]];
      const z = tf.add(tf.matMul(h as tf.Tensor2D, tf.reshape(tf.slice(w, [k.offset], [k.size]), k.shape as [number, number]) as tf.Tensor2D), tf.slice(w, [b.offset], [b.size]));
      h = l < 2 ? gelu(z) : z;
    }
    return tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(h, Y)), 1))) as Scalar;
  };
  const init = tf.tidy(() => tf.concat(entries.map((e) => tf.reshape(e.shape.length > 1 ? tf.randomNormal(e.shape, 0, 1 / Math.sqrt(e.shape[0]), 'float32', 3) : tf.zeros(e.shape), [-1])), 0)) as Tensor1D;
  return { P: problem(lossFn, { dim: offset, spec, name: 'mlp853k', checkFinite: false }), spec, w0: init };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function main() {
  const info = await backend.use(arg('backend', 'wasm') as never);
  const { P, spec, w0 } = referenceMlp(1000);
  const gradMs: number[] = [];
  for (let i = 0; i < 4; i++) { const t0 = performance.now(); const g = P.grad(w0); await read(g); gradMs.push(performance.now() - t0); g.dispose(); }
  const gMs = median(gradMs.slice(1));
  const grad = P.grad(w0);
  console.log(`backend ${info.name} (${info.device}); ${P.dim} parameters; one gradient: ${gMs.toFixed(1)} ms (median of 3)\n`);
  console.log('| optimizer | kind | fastest step (ms) | median step (ms) | 1 gradient (ms) | overhead | slowest step (ms) |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  const gradTime = async () => { const t0 = performance.now(); const g = P.grad(w0); await read(g); g.dispose(); return performance.now() - t0; };
  for (const name of O.optimizerNames()) {
    if (only.length && !only.includes(name)) continue;
    const entry = O.optimizers[name];
    // FOSI's Lanczos refresh (every 100 steps) is capped here so the benchmark stays short.
    const hyper = name === 'fosi' ? { k: 2, maxIter: 4 } : {};
    const opt = entry.kind === 'matrix' ? O.withSpec(spec, O.create(name, hyper)) : O.create(name, hyper);
    let w = tf.clone(w0) as Tensor1D;
    let s = opt.init(w);
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      const r = await opt.update(grad, s, w, { problem: P, w, loss: 1 });
      const w2 = O.applyUpdates(w, r.updates) as Tensor1D;
      await read(w2);
      times.push(performance.now() - t0);
      O.disposeState(s); tf.dispose([w, r.updates as Tensor]);
      s = r.state; w = w2;
    }
    O.disposeState(s); w.dispose();
    const fast = Math.min(...times);
    const g1 = Math.min(await gradTime(), await gradTime());
    console.log(`| ${name} | ${entry.kind} | ${fast.toFixed(1)} | ${median(times).toFixed(1)} | ${g1.toFixed(0)} | ${((100 * fast) / g1).toFixed(1)} % | ${Math.max(...times).toFixed(0)} |`);
  }
  grad.dispose();
}
main().catch((e) => { console.error(e); process.exit(1); });
