/**
 * Parameter counts against hand formulas, parameter specs, output shapes, deterministic
 * initialisation, and initialisation statistics against the PyTorch-default formulas.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/index.js';
import { mlp, fcTanh, centralFlowsMlp, cnn, eosCnn, vit, transformer, resnet, linear, deepLinear, type Model } from '../../src/models/index.js';

/** Entries of w belonging to one named parameter. */
function entry(m: Model, name: string, w: Float32Array): Float32Array {
  const e = m.spec.entries.find((x) => x.name === name);
  assert.ok(e, `entry ${name} exists`);
  return w.subarray(e.offset, e.offset + e.size);
}

function moments(v: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let mx = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i];
    s2 += v[i] * v[i];
    mx = Math.max(mx, Math.abs(v[i]));
  }
  const mean = s / v.length;
  return { mean, variance: s2 / v.length - mean * mean, maxAbs: mx };
}

test('parameter counts match the architecture formulas', () => {
  // central-flows MLP, C = 4: 3072·256 + 256 + 256·256 + 256 + 256·4 + 4 (the paper's "≈853k").
  assert.equal(centralFlowsMlp({ output: 4 }).numParams, 3072 * 256 + 256 + 256 * 256 + 256 + 256 * 4 + 4);
  assert.equal(centralFlowsMlp({ output: 4 }).numParams, 853508);
  // EoS fc-tanh on CIFAR-10: 3072·200 + 200 + 200·200 + 200 + 200·10 + 10.
  assert.equal(fcTanh().numParams, 3072 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);
  // central-flows CNN: conv 3→32 (no bias), conv 32→64 (no bias), dense 4096→128 (no bias), dense 128→4.
  assert.equal(cnn({ output: 4 }).numParams, 9 * 3 * 32 + 9 * 32 * 64 + 8 * 8 * 64 * 128 + 128 * 4 + 4);
  // EoS cnn-relu: two convs of width 32 with biases, max pool twice, dense 8·8·32 → 10.
  assert.equal(eosCnn().numParams, 9 * 3 * 32 + 32 + 9 * 32 * 32 + 32 + 8 * 8 * 32 * 10 + 10);
  // ViT: patch LN(48) + dense 48→64 + LN(64); 4 blocks [LN, qkv 64→3·512, out 512→64, LN, 64→256→64]; LN + head.
  const block = 2 * 64 + 64 * 1536 + 512 * 64 + 2 * 64 + (64 * 256 + 256) + (256 * 64 + 64);
  assert.equal(vit({ output: 4 }).numParams, 2 * 48 + 48 * 64 + 64 + 2 * 64 + 4 * block + 2 * 64 + 64 * 4 + 4);
  // Transformer (vocab 4, T 15, d 32, 4 layers, MLP 128): E + P + blocks + final LN + head.
  const tblock = 2 * 32 + 32 * 96 + 32 * 32 + 2 * 32 + (32 * 128 + 128) + (128 * 32 + 32);
  assert.equal(transformer().numParams, 4 * 32 + 15 * 32 + 4 * tblock + 2 * 32 + 32 * 4 + 4);
  // ResNet width 16, stages 3,3,3: in conv + blocks (conv, GN, conv, GN [+ shortcut conv + GN]) + dense 256 → 4.
  const blk = (cin: number, cout: number, down: boolean) => 9 * cin * cout + 2 * cout + 9 * cout * cout + 2 * cout + (down ? 9 * cin * cout + 2 * cout : 0);
  const expected = 9 * 3 * 16 + 3 * blk(16, 16, false) + blk(16, 32, true) + 2 * blk(32, 32, false) + blk(32, 64, true) + 2 * blk(64, 64, false) + 2 * 2 * 64 * 4 + 4;
  assert.equal(resnet({ output: 4 }).numParams, expected);
  assert.equal(deepLinear({ depth: 20, width: 50 }).numParams, 20 * 50 * 50);
  assert.equal(linear({ input: 7, output: 2 }).numParams, 7 * 2 + 2);
  assert.equal(mlp({ input: 5, hidden: [3], output: 2, bias: false }).numParams, 5 * 3 + 3 * 2);
});

test('specs tile w contiguously, with the output axis last for matrices and null for vectors', () => {
  for (const m of [centralFlowsMlp(), cnn(), vit(), transformer(), resnet()]) {
    let off = 0;
    const names = new Set<string>();
    for (const e of m.spec.entries) {
      assert.equal(e.offset, off, `${m.name}: ${e.name} offset`);
      assert.equal(e.size, e.shape.reduce((a, b) => a * b, 1));
      assert.equal(e.outputAxis, e.kind === 'embedding' ? null : e.shape.length > 1 ? e.shape.length - 1 : null, `${m.name}: ${e.name} output axis`);
      assert.ok(!names.has(e.name));
      names.add(e.name);
      off += e.size;
    }
    assert.equal(off, m.numParams);
    assert.equal(m.spec.numParams, m.numParams);
  }
  const c = cnn();
  assert.deepEqual(c.spec.entries.find((e) => e.name === 'conv1/kernel')!.shape, [3, 3, 32, 64]);
  assert.deepEqual(centralFlowsMlp().spec.entries[0].shape, [3072, 256]);
});

