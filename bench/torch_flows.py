#!/usr/bin/env python3
"""PyTorch anchor of bench/flows.ts: one GD step and one GD central-flow step, the same model,
data, weights and learning rate as flowlab's side (read from the folder bench/flows.ts writes).

The central-flow step follows the official code's discretisation (Cohen, Damian et al. 2025,
arXiv:2410.24206; centralflows src/processes.py, src/flows.py): 4 Euler substeps; substep 0 re-solves
the tracked eigenpairs of eta*H by a LOBPCG warm-started from the last eigenvectors (soft locking,
one batch of HVPs of the active residuals per iteration, relative residual 1e-5 -- the same solver
flowlab runs); every tracked eigenvalue above `trackThreshold` is followed, plus one more.
Two arrangements of a substep are timed:
  official -- as the official code: grad_and_value; Rayleigh quotients u'Hu of every cached vector by
              forward-over-forward D(f, w, 2, u, u) on substeps 1-3; grad(u_i' H u_j) for each pair of
              critical vectors by forward-over-forward-over-reverse D(f, w, 3, u_i, u_j);
  fused    -- as flowlab now does: one nested jvp(jvp(grad_and_value(f))) per pair gives L, grad,
              H u and grad(u_i' H u_j) together; tracked pairs below trackThreshold are refreshed by
              the next solve only, and in it stop once their value changes by <= 1e-3 per iteration.
In both, a LOBPCG conjugate direction that projecting out X shrinks below 1e-3 of its length is
dropped (its carried image cannot represent it), as in flowlab.
The SDCP is solved in float64 (k = 1 closed form; else its convex QP by accelerated projected
gradient).

Prints one JSON object per thread count on stdout. Needs Debian's python3-torch (1.13, functorch).
Run: /usr/bin/python3 bench/torch_flows.py --data DIR --threads 1 [--steps 3]
"""
import argparse
import json
import math
import time

import numpy as np
import torch
from functorch import grad, grad_and_value, jvp, vmap


def load(folder):
    meta = json.load(open(f"{folder}/meta.json"))
    n = meta["n"]
    x = torch.from_numpy(np.fromfile(f"{folder}/x.bin", dtype=np.float32).reshape(n, -1))
    y = torch.from_numpy(np.fromfile(f"{folder}/y.bin", dtype=np.float32).reshape(n, -1))
    w0 = torch.from_numpy(np.fromfile(f"{folder}/w0.bin", dtype=np.float32))
    return meta, x, y, w0


def make_loss(x, y, widths, act):
    """MSE 0.5*sum_c (f - y)^2 averaged over examples of an MLP whose flat w holds, per layer,
    the kernel [in, out] (row-major, TF.js layout) then the bias."""
    sigma = {"gelu": torch.nn.functional.gelu, "tanh": torch.tanh}[act]
    layers = list(zip(widths[:-1], widths[1:]))

    def f(w):
        h, o = x, 0
        for l, (a, b) in enumerate(layers):
            W = w[o:o + a * b].view(a, b)
            bias = w[o + a * b:o + a * b + b]
            o += a * b + b
            h = torch.addmm(bias, h, W)
            if l < len(layers) - 1:
                h = sigma(h)
        return 0.5 * ((h - y) ** 2).sum(1).mean()
    return f


class Ops:
    """The derivatives, counted: grads, HVPs, Rayleigh quotients, third derivatives, fused passes."""

    def __init__(self, f, lr):
        self.f, self.lr = f, lr
        self.count = {"grad": 0, "hvp": 0, "rayleigh": 0, "d3": 0, "fused": 0, "fused_pairs": 0}
        self._gv = grad_and_value(f)
        self._hvp = vmap(lambda w, v: jvp(grad(f), (w,), (v,))[1], in_dims=(None, 0))
        self._quad = vmap(lambda w, u: jvp(lambda p: jvp(f, (p,), (u,))[1], (w,), (u,))[1], in_dims=(None, 0))
        self._d3 = lambda w, u, v: jvp(lambda p: jvp(grad(f), (p,), (v,))[1], (w,), (u,))[1]
        nested = lambda w, u, v: jvp(lambda p: jvp(self._gv, (p,), (v,)), (w,), (u,))
        self._fused = vmap(nested, in_dims=(None, 0, 0))

    def grad_and_value(self, w):
        self.count["grad"] += 1
        return self._gv(w)

    def matvec(self, V):
        """eta*H V for the rows of V (float64 in and out, HVPs in float32)."""
        self.count["hvp"] += V.shape[0]
        return self.lr * self._hvp(self.w, V.float()).double()

    def rayleigh(self, w, U):
        self.count["rayleigh"] += U.shape[0]
        return self._quad(w, U)

    def d3(self, w, u, v):
        self.count["d3"] += 1
        return self._d3(w, u, v)

    def fused(self, w, Ui, Uj):
        """Per pair q: ((g, L), (H Uj_q, .)), ((H Ui_q, .), (grad(Ui_q' H Uj_q), .))."""
        self.count["fused"] += 1
        self.count["fused_pairs"] += Ui.shape[0]
        return self._fused(w, Ui, Uj)


