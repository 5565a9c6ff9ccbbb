/**
 * Every element-wise optimizer against its paper's equations, computed here in plain float64
 * TypeScript (independently of src/optim) for a fixed gradient sequence: ≥ 3 steps, with bias
 * correction and weight decay where the optimizer has them. Runs on cpu and wasm, and on webgpu
 * alone when FLOWLAB_BACKEND=webgpu (tests/backends.ts), with the same tolerances.
 */
import * as O from '../../src/optim/index.js';
import { runFixed, close, gradSeq, P0, backendTest, type Vec } from './harness.js';

const G = gradSeq();
const sq = (x: number) => x * x;
const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Runs a per-coordinate reference: step(p, g, st, t) mutates st and returns the new p. */
function refRun<S>(p0: Vec, gs: Vec[], init: () => S, step: (p: number, g: number, st: S, t: number) => number): Vec[] {
  const p = p0.slice();
  const st = p0.map(() => init());
  return gs.map((g, k) => { for (let i = 0; i < p.length; i++) p[i] = step(p[i], g[i], st[i], k + 1); return p.slice(); });
}

backendTest('sgd: momentum, nesterov and coupled weight decay', async () => {
  for (const nesterov of [false, true]) {
    const h = { lr: 0.1, momentum: 0.9, nesterov, weightDecay: 0.01 };
    const exp = refRun(P0, G, () => ({ m: 0 }), (p, g, s) => {
      const gd = g + h.weightDecay * p;
      s.m = h.momentum * s.m + gd;
      return p - h.lr * (nesterov ? gd + h.momentum * s.m : s.m);
    });
    close(await runFixed(O.sgd(h), P0, G), exp, { label: `sgd nesterov=${nesterov}` });
  }
});

backendTest('rmsprop with and without bias correction, momentum, weight decay', async () => {
  for (const biasCorrection of [false, true]) {
    const h = { lr: 0.01, b2: 0.9, eps: 1e-7, biasCorrection, momentum: 0.5, weightDecay: 0.1 };
    const exp = refRun(P0, G, () => ({ nu: 0, b: 0 }), (p, g, s, t) => {
      const gd = g + h.weightDecay * p;
      s.nu = h.b2 * s.nu + (1 - h.b2) * gd * gd;
      const nh = biasCorrection ? s.nu / (1 - h.b2 ** t) : s.nu;
      s.b = h.momentum * s.b + gd / (Math.sqrt(nh) + h.eps);
      return p - h.lr * s.b;
    });
    close(await runFixed(O.rmsprop(h), P0, G), exp, { label: `rmsprop bc=${biasCorrection}` });
  }
});

backendTest('scalarRmsprop: ν ← b2ν + (1−b2)‖g‖², w ← w − η g/√ν', async () => {
  const h = { lr: 0.05, b2: 0.8 };
  let nu = 0;
  const p = P0.slice();
  const exp = G.map((g) => { nu = h.b2 * nu + (1 - h.b2) * g.reduce((a, x) => a + x * x, 0); for (let i = 0; i < 4; i++) p[i] -= (h.lr / Math.sqrt(nu)) * g[i]; return p.slice(); });
  close(await runFixed(O.scalarRmsprop(h), P0, G), exp, { label: 'scalarRmsprop' });
});

const adamRef = (h: { lr: number; b1: number; b2: number; eps: number }, decay: (p: number) => number, coupled: boolean) =>
  refRun(P0, G, () => ({ m: 0, v: 0 }), (p, g, s, t) => {
    const gd = coupled ? g + decay(p) : g;
    s.m = h.b1 * s.m + (1 - h.b1) * gd;
    s.v = h.b2 * s.v + (1 - h.b2) * gd * gd;
    const step = (s.m / (1 - h.b1 ** t)) / (Math.sqrt(s.v / (1 - h.b2 ** t)) + h.eps);
    return p - h.lr * (step + (coupled ? 0 : decay(p)));
  });

