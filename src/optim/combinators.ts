/**
 * Combinators over gradient transformations (optax's chain, partition, masked,
 * inject_hyperparams, MultiSteps, apply_if_finite) plus `withSpec` for flat vectors.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor, ParamSpec } from '../tensor/types.js';
import type { GradientTransformation, HyperValue, OptState, Params, Schedule, StateValue, UpdateResult } from './types.js';
import { defineTransformation, defineAsyncTransformation } from './core.js';
import { asRecord, disposeParams, isTensor, likeParams, mapParams, toNamed, fromNamed } from './tree.js';
import { disposeState } from './state.js';
import { readAndDispose } from '../tensor/read.js';

/**
 * Applies transformations in sequence: the updates of one are the "grads" of the next.
 * @example const adamw = chain(scaleByAdam(), addDecayedWeights(1e-2), scaleByLearningRate(1e-3));
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation {
  if (transforms.length === 0) throw new Error('chain: expected at least one transformation, got none.');
  transforms.forEach((t, i) => { if (!t || typeof t.update !== 'function') throw new TypeError(`chain: argument ${i} is not a GradientTransformation (an object with init and update).`); });
  return defineAsyncTransformation({
    name: `chain(${transforms.map((t) => t.name).join(',')})`,
    hyperparams: Object.assign({}, ...transforms.map((t) => t.hyperparams)),
    init: (p) => ({ inner: transforms.map((t) => t.init(p)) }),
    update: async (g, s, p, ctx) => {
      const inner = s.inner as OptState[];
      let u = g;
      const next: OptState[] = [];
      try {
        for (const [i, t] of transforms.entries()) {
          const r = await t.update(u, inner[i], p, ctx);
          if (u !== g) disposeParams(u);   // an intermediate, consumed by this stage
          u = r.updates;
          next.push(r.state);
        }
      } catch (e) {
        if (u !== g) disposeParams(u);
        next.forEach(disposeState);
        throw e;
      }
      return { updates: u, state: { inner: next } };
    },
  });
}

type Labeler = Record<string, string> | ((name: string, p: Tensor) => string);

function labelsOf(params: Record<string, Tensor>, labels: Labeler): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, p] of Object.entries(params)) {
    const l = typeof labels === 'function' ? labels(k, p) : labels[k];
    if (l === undefined) throw new Error(`partition: no label for parameter "${k}"; give every parameter a label (labels record or function).`);
    out[k] = l;
  }
  return out;
}

function pick(rec: Record<string, Tensor>, keys: string[]): Record<string, Tensor> {
  return Object.fromEntries(keys.map((k) => [k, rec[k]]));
}

/**
 * Per-group transformations: each parameter gets a label, each label a transformation
 * (optax multi_transform / partition). Groups see a record of their own parameters.
 * @example partition({ matrix: muon(), vector: adam() }, (name, p) => (p.rank === 2 ? 'matrix' : 'vector'))
 */
export function partition(transforms: Record<string, GradientTransformation>, labels: Labeler): GradientTransformation {
  const groups = (rec: Record<string, Tensor>) => {
    const lab = labelsOf(rec, labels);
    const by: Record<string, string[]> = {};
    for (const [k, l] of Object.entries(lab)) {
      if (!transforms[l]) throw new Error(`partition: label "${l}" (parameter "${k}") has no transformation; known labels: ${Object.keys(transforms).join(', ')}.`);
      (by[l] ??= []).push(k);
    }
    return by;
  };
  return defineAsyncTransformation({
    name: `partition(${Object.entries(transforms).map(([l, t]) => `${l}:${t.name}`).join(',')})`,
    hyperparams: Object.fromEntries(Object.entries(transforms).map(([l, t]) => [l, t.hyperparams])),
    init: (p) => {
      const rec = asRecord(p);
      const inner: Record<string, StateValue> = {};
      for (const [l, keys] of Object.entries(groups(rec))) inner[l] = transforms[l].init(pick(rec, keys));
      return { inner };
    },
    update: async (g, s, p, ctx) => {
      const gr = asRecord(g);
      const pr = p ? asRecord(p) : undefined;
      const inner: Record<string, StateValue> = {};
      const out: Record<string, Tensor> = {};
      // The groups step concurrently, so their host reads (if any) overlap.
      const entries = Object.entries(groups(pr ?? gr));
      const settled = await Promise.allSettled(entries.map(([l, keys]) =>
        transforms[l].update(pick(gr, keys), (s.inner as Record<string, OptState>)[l], pr ? pick(pr, keys) : undefined, ctx)));
      const failed = settled.find((x) => x.status === 'rejected');
      if (failed) {
        for (const x of settled) if (x.status === 'fulfilled') { disposeParams(x.value.updates); disposeState(x.value.state); }
        throw (failed as PromiseRejectedResult).reason;
      }
      entries.forEach(([l], i) => {
        const r = (settled[i] as PromiseFulfilledResult<UpdateResult>).value;
        Object.assign(out, asRecord(r.updates));
        inner[l] = r.state;
      });
      return { updates: likeParams(g, out), state: { inner } };
    },
  });
}