def orthonormalize(V, against):
    for _ in range(2):
        for B in against:
            if B.shape[0]:
                V = V - (V @ B.T) @ B
    if V.shape[0] == 0:
        return V
    Q, R = torch.linalg.qr(V.T)
    keep = R.diagonal().abs() > 1e-10 * max(1.0, R.diagonal().abs().max().item())
    return Q.T[keep]


def lobpcg(ops, X, k, tol=1e-5, max_iter=200, watch_below=None, watch_tol=1e-3):
    """Top-k eigenpairs of ops.matvec, rows of X as the start block (float64), soft locking; pairs
    below `watch_below` also stop once their value changes by <= watch_tol per iteration."""
    X = orthonormalize(X, [])
    HX = ops.matvec(X)
    P = HP = X[:0]

    def ritz(S, HS, m):
        G = S @ HS.T
        vals, vecs = torch.linalg.eigh(0.5 * (G + G.T))
        C = vecs.flip(1)[:, :m].T
        return vals.flip(0)[:m], C @ S, C @ HS, C

    theta, X, HX, _ = ritz(X, HX, X.shape[0])
    prev = None
    for it in range(max_iter + 1):
        R = HX - theta[:, None] * X
        res = R.norm(dim=1) / torch.clamp(theta.abs(), min=1e-3 * theta.abs().max().item())
        settled = lambda i: watch_below is not None and prev is not None and theta[i] < watch_below and abs(theta[i] - prev[i]) <= watch_tol * abs(theta[i])
        active = [i for i in range(k) if res[i] > tol and not settled(i)]
        if not active or it == max_iter:
            return theta[:k], X[:k], it
        # P orthogonal to X, its image carried along; W = active residuals orthogonal to [X, P]
        if P.shape[0]:  # Gram-Schmidt of P against X and itself, twice, images alongside
            Ps, HPs = [], []
            for p, hp in zip(P, HP):
                r0 = p.norm()
                for _ in range(2):
                    for B, HB in ((X, HX), (torch.stack(Ps) if Ps else X[:0], torch.stack(HPs) if HPs else X[:0])):
                        c = B @ p
                        p, hp = p - c @ B, hp - c @ HB
                r = p.norm()
                if r > 1e-3 * r0 and r > 1e-12:  # else its carried image cannot represent what is left
                    Ps.append(p / r)
                    HPs.append(hp / r)
            P, HP = (torch.stack(Ps), torch.stack(HPs)) if Ps else (X[:0], X[:0])
        W = orthonormalize(R[active], [X, P])
        HW = ops.matvec(W)
        S, HS = torch.cat([X, P, W]), torch.cat([HX, HP, HW])
        prev = theta
        theta, X, HX, C = ritz(S, HS, X.shape[0])
        Cd = C.clone()
        Cd[:, :X.shape[0]] = 0
        P, HP = Cd @ S, Cd @ HS


