/**
 * Model benchmark (issue 4): per model preset at the papers' sizes (1,000 examples, 4 classes;
 * CIFAR-10 from datasets/ when present, else random data of the CIFAR shape; the transformer on the
 * sorting task), the parameter count and the time of loss (forward), grad and hvp, full batch, MSE,
 * on each backend. The cpu backend runs only the small models unless --all-cpu is given.
 *
 * ViT and ResNet (minutes per hvp at n = 1,000 on 2 CPU cores) are timed on --heavy-n examples
 * (default 100) and scaled linearly to n (the cost is linear in the examples: chunked sums).
 *
 * Run: node --import tsx bench/models.ts [--backends wasm,cpu] [--reps 1] [--n 1000] [--heavy-n 100] [--only mlp,cnn]
 */
import { tf } from '../src/tensor/tf.js';
import { backend } from '../src/tensor/index.js';
import { centralFlowsMlp, fcTanh, cnn, eosCnn, vit, resnet, transformer, fromModel, mse, maskedMse, type Model, type Loss } from '../src/models/index.js';
import { cifar10, synthetic, type Dataset } from '../src/data/index.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const backends = opt('backends', 'wasm,cpu').split(',');
const reps = Number(opt('reps', '1'));
const n = Number(opt('n', '1000'));
const only = opt('only', '').split(',').filter(Boolean);
const allCpu = args.includes('--all-cpu');
const heavyN = Number(opt('heavy-n', '100'));

interface Preset {
  key: string;
  model: () => Model;
  data: 'image' | 'sorting';
  loss: Loss;
  smallEnoughForCpu: boolean;
  heavy?: boolean;
}
const allPresets: Preset[] = [
  { key: 'mlp', model: () => centralFlowsMlp({ output: 4 }), data: 'image', loss: mse, smallEnoughForCpu: true },
  { key: 'fcTanh', model: () => fcTanh({ output: 4 }), data: 'image', loss: mse, smallEnoughForCpu: true },
  { key: 'cnn', model: () => cnn({ output: 4 }), data: 'image', loss: mse, smallEnoughForCpu: false },
  { key: 'eosCnn', model: () => eosCnn({ output: 4, activation: 'relu', pooling: 'max' }), data: 'image', loss: mse, smallEnoughForCpu: false },
  { key: 'vit', model: () => vit({ output: 4, headInitScale: 1 }), data: 'image', loss: mse, smallEnoughForCpu: false, heavy: true },
  { key: 'resnet', model: () => resnet({ output: 4 }), data: 'image', loss: mse, smallEnoughForCpu: false, heavy: true },
  { key: 'transformer', model: () => transformer({ outputInitScale: 1 }), data: 'sorting', loss: maskedMse, smallEnoughForCpu: true },
];
const presets = allPresets.filter((p) => only.length === 0 || only.includes(p.key));

function imageData(): { data: Dataset | { x: tf.Tensor; y: tf.Tensor; dispose(): void }; source: string } {
  try {
    return { data: cifar10({ n, classes: 4 }), source: 'CIFAR-10' };
  } catch {
    const x = tf.randomNormal([n, 32, 32, 3], 0, 1, 'float32', 0);
    const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 4), 'int32'), 4).toFloat();
    return { data: { x, y, dispose: () => tf.dispose([x, y]) }, source: 'random (CIFAR-10 absent)' };
  }
}

async function timeMs(fn: () => tf.Tensor): Promise<number> {
  const warm = fn();
  await warm.data();
  warm.dispose();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = fn();
    await out.data();
    ts.push(performance.now() - t0);
    out.dispose();
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const rows: string[] = [];
let source = '';
for (const b of backends) {
  try {
    await backend.use(b as 'wasm' | 'cpu');
  } catch (e) {
    rows.push(`| ${b} | (unavailable: ${(e as Error).message.split('\n')[0]}) | | | | | | |`);
    continue;
  }
  const img = imageData();
  source = img.source;
  const sorting = synthetic.sortingTask({ n, seed: 0 });
  for (const p of presets) {
    if (b === 'cpu' && !p.smallEnoughForCpu && !allCpu) {
      rows.push(`| ${b} | ${p.key} | | | | skipped (slow on cpu; --all-cpu) | | |`);
      continue;
    }
    const model = p.model();
    const full = p.data === 'image' ? img.data : sorting;
    const m = p.heavy ? Math.min(heavyN, n) : n;
    const sub = m < n ? { x: full.x.slice(0, m), y: full.y.slice(0, m) } : null;
    const P = fromModel(model, sub ?? full, p.loss);
    const scale = n / m;
    const w = tf.tensor1d(model.init(0));
    const v = tf.randomNormal([model.numParams], 0, 1, 'float32', 1) as tf.Tensor1D;
    const tLoss = await timeMs(() => P.loss(w));
    const tGrad = await timeMs(() => P.grad(w));
    const tHvp = await timeMs(() => P.hvp(w, v));
    const note = scale > 1 ? ` (n=${m} ×${scale})` : '';
    rows.push(`| ${b} | ${p.key} | ${model.name} | ${model.numParams.toLocaleString('en-US')} | ${P.chunk >= m ? 'none' : P.chunk} | ${fmt(tLoss * scale)}${note} | ${fmt(tGrad * scale)} | ${fmt(tHvp * scale)} (${(tHvp / tGrad).toFixed(1)}× grad) |`);
    if (sub) tf.dispose([sub.x, sub.y]);
    console.error(rows[rows.length - 1]);
    tf.dispose([w, v]);
    P.dispose();
  }
  img.data.dispose();
  sorting.dispose();
}
console.log(`\nModels at the papers' sizes: n = ${n}, 4 classes, full batch, MSE; images: ${source}; transformer: sorting task (masked MSE). Median of ${reps} after a warm-up.\n`);
console.log('| backend | preset | model | parameters | chunk | loss (forward) | grad | hvp |');
console.log('|---|---|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
