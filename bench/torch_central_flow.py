"""One GD central-flow step in PyTorch for bench/torch_flows.py (the official code's
discretisation, src/processes.py and src/flows.py of the centralflows repository; see
torch_flows.py for the two arrangements of a substep): the derivatives (functorch), the SDCP in
float64, the Euler substeps.
"""
import math

import numpy as np
import torch
from functorch import grad, grad_and_value, jvp, vmap


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
