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
import time

import numpy as np
import torch

from torch_central_flow import Ops, central_step
from torch_lobpcg import Tracker


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
