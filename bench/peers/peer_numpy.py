#!/usr/bin/python3
"""The theory model of ptlab written the way a researcher would in NumPy (float64, whole-batch
matmuls, hand-written gradient C @ X.T, no Python loop over samples).

One run = upstream GD on task 1 -> filter transfer of floor(alpha*m) filters per class ->
downstream GD with transfer and from scratch on task 2; test error every `curve_every` steps,
as `ptlab run` does. Defaults: configs/paper.toml. Threads: set OPENBLAS_NUM_THREADS before start.
Usage: peer_numpy.py [--seeds N] [--d D] [--n1 N1] [--n2 N2] [--m M] [--steps T]
"""
import argparse
import json
import math
import os
import time

import numpy as np


def make_signals(d, norm_u, norm_v, theta_deg, k):
    u, v = np.zeros(d), np.zeros(d)
    u[0] = norm_u
    if k == 1:
        v[1] = norm_v
    else:
        t = math.radians(theta_deg)
        v[1], v[2] = norm_v * math.cos(t), norm_v * math.sin(t)
    return u, v


def sample(n, d, u, v, sigma_p, rng):
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    xi = sigma_p * rng.standard_normal((n, d))
    for s in (u, v):
        if np.linalg.norm(s) > 0:
            b = s / np.linalg.norm(s)
            xi -= np.outer(xi @ b, b)
    X = np.empty((d, 2 * n))
    X[:, 0::2] = (y[:, None] * (u + v)[None, :]).T
    X[:, 1::2] = xi.T
    return X, y


def forward(W, X, a):
    A = W @ X
    return A, (a @ np.maximum(A, 0.0)).reshape(-1, 2).sum(1)


def error(W, X, y, a):
    _, f = forward(W, X, a)
    margin = y * f
    return float(np.mean((margin < 0) + 0.5 * (margin == 0)))


def train(W0, X, y, Xt, yt, a, steps, eta, curve_every):
    W = W0.copy()
    n = y.size
    for t in range(steps + 1):
        A, f = forward(W, X, a)
        if t % curve_every == 0 or t == steps:
            err = error(W, Xt, yt, a)
        if t == steps:
            break
        g = -y / (1.0 + np.exp(y * f)) / n               # l'(y f) y / n
        C = (a[:, None] * (A > 0)) * np.repeat(g, 2)[None, :]
        W -= eta * (C @ X.T)
    return W, err


def run(seed, p):
    rng = np.random.default_rng(seed)
    a = np.concatenate([np.full(p.m, 1.0 / p.m), np.full(p.m, -1.0 / p.m)])
    u, v1 = make_signals(p.d, p.norm_u, p.norm_v, p.theta, 1)
    _, v2 = make_signals(p.d, p.norm_u, p.norm_v, p.theta, 2)
    X1, y1 = sample(p.n1, p.d, u, v1, p.sigma_p, rng)
    Xt1, yt1 = sample(p.n_test, p.d, u, v1, p.sigma_p, rng)
    W_up, _ = train(p.sigma_0 * rng.standard_normal((2 * p.m, p.d)), X1, y1, Xt1, yt1, a, p.steps, p.eta,
                    p.curve_every)
    X2, y2 = sample(p.n2, p.d, u, v2, p.sigma_p, rng)
    Xt2, yt2 = sample(p.n_test, p.d, u, v2, p.sigma_p, rng)
    fresh = p.sigma_0 * rng.standard_normal((2 * p.m, p.d))
    W0 = fresh.copy()
    k = int(math.floor(p.alpha * p.m + 1e-9))
    for j in range(2):
        rows = j * p.m + rng.permutation(p.m)[:k]
        W0[rows] = W_up[rows]
    _, err_tr = train(W0, X2, y2, Xt2, yt2, a, p.steps, p.eta, p.curve_every)
    _, err_sc = train(fresh, X2, y2, Xt2, yt2, a, p.steps, p.eta, p.curve_every)
    return err_tr - err_sc


def main():
    q = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    q.add_argument("--seeds", type=int, default=1)
    q.add_argument("--d", type=int, default=2000)
    q.add_argument("--n1", type=int, default=200)
    q.add_argument("--n2", type=int, default=20)
    q.add_argument("--m", type=int, default=20)
    q.add_argument("--steps", type=int, default=1000)
    q.add_argument("--n_test", type=int, default=1000)
    q.add_argument("--eta", type=float, default=1.0)
    q.add_argument("--alpha", type=float, default=0.5)
    q.add_argument("--norm_u", type=float, default=1.0)
    q.add_argument("--norm_v", type=float, default=1.0)
    q.add_argument("--theta", type=float, default=90.0)
    q.add_argument("--sigma_p", type=float, default=1.0)
    q.add_argument("--sigma_0", type=float, default=0.01)
    q.add_argument("--curve_every", type=int, default=50)
    p = q.parse_args()
    start = time.perf_counter()
    ntg = [run(s, p) for s in range(p.seeds)]
    wall = time.perf_counter() - start
    print(json.dumps({"peer": "numpy", "version": np.__version__, "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                      "seeds": p.seeds, "wall_s": wall, "wall_per_run_s": wall / p.seeds,
                      "mean_ntg": sum(ntg) / len(ntg)}))


if __name__ == "__main__":
    main()