backendTest('adam (coupled L2) and adamw (decoupled) and adam8bit on small tensors (fp32 state)', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-6, weightDecay: 0.1 };
  close(await runFixed(O.adam(h), P0, G), adamRef(h, (p) => 0.1 * p, true), { label: 'adam' });
  close(await runFixed(O.adamw(h), P0, G), adamRef(h, (p) => 0.1 * p, false), { label: 'adamw' });
  close(await runFixed(O.adam8bit(h), P0, G), adamRef(h, (p) => 0.1 * p, false), { label: 'adam8bit (<4096 entries: fp32)' });
  close(await runFixed(O.adam({ ...h, weightDecay: 0, biasCorrection: false }), P0, G),
    refRun(P0, G, () => ({ m: 0, v: 0 }), (p, g, s) => { s.m = 0.8 * s.m + 0.2 * g; s.v = 0.9 * s.v + 0.1 * g * g; return p - 0.01 * s.m / (Math.sqrt(s.v) + 1e-6); }), { label: 'adam no bias correction' });
});

backendTest('amsgrad: max of v, then bias-corrected', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-6, weightDecay: 0.05 };
  const exp = refRun(P0, G, () => ({ m: 0, v: 0, vm: 0 }), (p, g, s, t) => {
    const gd = g + 0.05 * p;
    s.m = 0.8 * s.m + 0.2 * gd; s.v = 0.9 * s.v + 0.1 * gd * gd; s.vm = Math.max(s.vm, s.v);
    return p - 0.01 * (s.m / (1 - 0.8 ** t)) / (Math.sqrt(s.vm / (1 - 0.9 ** t)) + 1e-6);
  });
  close(await runFixed(O.amsgrad(h), P0, G), exp, { label: 'amsgrad' });
});

backendTest('nadam (Dozat/optax form)', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-6, weightDecay: 0.05 };
  const exp = refRun(P0, G, () => ({ m: 0, v: 0 }), (p, g, s, t) => {
    const gd = g + 0.05 * p;
    s.m = 0.8 * s.m + 0.2 * gd; s.v = 0.9 * s.v + 0.1 * gd * gd;
    const mh = 0.8 * s.m / (1 - 0.8 ** (t + 1)) + 0.2 * gd / (1 - 0.8 ** t);
    return p - 0.01 * mh / (Math.sqrt(s.v / (1 - 0.9 ** t)) + 1e-6);
  });
  close(await runFixed(O.nadam(h), P0, G), exp, { label: 'nadam' });
});

backendTest('radam: un-rectified steps while ρₜ ≤ 5, rectified after (7 steps, b2 = 0.9)', async () => {
  const G7 = gradSeq(4, 7);
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-6, weightDecay: 0.05 };
  const rinf = 2 / (1 - 0.9) - 1;
  const exp = refRun(P0, G7, () => ({ m: 0, v: 0 }), (p, g, s, t) => {
    const gd = g + 0.05 * p;
    s.m = 0.8 * s.m + 0.2 * gd; s.v = 0.9 * s.v + 0.1 * gd * gd;
    const mh = s.m / (1 - 0.8 ** t);
    const rho = rinf - 2 * t * 0.9 ** t / (1 - 0.9 ** t);
    if (rho <= 5) return p - 0.01 * mh;
    const r = Math.sqrt((rho - 4) * (rho - 2) * rinf / ((rinf - 4) * (rinf - 2) * rho));
    return p - 0.01 * r * mh / (Math.sqrt(s.v / (1 - 0.9 ** t)) + 1e-6);
  });
  close(await runFixed(O.radam(h), P0, G7), exp, { label: 'radam' });
});

backendTest('adamax: infinity-norm second moment', async () => {
  const h = { lr: 0.02, b1: 0.8, b2: 0.9, eps: 1e-8, weightDecay: 0.05 };
  const exp = refRun(P0, G, () => ({ m: 0, u: 0 }), (p, g, s, t) => {
    const gd = g + 0.05 * p;
    s.m = 0.8 * s.m + 0.2 * gd; s.u = Math.max(0.9 * s.u, Math.abs(gd));
    return p - (0.02 / (1 - 0.8 ** t)) * s.m / (s.u + 1e-8);
  });
  close(await runFixed(O.adamax(h), P0, G), exp, { label: 'adamax' });
});

