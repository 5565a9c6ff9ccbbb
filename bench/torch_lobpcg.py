"""Warm-started LOBPCG and eigenpair tracking for bench/torch_flows.py, mirroring flowlab's
(src/landscape/solvers/lobpcg.ts, src/landscape/tracker.ts): soft locking, one batch of HVPs of the
active residuals per iteration, relative residual tol 1e-5, the basis in float64 (HVPs in float32);
a conjugate direction that projecting out X shrinks below 1e-3 of its length is dropped (its carried
image cannot represent it); optionally, pairs below a line stop once their value settles.
"""
import time

import torch


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