/**
 * Applies `inner` only to the parameters where `mask` is true; the others pass through unchanged
 * (updates = grads there, as in optax masked).
 * @example const opt = masked(addDecayedWeights(1e-2), (name, p) => p.rank > 1);
 */
export function masked(inner: GradientTransformation, mask: Record<string, boolean> | ((name: string, p: Tensor) => boolean)): GradientTransformation {
  const pass = identityLike();
  return partition({ on: inner, off: pass }, (k, p) => ((typeof mask === 'function' ? mask(k, p) : mask[k]) ? 'on' : 'off'));
}

function identityLike(): GradientTransformation {
  return defineTransformation({ name: 'identity', hyperparams: {}, init: () => ({}), update: (g) => ({ updates: g, state: {} }) });
}

/**
 * Makes hyperparameters part of the state so they can be changed during a run:
 * `state.hyperparams.lr = 0.01` before the next update (numbers persist; schedules are
 * re-evaluated each step at the state's count). The factory is rebuilt with the current values.
 * @example const opt = injectHyperparams(adam, { lr: 1e-3 }); let s = opt.init(w); s.hyperparams.lr = 1e-4;
 */
export function injectHyperparams<H extends Record<string, unknown>>(
  factory: (hyper: H) => GradientTransformation,
  hyper: { [K in keyof H]: H[K] | Schedule },
): GradientTransformation {
  const scheduled = Object.entries(hyper).filter(([, v]) => typeof v === 'function') as [string, (c: number) => number][];
  const numeric = (count: number, base: Record<string, unknown>) => {
    const h: Record<string, unknown> = { ...base };
    for (const [k, f] of scheduled) h[k] = f(count);
    return h;
  };
  const probe = factory(numeric(0, hyper) as H);
  return defineAsyncTransformation({
    name: `injectHyperparams(${probe.name})`,
    hyperparams: hyper,
    init: (p) => {
      const hp = numeric(0, hyper);
      const plain = Object.fromEntries(Object.entries(hp).filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')) as Record<string, StateValue>;
      return { count: 0, hyperparams: plain, inner: factory(hp as H).init(p) };
    },
    update: async (g, s, p, ctx) => {
      const count = s.count as number;
      const hp = numeric(count, { ...hyper, ...(s.hyperparams as Record<string, unknown>) });
      const r = await factory(hp as H).update(g, s.inner as OptState, p, ctx);
      const next = numeric(count + 1, hp);
      const plain = Object.fromEntries(Object.entries(next).filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')) as Record<string, StateValue>;
      // The recorded hyperparams are those that will be used by the NEXT update (optax semantics).
      return { updates: r.updates, state: { count: count + 1, hyperparams: plain, inner: r.state } };
    },
  });
}

/**
 * Gradient accumulation (optax MultiSteps): averages `every` consecutive gradients and applies
 * `inner` on the mean once every `every` calls; in between the updates are zero.
 * @example const opt = multiSteps(adam({ lr: 1e-3 }), { every: 4 });   // effective batch ×4
 */
export function multiSteps(inner: GradientTransformation, { every }: { every: number }): GradientTransformation {
  if (!Number.isInteger(every) || every < 1) throw new RangeError(`multiSteps: every must be a positive integer, got ${every}.`);
  return defineAsyncTransformation({
    name: `multiSteps(${inner.name},${every})`,
    hyperparams: { ...inner.hyperparams, every },
    init: (p) => ({ mini: 0, acc: mapParams((x) => tf.zerosLike(x), p) as unknown as StateValue, inner: inner.init(p) }),
    update: async (g, s, p, ctx) => {
      const mini = (s.mini as number) + 1;
      const acc = tf.tidy(() => mapParams((a, x) => tf.add(a, tf.div(x, every)), s.acc as unknown as Params, g) as never) as Params;
      const zeros = () => tf.tidy(() => mapParams((x) => tf.zerosLike(x), g) as never) as Params;
      if (mini < every) {
        return { updates: zeros(), state: { mini, acc: acc as unknown as StateValue, inner: s.inner } };
      }
      let r: UpdateResult;
      try {
        r = await inner.update(acc, s.inner as OptState, p, ctx);
      } finally {
        disposeParams(acc);
      }
      return { updates: r.updates, state: { mini: 0, acc: zeros() as unknown as StateValue, inner: r.state } };
    },
  });
}

/**
 * Skips updates whose gradients contain NaN/±∞ (zero update, inner state kept) and counts them;
 * after `maxConsecutiveErrors` non-finite steps in a row the update is applied anyway (optax).
 * Finiteness is reduced on the device to one flag (tf.isFinite/tf.all over every leaf), read in
 * one tiny transfer: the branch itself stays on the host, because the inner state may hold host
 * values (step counts, 8-bit codes) that must stay unchanged on a skipped step, and the inner step
 * must not feed NaN into a host eigensolver.
 * @example const opt = applyIfFinite(adam(), { maxConsecutiveErrors: 5 });
 */
export function applyIfFinite(inner: GradientTransformation, { maxConsecutiveErrors = Infinity }: { maxConsecutiveErrors?: number } = {}): GradientTransformation {
  return defineAsyncTransformation({
    name: `applyIfFinite(${inner.name})`,
    hyperparams: inner.hyperparams,
    init: (p): OptState => ({ notFinite: 0, totalNotFinite: 0, lastFinite: true, inner: inner.init(p) }),
    update: async (g, s, p, ctx) => {
      const flag = tf.tidy(() => {
        const all = Object.values(asRecord(g)).map((x) => tf.all(tf.isFinite(x)));
        return tf.cast(all.reduce((a, b) => tf.logicalAnd(a, b)), 'float32');
      });
      const [f] = await readAndDispose([flag]);
      const finite = f[0] === 1;
      const nf = finite ? 0 : (s.notFinite as number) + 1;
      const total = (s.totalNotFinite as number) + (finite ? 0 : 1);
      if (finite || nf > maxConsecutiveErrors) {
        const r = await inner.update(g, s.inner as OptState, p, ctx);
        return { updates: r.updates, state: { notFinite: nf, totalNotFinite: total, lastFinite: finite, inner: r.state } };
      }
      const zeros = tf.tidy(() => mapParams((x) => tf.zerosLike(x), g) as never) as Params;
      return { updates: zeros, state: { notFinite: nf, totalNotFinite: total, lastFinite: false, inner: s.inner } };
    },
  });
}

/**
 * Lets a transformation that needs shapes (Muon, SOAP, Shampoo, ...) run on a flat vector w:
 * the flat params/grads are cut into named views with `toNamed(w, spec)`, the inner
 * transformation sees the record, and the updates are flattened back with `fromNamed`.
 * @example train(P, withSpec(P.spec!, muon()), { w0, steps: 100 })
 */
export function withSpec(spec: ParamSpec, inner: GradientTransformation): GradientTransformation {
  const named = (x: Params) => (isTensor(x) ? toNamed(x, spec) : x);
  return defineAsyncTransformation({
    name: inner.name,
    hyperparams: inner.hyperparams,
    init: (p) => inner.init(named(p)),
    update: async (g, s, p, ctx) => {
      const gv = isTensor(g) ? tf.tidy(() => named(g) as never) as Params : g;
      const pv = p && isTensor(p) ? tf.tidy(() => named(p) as never) as Params : p;
      let r: UpdateResult;
      try {
        r = await inner.update(gv, s, pv, ctx);
      } finally {
        if (gv !== g) disposeParams(gv);
        if (pv && pv !== p) disposeParams(pv);
      }
      if (!isTensor(g)) return r;
      const flat = fromNamed(asRecord(r.updates), spec);
      disposeParams(r.updates);
      return { updates: flat, state: r.state };
    },
    evalParams: inner.evalParams ? (s) => { const e = inner.evalParams!(s); return isTensor(e) ? e : fromNamed(e, spec); } : undefined,
  });
}

/**
 * The learning rate the NEXT update of `opt` will use from `state` (NaN when there is no `lr`):
 * injectHyperparams' state value, else the optimizer's `lr` (a schedule is evaluated at the
 * state's step count).
 * @example currentLr(opt, state)   // e.g. 1e-3
 */
export function currentLr(opt: GradientTransformation, state: OptState): number {
  const hp = state?.hyperparams as Record<string, unknown> | undefined;
  if (hp && typeof hp.lr === 'number') return hp.lr;
  const lr = opt.hyperparams.lr as HyperValue | undefined;
  if (typeof lr === 'number') return lr;
  if (typeof lr === 'function') return lr(findCount(state));
  return NaN;
}

function findCount(s: unknown): number {
  if (!s || typeof s !== 'object') return 0;
  const o = s as Record<string, unknown>;
  if (typeof o.count === 'number') return o.count;
  const inner = o.inner;
  if (Array.isArray(inner)) for (const x of inner) { if (x && typeof (x as OptState).count === 'number') return (x as OptState).count as number; }
  return 0;
}