test('outputs have the expected shapes (paper presets, 2 examples)', () => {
  const before = tf.memory().numTensors;
  const img = tf.zeros([2, 32, 32, 3]);
  for (const m of [centralFlowsMlp(), cnn(), eosCnn({ output: 4 }), vit(), resnet()]) {
    const w = tf.tensor1d(m.init(0));
    const f = m.apply(w, img);
    assert.deepEqual(f.shape, [2, 4], m.name);
    tf.dispose([w, f]);
  }
  const t = transformer();
  const w = tf.tensor1d(t.init(0));
  const tokens = tf.zeros([3, 15], 'int32');
  const f = t.apply(w, tokens);
  assert.deepEqual(f.shape, [3, 15, 4]);
  tf.dispose([img, w, tokens, f]);
  assert.equal(tf.memory().numTensors, before);
});

test('init is deterministic in the seed', () => {
  const m = cnn({ output: 4 });
  assert.deepEqual(m.init(7), m.init(7));
  const a = m.init(7);
  const b = m.init(8);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  assert.ok(same < a.length * 0.01, 'different seeds give different parameters');
});

test('init statistics match PyTorch defaults: U(±1/√fan_in) has variance 1/(3·fan_in)', () => {
  const m = centralFlowsMlp({ output: 4 });
  const w = m.init(0);
  for (const [name, fanIn] of [['dense0/kernel', 3072], ['dense1/kernel', 256], ['dense0/bias', 3072]] as const) {
    const { mean, variance, maxAbs } = moments(entry(m, name, w));
    const bound = 1 / Math.sqrt(fanIn);
    assert.ok(maxAbs <= bound, `${name}: |w| ≤ 1/√fan_in`);
    if (name !== 'dense0/bias') {
      assert.ok(maxAbs > 0.99 * bound, `${name}: samples reach the bound`);
      assert.ok(Math.abs(variance / (bound * bound / 3) - 1) < 0.02, `${name}: variance ${variance} vs ${bound * bound / 3}`);
      assert.ok(Math.abs(mean) < 0.01 * bound, `${name}: mean ≈ 0`);
    }
  }
  // Conv fan_in = kh·kw·cin.
  const c = cnn();
  const k = moments(entry(c, 'conv1/kernel', c.init(0)));
  assert.ok(Math.abs(k.variance / (1 / (3 * 9 * 32)) - 1) < 0.03);
});

test('special initialisations: zero ViT head, ResNet zero last norm and head, Kaiming-normal convs, Xavier deep linear', () => {
  const v = vit();
  const wv = v.init(0);
  assert.ok(entry(v, 'head/kernel', wv).every((x) => x === 0));
  assert.ok(entry(v, 'head/bias', wv).every((x) => x === 0));
  assert.ok(entry(v, 'block0/attn/ln/gamma', wv).every((x) => x === 1));
  const r = resnet();
  const wr = r.init(0);
  assert.ok(entry(r, 'stage0/block0/gn2/gamma', wr).every((x) => x === 0));
  assert.ok(entry(r, 'stage0/block0/gn1/gamma', wr).every((x) => x === 1));
  assert.ok(entry(r, 'out/kernel', wr).every((x) => x === 0));
  // Kaiming normal, fan_out mode: std² = 2 / (9·cout).
  const k = moments(entry(r, 'stage2/block1/conv1', wr));
  assert.ok(Math.abs(k.variance / (2 / (9 * 64)) - 1) < 0.03, `kaiming variance ${k.variance}`);
  const d = deepLinear({ depth: 3, width: 200 });
  const kd = moments(entry(d, 'dense1/kernel', d.init(0)));
  assert.ok(Math.abs(kd.variance / (2 / 400) - 1) < 0.03, 'xavier normal variance 2/(fan_in + fan_out)');
});

test('bad arguments raise errors naming the argument', () => {
  assert.throws(() => mlp({ input: 0, hidden: [2], output: 1 }), /input must be a positive integer/);
  assert.throws(() => mlp({ input: 3, hidden: [2], output: 1, activation: 'nope' as 'tanh' }), /unknown name "nope"/);
  assert.throws(() => cnn({ input: [30, 30, 3] }), /divisible by 4/);
  const m = mlp({ input: 3, hidden: [2], output: 1 });
  const w = tf.zeros([5]) as tf.Tensor1D;
  const x = tf.zeros([2, 3]);
  assert.throws(() => m.apply(w, x), /w must be a Tensor1D of length 11/);
  const w2 = tf.tensor1d(m.init(0));
  const x2 = tf.zeros([2, 4]);
  assert.throws(() => m.apply(w2, x2), /x must be \[batch, 3\]/);
  tf.dispose([w, x, w2, x2]);
});