backendTest('adagrad and adadelta', async () => {
  const exp = refRun(P0, G, () => ({ G: 0.1 }), (p, g, s) => { const gd = g + 0.05 * p; s.G += gd * gd; return p - 0.1 * gd / (Math.sqrt(s.G) + 1e-10); });
  close(await runFixed(O.adagrad({ lr: 0.1, initialAccumulator: 0.1, weightDecay: 0.05 }), P0, G), exp, { label: 'adagrad' });
  const exp2 = refRun(P0, G, () => ({ eg: 0, ed: 0 }), (p, g, s) => {
    s.eg = 0.9 * s.eg + 0.1 * g * g;
    const d = -Math.sqrt(s.ed + 1e-6) / Math.sqrt(s.eg + 1e-6) * g;
    s.ed = 0.9 * s.ed + 0.1 * d * d;
    return p + 0.5 * d;
  });
  close(await runFixed(O.adadelta({ lr: 0.5, b2: 0.9 }), P0, G), exp2, { label: 'adadelta' });
});

backendTest('lion: sign of interpolated momentum, decoupled decay', async () => {
  const h = { lr: 0.01, b1: 0.9, b2: 0.99, weightDecay: 0.5 };
  const exp = refRun(P0, G, () => ({ m: 0 }), (p, g, s) => {
    const c = sign(0.9 * s.m + 0.1 * g);
    s.m = 0.99 * s.m + 0.01 * g;
    return p * (1 - 0.01 * 0.5) - 0.01 * c;
  });
  close(await runFixed(O.lion(h), P0, G), exp, { label: 'lion' });
});

backendTest('adabelief: s tracks (g − m)² + ε', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-8, weightDecay: 0.1 };
  const exp = refRun(P0, G, () => ({ m: 0, s: 0 }), (p, g, st, t) => {
    st.m = 0.8 * st.m + 0.2 * g;
    st.s = 0.9 * st.s + 0.1 * sq(g - st.m) + 1e-8;
    return p * (1 - 0.01 * 0.1) - 0.01 * (st.m / (1 - 0.8 ** t)) / (Math.sqrt(st.s / (1 - 0.9 ** t)) + 1e-8);
  });
  close(await runFixed(O.adabelief(h), P0, G), exp, { label: 'adabelief' });
});

backendTest('adamp and sgdp on vectors (no projection on rank-1 weights)', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-8, weightDecay: 0.1 };
  close(await runFixed(O.adamp(h), P0, G), adamRef(h, (p) => 0.1 * p, false), { label: 'adamp (vector)' });
  const exp = refRun(P0, G, () => ({ b: 0 }), (p, g, s) => { s.b = 0.9 * s.b + g; return p * (1 - 0.1 * 0.2) - 0.1 * s.b; });
  close(await runFixed(O.sgdp({ lr: 0.1, momentum: 0.9, weightDecay: 0.2 }), P0, G), exp, { label: 'sgdp (vector)' });
});

backendTest('adan: Δ₁ = 0, three moments, proximal decay', async () => {
  const h = { lr: 0.01, b1: 0.9, b2: 0.8, b3: 0.95, eps: 1e-8, weightDecay: 0.1 };
  const exp = refRun(P0, G, () => ({ m: 0, v: 0, n: 0, prev: 0 }), (p, g, s, t) => {
    const d = t === 1 ? 0 : g - s.prev;
    s.m = 0.9 * s.m + 0.1 * g; s.v = 0.8 * s.v + 0.2 * d; s.n = 0.95 * s.n + 0.05 * sq(g + 0.8 * d); s.prev = g;
    const step = (s.m / (1 - 0.9 ** t) + 0.8 * s.v / (1 - 0.8 ** t)) / (Math.sqrt(s.n / (1 - 0.95 ** t)) + 1e-8);
    return (p - 0.01 * step) / (1 + 0.01 * 0.1);
  });
  close(await runFixed(O.adan(h), P0, G), exp, { label: 'adan' });
});