class Tracker:
    """Every eigenvalue of eta*H above `threshold` plus one more, warm-started, signs aligned."""

    def __init__(self, ops, dim, threshold, seed=0, watch=False):
        self.ops, self.threshold, self.Y = ops, threshold, torch.zeros(0, dim, dtype=torch.float64)
        self.watch = threshold if watch else None  # pairs below the threshold stop on their value (flowlab's rule)
        self.gen = torch.Generator().manual_seed(seed)
        self.wall = 0.0

    def update(self, w):
        t0 = time.perf_counter()
        try:
            return self._update(w)
        finally:
            self.wall += time.perf_counter() - t0

    def _update(self, w):
        self.ops.w = w
        k = max(1, self.Y.shape[0])
        while True:
            start = torch.cat([self.Y, torch.randn(k - self.Y.shape[0], self.Y.shape[1], generator=self.gen, dtype=torch.float64)])
            vals, Y, _ = lobpcg(self.ops, start, k, watch_below=self.watch)
            prev, self.Y = self.Y, Y
            if vals[-1] > self.threshold:
                k += 1
                continue
            if prev.shape[0]:  # each vector takes the sign of its largest overlap with the last ones
                O = Y @ prev.T
                signs = torch.sign(O.gather(1, O.abs().argmax(1, keepdim=True)).squeeze(1))
                self.Y = Y * torch.where(signs == 0, 1.0, signs)[:, None]
            return vals.tolist()


def pairs_of(k):
    return [(i, j) for i in range(k) for j in range(i, k)]


def solve_sdcp(alpha, B, k):
    """0 <= X perp alpha + B[X] >= 0 in float64 (B over all ordered index pairs, (k*k) x (k*k)): for
    symmetric PSD B, the QP min_{X >= 0} 1/2 <X, B[X]> + <alpha, X>; k = 1 in closed form, else by
    accelerated projected gradient (FISTA, projection onto the PSD cone by eigh)."""
    if k == 1:
        return np.array([[max(0.0, -alpha[0, 0] / B[0, 0])]]) if B[0, 0] > 0 else np.zeros((1, 1))
    if np.linalg.eigvalsh(alpha).min() >= 0:
        return np.zeros((k, k))
    Bs = 0.5 * (B + B.T)
    L = max(np.linalg.eigvalsh(Bs).max(), 1e-300)

    def proj(Z):
        Z = 0.5 * (Z + Z.T)
        e, V = np.linalg.eigh(Z)
        return (V * np.maximum(e, 0)) @ V.T

    X = Y = np.zeros((k, k))
    t = 1.0
    for _ in range(20000):
        Xn = proj(Y - (Bs @ Y.ravel() + alpha.ravel()).reshape(k, k) / L)
        tn = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
        Y = Xn + ((t - 1) / tn) * (Xn - X)
        done = np.abs(Xn - X).max() <= 1e-13 * (1 + np.abs(Xn).max())
        X, t = Xn, tn
        if done:
            break
    return X


def central_step(ops, f, tracker, state, lr, threshold, track_threshold, fused, substeps=4):
    """One GD central-flow step (module doc); state = (w, values, Y) with Y the cached eigenvectors."""
    w, values, Y = state
    dt = 1.0 / substeps
    for sub in range(substeps):
        if sub == 0:
            values = tracker.update(w)
            Y = tracker.Y
        U = (math.sqrt(lr) * Y).float()  # P-normalised: U' (I/lr) U = I
        order = sorted(range(len(values)), key=lambda i: -values[i])
        crit = [i for i in order if values[i] > threshold]
        pairs = pairs_of(len(crit))
        if not fused:
            g, _ = ops.grad_and_value(w)
            if sub > 0:
                values = (lr * ops.rayleigh(w, Y.float())).tolist()  # eta*y'Hy = u'Hu for unit y
                order = sorted(range(len(values)), key=lambda i: -values[i])
                crit = [i for i in order if values[i] > threshold]
                pairs = pairs_of(len(crit))
            G = torch.stack([ops.d3(w, U[crit[i]], U[crit[j]]) for i, j in pairs]) if crit else None
        else:
            if sub > 0:
                refresh = [i for i in order if i not in crit and values[i] > track_threshold]
                if refresh:
                    new = ops.rayleigh(w, Y[refresh].float()) * lr
                    for i, v in zip(refresh, new.tolist()):
                        values[i] = v
            if crit:
                Ui = torch.stack([U[crit[i]] for i, _ in pairs])
                Uj = torch.stack([U[crit[j]] for _, j in pairs])
                ((gs, _), (HUj, _)), ((HUi, _), (G, _)) = ops.fused(w, Ui, Uj)
                g = gs[0]
                HU = torch.stack([HUi[pairs.index((i, i))] for i in range(len(crit))])
                rq = (HU * U[crit]).sum(1).tolist()  # Rayleigh quotients of the critical vectors
                if sub > 0:
                    for i, v in zip(crit, rq):
                        values[i] = v
                    # (a direction that crossed the threshold mid-step would need another pass, as in flowlab)
            else:
                g, _ = ops.grad_and_value(w)
        if not crit:
            w = w - dt * lr * g
            continue
        k = len(crit)
        lam = [values[i] for i in crit]
        dwS = -lr * g
        dwX = -0.5 * lr * G
        dHS = (G @ dwS).double().numpy()
        dHX = (G @ dwX.T).double().numpy()
        idx = {p: q for q, p in enumerate(pairs)}
        pi = lambda a, b: idx[(min(a, b), max(a, b))]
        alpha = np.array([[(2 - lam[a] if a == b else 0) - dt * dHS[pi(a, b)] for b in range(k)] for a in range(k)])
        B = np.array([[-dt * dHX[pi(a, b), pi(i, j)] for i in range(k) for j in range(k)] for a in range(k) for b in range(k)])
        X = solve_sdcp(alpha, B, k)
        xw = torch.tensor([X[i, j] * (1 if i == j else 2) for i, j in pairs], dtype=torch.float32)
        w = w + dt * (dwS + xw @ dwX)
    return w, values, Y


