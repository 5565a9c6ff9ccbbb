"""PyTorch anchor for bench/compute.ts (issue 16): the reference MLP of references.md §1 timed in
PyTorch CPU, the way the official central-flows code differentiates it (functorch):

  loss            L(w) = 0.5·Σ(f(w; X) − Y)² / n      f: 3072→256→GELU(erf)→256→GELU→4
  grad            functorch.grad(L)(w)
  hvp             jvp(grad(L), (w,), (v,))             forward-over-reverse
  curvatureGrad   jvp(w ↦ jvp(grad(L), (w,), (v,))[1], (w,), (u,))   forward-over-forward-over-reverse
                  = ∇_w(uᵀH(w)v) (the third derivative is symmetric)
  matMul          1000×3072 · 3072×256, GFLOP/s

w is one flat float32 vector of 853,508 parameters, cut into layers inside L (as flowlab does).
Prints one JSON object per thread count: {"threads": t, "intraOp": i, "matMul": GFLOP/s, "loss": ms, ...}
(medians over --reps runs after one warm-up).

Thread pools: torch.set_num_threads(t) sets PyTorch's intra-op pool only; Debian's torch multiplies
matrices in OpenBLAS, whose own pool is sized once at load from OPENBLAS_NUM_THREADS (default: every
core). So "1 thread" is only one thread when the caller sets OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=1
before Python starts (bench/compute.ts does, one process per configuration). --intra-op overrides
the intra-op pool size (e.g. 1 intra-op thread over a 2-thread OpenBLAS: PyTorch's fastest
configuration for this model on 2 cores).

Run: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_compute.py --threads 1 --reps 5
"""
import argparse
import json
import time

import torch
from functorch import grad, jvp

SIZES = [3072, 256, 256, 4]
N = 1000


def layers():
    """(offset of W, offset of b, fan_in, fan_out) per layer, W stored [in, out] like flowlab."""
    out, off = [], 0
    for i in range(3):
        fi, fo = SIZES[i], SIZES[i + 1]
        out.append((off, off + fi * fo, fi, fo))
        off += fi * fo + fo
    return out, off


def make_loss(X, Y):
    specs, _ = layers()

    def loss(w):
        h = X
        for i, (ow, ob, fi, fo) in enumerate(specs):
            W = w[ow:ow + fi * fo].view(fi, fo)
            h = h @ W + w[ob:ob + fo]
            if i < len(specs) - 1:
                h = torch.nn.functional.gelu(h)  # exact: x·Φ(x) with erf
        return 0.5 * ((h - Y) ** 2).sum() / N

    return loss


def median_ms(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def measure(threads, reps, intra_op=None):
    torch.set_num_threads(intra_op or threads)
    g = torch.Generator().manual_seed(0)
    X = torch.randn(N, SIZES[0], generator=g)
    Y = torch.randn(N, SIZES[-1], generator=g)
    specs, dim = layers()
    parts = []  # PyTorch nn.Linear's default initialisation, as flowlab's model.init
    for (_, _, fi, fo) in specs:
        bound = 1 / fi ** 0.5
        parts += [(torch.rand(fi * fo + fo, generator=g) * 2 - 1) * bound]
    w = torch.cat(parts)
    u = torch.randn(dim, generator=g)
    v = torch.randn(dim, generator=g)
    L = make_loss(X, Y)
    gL = grad(L)
    hvp = lambda w_: jvp(gL, (w_,), (v,))[1]
    cg = lambda: jvp(hvp, (w,), (u,))[1]
    a = torch.randn(1000, 3072, generator=g)
    b = torch.randn(3072, 256, generator=g)
    mm = median_ms(lambda: a @ b, max(reps, 10))
    with torch.no_grad():
        t_loss = median_ms(lambda: L(w), reps)
    return {
        "threads": threads,
        "intraOp": torch.get_num_threads(),
        "dim": dim,
        "matMul": 2 * 1000 * 3072 * 256 / (mm / 1000) / 1e9,
        "loss": t_loss,
        "grad": median_ms(lambda: gL(w), reps),
        "hvp": median_ms(lambda: hvp(w), reps),
        "curvatureGrad": median_ms(cg, reps),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", default="1,2")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--intra-op", type=int, default=None, help="PyTorch intra-op threads (default: --threads)")
    args = p.parse_args()
    torch.manual_seed(0)
    for t in [int(s) for s in args.threads.split(",")]:
        print(json.dumps({"torch": torch.__version__, **measure(t, args.reps, args.intra_op)}), flush=True)


if __name__ == "__main__":
    main()