backendTest("sophiaG with estimator 'empiricalFisher' (ĝ = g), refreshed every k = 2 steps", async () => {
  const h = { lr: 0.05, b1: 0.9, b2: 0.8, rho: 0.5, weightDecay: 0.1, k: 2, estimator: 'empiricalFisher' as const };
  const exp = refRun(P0, G, () => ({ m: 0, h: 0 }), (p, g, s, t) => {
    if ((t - 1) % 2 === 0) s.h = 0.8 * s.h + 0.2 * g * g;
    s.m = 0.9 * s.m + 0.1 * g;
    const ratio = Math.min(Math.abs(s.m) / Math.max(0.5 * s.h, 1e-15), 1);
    return p * (1 - 0.05 * 0.1) - 0.05 * sign(s.m) * ratio;
  });
  close(await runFixed(O.sophiaG(h), P0, G), exp, { label: 'sophiaG' });
});

backendTest('diffgrad applies ξ = sigmoid(|g_prev − g|) (g_prev = 0 at t = 1)', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-8, weightDecay: 0.05 };
  const exp = refRun(P0, G, () => ({ m: 0, v: 0, prev: 0 }), (p, g, s, t) => {
    const gd = g + 0.05 * p;
    s.m = 0.8 * s.m + 0.2 * gd; s.v = 0.9 * s.v + 0.1 * gd * gd;
    const xi = 1 / (1 + Math.exp(-Math.abs(s.prev - gd)));
    s.prev = gd;
    return p - 0.01 * Math.sqrt(1 - 0.9 ** t) / (1 - 0.8 ** t) * xi * s.m / (Math.sqrt(s.v) + 1e-8);
  });
  close(await runFixed(O.diffgrad(h), P0, G), exp, { label: 'diffgrad' });
});

backendTest('exadam: cross-moment debiasing d₁, d₂ and g̃', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-3, weightDecay: 0.1 };
  const exp = refRun(P0, G, () => ({ m: 0, v: 0 }), (p, g, s, t) => {
    s.m = 0.8 * s.m + 0.2 * g; s.v = 0.9 * s.v + 0.1 * g * g;
    const d1 = 1 + 0.9 ** t * s.v / (s.v + 1e-3);
    const d2 = 1 + 0.8 ** t * s.m * s.m / (s.m * s.m + 1e-3);
    const mt = s.m * d1 / (1 - 0.8 ** t), vt = s.v * d2 / (1 - 0.9 ** t), gt = g * d1 / (1 - 0.8 ** t);
    return p * (1 - 0.01 * 0.1) - 0.01 * (mt + gt) / (Math.sqrt(vt) + 1e-3);
  });
  close(await runFixed(O.exadam(h), P0, G), exp, { label: 'exadam' });
});

backendTest('spam: spike clipping against the previous v, resets every 2 steps with cosine warm-up', async () => {
  const G6 = gradSeq(4, 6).map((g, t) => (t === 1 ? g.map((x) => x * 20) : g));
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-8, threshold: 2, resetInterval: 2, warmup: 2, weightDecay: 0.1 };
  const exp = refRun(P0, G6, () => ({ m: 0, v: 0 }), (p, g, s, t) => {
    const k = ((t - 1) % 2) + 1;
    if (t > 1 && k === 1) { s.m = 0; s.v = 0; }
    if (s.v > 0 && g * g > 2 * s.v) g = sign(g) * Math.sqrt(2 * s.v);
    const f = t > 2 && k <= 2 ? 0.5 * (1 - Math.cos(Math.PI * k / 2)) : 1;
    s.m = 0.8 * s.m + 0.2 * g; s.v = 0.9 * s.v + 0.1 * g * g;
    return p - 0.01 * f * ((s.m / (1 - 0.8 ** k)) / (Math.sqrt(s.v / (1 - 0.9 ** k)) + 1e-8) + 0.1 * p);
  });
  close(await runFixed(O.spam(h), P0, G6), exp, { label: 'spam' });
});

