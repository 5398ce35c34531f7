#!/usr/bin/python3
"""The theory model of ptlab written the way a researcher would in PyTorch (CPU, float64,
whole-batch matmuls, autograd for the gradient, no Python loop over samples).

One run = upstream GD on task 1 -> filter transfer of floor(alpha*m) filters per class ->
downstream GD with transfer and from scratch on task 2; test error every `curve_every` steps,
as `ptlab run` does. Defaults: configs/paper.toml. Prints one JSON line: wall time and mean NTG.
Usage: peer_torch.py [--seeds N] [--threads T] [--d D] [--n1 N1] [--n2 N2] [--m M] [--steps T]
"""
import argparse
import json
import math
import time

import torch


def make_signals(d, norm_u, norm_v, theta_deg, k):
    u = torch.zeros(d, dtype=torch.float64)
    v = torch.zeros(d, dtype=torch.float64)
    u[0] = norm_u
    if k == 1:
        v[1] = norm_v
    else:
        t = math.radians(theta_deg)
        v[1], v[2] = norm_v * math.cos(t), norm_v * math.sin(t)
    return u, v


def sample(n, d, u, v, sigma_p, gen):
    """x = [y(u+v), xi], xi ~ N(0, sigma_p^2 (I - uu'/|u|^2 - vv'/|v|^2)); X is (d, 2n)."""
    y = torch.where(torch.rand(n, generator=gen, dtype=torch.float64) < 0.5, -1.0, 1.0).to(torch.float64)
    xi = sigma_p * torch.randn(n, d, generator=gen, dtype=torch.float64)
    for s in (u, v):
        if s.norm() > 0:
            b = s / s.norm()
            xi -= (xi @ b)[:, None] * b[None, :]
    signal = y[:, None] * (u + v)[None, :]
    X = torch.stack([signal, xi], dim=1).reshape(2 * n, d).T.contiguous()  # column i*2+p
    return X, y


def outputs(W, X, m):
    A = W @ X
    a = torch.cat([torch.full((m,), 1.0 / m), torch.full((m,), -1.0 / m)]).to(torch.float64)
    return (a[:, None] * torch.relu(A)).sum(0).reshape(-1, 2).sum(1)


def error(W, X, y, m):
    with torch.no_grad():
        f = outputs(W, X, m)
        margin = y * f
        return ((margin < 0).double() + 0.5 * (margin == 0).double()).mean().item()


def train(W0, X, y, Xt, yt, m, steps, eta, curve_every):
    W = W0.clone().requires_grad_(True)
    curve = []
    for t in range(steps + 1):
        f = outputs(W, X, m)
        loss = torch.nn.functional.softplus(-y * f).mean()
        if t % curve_every == 0 or t == steps:
            curve.append((t, loss.item(), error(W, Xt, yt, m)))
        if t == steps:
            break
        loss.backward()
        with torch.no_grad():
            W -= eta * W.grad
            W.grad = None
    return W.detach(), curve


def run(seed, a):
    gen = torch.Generator().manual_seed(seed)
    u, v1 = make_signals(a.d, a.norm_u, a.norm_v, a.theta, 1)
    _, v2 = make_signals(a.d, a.norm_u, a.norm_v, a.theta, 2)
    X1, y1 = sample(a.n1, a.d, u, v1, a.sigma_p, gen)
    Xt1, yt1 = sample(a.n_test, a.d, u, v1, a.sigma_p, gen)
    W_up, _ = train(a.sigma_0 * torch.randn(2 * a.m, a.d, generator=gen, dtype=torch.float64), X1, y1, Xt1, yt1,
                    a.m, a.steps, a.eta, a.curve_every)
    X2, y2 = sample(a.n2, a.d, u, v2, a.sigma_p, gen)
    Xt2, yt2 = sample(a.n_test, a.d, u, v2, a.sigma_p, gen)
    fresh = a.sigma_0 * torch.randn(2 * a.m, a.d, generator=gen, dtype=torch.float64)
    W0 = fresh.clone()
    k = int(math.floor(a.alpha * a.m + 1e-9))
    for j in range(2):
        rows = j * a.m + torch.randperm(a.m, generator=gen)[:k]
        W0[rows] = W_up[rows]
    _, tr = train(W0, X2, y2, Xt2, yt2, a.m, a.steps, a.eta, a.curve_every)
    _, sc = train(fresh, X2, y2, Xt2, yt2, a.m, a.steps, a.eta, a.curve_every)
    return tr[-1][2] - sc[-1][2]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--d", type=int, default=2000)
    p.add_argument("--n1", type=int, default=200)
    p.add_argument("--n2", type=int, default=20)
    p.add_argument("--m", type=int, default=20)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--n_test", type=int, default=1000)
    p.add_argument("--eta", type=float, default=1.0)
    p.add_argument("--alpha", type=float, default=0.5)
    p.add_argument("--norm_u", type=float, default=1.0)
    p.add_argument("--norm_v", type=float, default=1.0)
    p.add_argument("--theta", type=float, default=90.0)
    p.add_argument("--sigma_p", type=float, default=1.0)
    p.add_argument("--sigma_0", type=float, default=0.01)
    p.add_argument("--curve_every", type=int, default=50)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    start = time.perf_counter()
    ntg = [run(s, a) for s in range(a.seeds)]
    wall = time.perf_counter() - start
    print(json.dumps({"peer": "torch", "version": torch.__version__, "threads": a.threads, "seeds": a.seeds,
                      "wall_s": wall, "wall_per_run_s": wall / a.seeds, "mean_ntg": sum(ntg) / len(ntg)}))


if __name__ == "__main__":
    main()