def clock(fn):
    """Wall and CPU (process_time: this process, all threads) milliseconds of one call."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - t0), 1000 * (time.process_time() - c0)


def medians(samples):
    mid = lambda xs: sorted(xs)[len(xs) // 2]
    return {"wall_ms": mid([s[0] for s in samples]), "cpu_ms": mid([s[1] for s in samples])}


def timed(fn, reps):
    fn()
    return medians([clock(fn) for _ in range(reps)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=3, help="timed central-flow steps per k (after one untimed cold step)")
    ap.add_argument("--run", type=int, default=0, help="instead: integrate this many central-flow steps (fused) and report the wall time")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    meta, x, y, w0 = load(a.data)
    f = make_loss(x, y, meta["widths"], meta["activation"])
    out = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    if a.run:
        lr = meta["lr"]
        ops = Ops(f, lr)
        tracker = Tracker(ops, w0.numel(), meta["trackThreshold"], watch=True)
        state, t0, c0 = (w0.clone(), [], None), time.perf_counter(), time.process_time()
        for _ in range(a.run):
            state = central_step(ops, f, tracker, state, lr, meta["threshold"], meta["trackThreshold"], True)
        out.update(run_steps=a.run, run_s=time.perf_counter() - t0, run_cpu_s=time.process_time() - c0, loss=f(state[0]).item(), eig_1=max(state[1]), counts=ops.count)
        print(json.dumps(out))
        return
    lr_gd = meta["lrs"][0]
    ops0 = Ops(f, lr_gd)
    out["loss"] = timed(lambda: f(w0), 5)
    out["grad"] = timed(lambda: ops0.grad_and_value(w0), 5)
    out["gd"] = timed(lambda: w0 - lr_gd * ops0.grad_and_value(w0)[0], 5)
    out["k"] = {}
    for k, lr in zip(meta["ks"], meta["lrs"]):
        res = {}
        for variant in ("official", "fused"):
            ops = Ops(f, lr)
            tracker = Tracker(ops, w0.numel(), meta["trackThreshold"], seed=0, watch=variant == "fused")
            args = (lr, meta["threshold"], meta["trackThreshold"], variant == "fused")
            state = [central_step(ops, f, tracker, (w0.clone(), [], None), *args)]
            before, eig0 = dict(ops.count), tracker.wall
            def step():
                state[0] = central_step(ops, f, tracker, state[0], *args)
            samples = [clock(step) for _ in range(a.steps)]
            per = {c: (ops.count[c] - before[c]) / a.steps for c in ops.count}
            res[variant] = {"step": medians(samples), "counts": per, "eig_wall_ms": 1000 * (tracker.wall - eig0) / a.steps, "loss": f(state[0][0]).item(), "eigs": state[0][1]}
        out["k"][str(k)] = res
    print(json.dumps(out))


if __name__ == "__main__":
    main()