backendTest('stableSpam: adaptive clipping, norm rescaling, Adam', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-8, gamma1: 0.7, gamma2: 0.9 };
  let M = 0, a = 0, b = 0;
  const st = P0.map(() => ({ m: 0, v: 0 }));
  const p = P0.slice();
  const exp = G.map((g0, k) => {
    const t = k + 1;
    M = 0.7 * M + 0.3 * Math.max(...g0.map(Math.abs));
    const thr = M / (1 - 0.7 ** t);
    const g1 = g0.map((x) => (Math.abs(x) > thr ? sign(x) * thr : x));
    const n = Math.sqrt(g1.reduce((s, x) => s + x * x, 0));
    a = 0.9 * a + 0.1 * n; b = 0.9 * b + 0.1 * n * n;
    const c = (a / (1 - 0.9 ** t)) / ((Math.sqrt(b / (1 - 0.9 ** t)) + 1e-8) * n);
    g1.forEach((x, i) => {
      const g = x * c;
      st[i].m = 0.8 * st[i].m + 0.2 * g; st[i].v = 0.9 * st[i].v + 0.1 * g * g;
      p[i] -= 0.01 * (st[i].m / (1 - 0.8 ** t)) / (Math.sqrt(st[i].v / (1 - 0.9 ** t)) + 1e-8);
    });
    return p.slice();
  });
  close(await runFixed(O.stableSpam(h), P0, G), exp, { label: 'stableSpam' });
});

backendTest('adafactor: vector rule with relative step, update clipping and RMS(θ) scaling', async () => {
  const p = P0.slice();
  const V = [0, 0, 0, 0];
  const exp = G.map((g, k) => {
    const t = k + 1;
    const b2 = 1 - t ** -0.8;
    const U = g.map((x, i) => { V[i] = b2 * V[i] + (1 - b2) * (x * x + 1e-30); return x / Math.sqrt(V[i]); });
    const rmsU = Math.sqrt(U.reduce((s, x) => s + x * x, 0) / 4);
    const Uc = U.map((x) => x / Math.max(1, rmsU));
    const alpha = Math.max(1e-3, Math.sqrt(p.reduce((s, x) => s + x * x, 0) / 4)) * Math.min(1e-2, 1 / Math.sqrt(t));
    for (let i = 0; i < 4; i++) p[i] -= alpha * Uc[i];
    return p.slice();
  });
  close(await runFixed(O.adafactor(), P0, G), exp, { label: 'adafactor vector' });
});

backendTest('adafactor: factored second moments on a 2×2 matrix', async () => {
  const p = P0.slice();
  let R = [0, 0], C = [0, 0];
  const exp = G.map((g, k) => {
    const t = k + 1, b2 = 1 - t ** -0.8;
    const g2 = g.map((x) => x * x + 1e-30);
    R = R.map((r, i) => b2 * r + (1 - b2) * (g2[2 * i] + g2[2 * i + 1]) / 2);
    C = C.map((c, j) => b2 * c + (1 - b2) * (g2[j] + g2[2 + j]) / 2);
    const mR = (R[0] + R[1]) / 2;
    const U = g.map((x, idx) => x / Math.sqrt((R[Math.floor(idx / 2)] / mR) * C[idx % 2]));
    const rmsU = Math.sqrt(U.reduce((s, x) => s + x * x, 0) / 4);
    const alpha = Math.max(1e-3, Math.sqrt(p.reduce((s, x) => s + x * x, 0) / 4)) * Math.min(1e-2, 1 / Math.sqrt(t));
    for (let i = 0; i < 4; i++) p[i] -= alpha * U[i] / Math.max(1, rmsU);
    return p.slice();
  });
  close(await runFixed(O.adafactor(), P0, G, [2, 2]), exp, { label: 'adafactor matrix' });
});

backendTest('lamb and lars: one trust ratio per tensor', async () => {
  const h = { lr: 0.01, b1: 0.8, b2: 0.9, eps: 1e-6, weightDecay: 0.1 };
  const st = P0.map(() => ({ m: 0, v: 0 }));
  let p = P0.slice();
  const exp = G.map((g, k) => {
    const t = k + 1;
    const r = g.map((x, i) => { st[i].m = 0.8 * st[i].m + 0.2 * x; st[i].v = 0.9 * st[i].v + 0.1 * x * x; return (st[i].m / (1 - 0.8 ** t)) / (Math.sqrt(st[i].v / (1 - 0.9 ** t)) + 1e-6) + 0.1 * p[i]; });
    const phi = Math.hypot(...p) / Math.hypot(...r);
    p = p.map((x, i) => x - 0.01 * phi * r[i]);
    return p.slice();
  });
  close(await runFixed(O.lamb(h), P0, G), exp, { label: 'lamb' });
  let q = P0.slice();
  const b = [0, 0, 0, 0];
  const exp2 = G.map((g) => {
    const local = 0.02 * Math.hypot(...q) / (Math.hypot(...g) + 0.1 * Math.hypot(...q));
    q = q.map((x, i) => { b[i] = 0.9 * b[i] + 0.5 * local * (g[i] + 0.1 * x); return x - b[i]; });
    return q.slice();
  });
  close(await runFixed(O.lars({ lr: 0.5, momentum: 0.9, weightDecay: 0.1, trustCoefficient: 0.02 }), P0, G), exp2, { label: 'lars' });
});

backendTest('prodigy: distance estimate d grows from d₀ and scales the Adam step', async () => {
  const d0 = 1e-3, lr = 1, b1 = 0.9, b2 = 0.999, b3 = Math.sqrt(0.999), eps = 1e-8;
  let d = d0, dMax = d0, num = 0;
  const m = [0, 0, 0, 0], v = [0, 0, 0, 0], s = [0, 0, 0, 0];
  const p = P0.slice();
  const exp = G.map((g) => {
    const dlr = d * lr;
    num = num * b3;
    let den = 0;
    for (let i = 0; i < 4; i++) {
      num += (d / d0) * dlr * g[i] * (P0[i] - p[i]);
      m[i] = b1 * m[i] + d * (1 - b1) * g[i];
      v[i] = b2 * v[i] + d * d * (1 - b2) * g[i] * g[i];
      s[i] = b3 * s[i] + (d / d0) * dlr * g[i];
      den += Math.abs(s[i]);
    }
    dMax = Math.max(dMax, num / den);
    const dNew = Math.max(d, dMax);
    for (let i = 0; i < 4; i++) p[i] -= dlr * m[i] / (Math.sqrt(v[i]) + dNew * eps);
    d = dNew;
    return p.slice();
  });
  close(await runFixed(O.prodigy({ d0 }), P0, G), exp, { label: 'prodigy', rtol: 2e-4 });
});

backendTest('schedule-free SGD and AdamW: y = (1−β)z + βx, z and x recursions', async () => {
  for (const adaptive of [false, true]) {
    const lr = 0.1, beta = 0.9, wd = 0.05;
    const z = P0.slice(), x = P0.slice(), v = [0, 0, 0, 0];
    let y = P0.slice(), wsum = 0;
    const exp = G.map((g, k) => {
      const c = (lr * lr) / (wsum += lr * lr);
      for (let i = 0; i < 4; i++) {
        let gh = g[i];
        if (adaptive) { v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i]; gh = g[i] / (Math.sqrt(v[i] / (1 - 0.99 ** (k + 1))) + 1e-8); }
        gh += wd * y[i];
        z[i] -= lr * gh;
        x[i] = (1 - c) * x[i] + c * z[i];
      }
      y = z.map((zi, i) => (1 - beta) * zi + beta * x[i]);
      return y.slice();
    });
    const opt = adaptive ? O.scheduleFreeAdamw({ lr, b1: beta, b2: 0.99, weightDecay: wd }) : O.scheduleFreeSgd({ lr, b1: beta, weightDecay: wd });
    close(await runFixed(opt, P0, G), exp, { label: `scheduleFree adaptive=${adaptive}` });
  }
});

backendTest('frugal: density 1 is Adam (state reset every gap), density 0 is signSGD', async () => {
  const exp = refRun(P0, G, () => ({ m: 0, v: 0, k: 0 }), (p, g, s, t) => {
    if ((t - 1) % 3 === 0) { s.m = 0; s.v = 0; s.k = 0; }
    s.k++;
    s.m = 0.8 * s.m + 0.2 * g; s.v = 0.9 * s.v + 0.1 * g * g;
    return p - 0.01 * (s.m / (1 - 0.8 ** s.k)) / (Math.sqrt(s.v / (1 - 0.9 ** s.k)) + 1e-8);
  });
  close(await runFixed(O.frugal({ lr: 0.01, density: 1, updateGap: 3, b1: 0.8, b2: 0.9 }), P0, G), exp, { label: 'frugal density 1' });
  close(await runFixed(O.frugal({ lr: 0.01, freeLr: 0.03, density: 0 }), P0, G), refRun(P0, G, () => ({}), (p, g) => p - 0.03 * sign(g)), { label: 'frugal density 0' });
});
