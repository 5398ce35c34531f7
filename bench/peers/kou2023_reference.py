#!/usr/bin/python3
"""Timing stand-in for the heatmap script of Kou, Chen, Chen & Gu (2023), "Benign Overfitting in
Two-layer ReLU Convolutional Neural Networks" (arXiv 2303.04145).

This is a re-implementation written for ptlab, not the authors' code. It copies the *style* of
their public heatmap script (a Python loop that builds one sample at a time, a torch.nn.Conv1d
model, torch.optim.SGD, one training per repeat per cell) so that the wall time of that style can
be measured on this machine and set beside ptlab. It is for timing only; its numbers are not meant
to match the paper's figure.

What the reference script does, and what this file does the same way:
  * Model: torch.nn.Conv1d(1, 2m, kernel_size=d, stride=d), PyTorch's default initialisation and
    default bias=True (the script's normal(0, 0.01) init helper is commented out for the heatmap),
    applied to an input of length 2d (two patches of dimension d); ReLU; torch.mean over the two
    patches; logits = stack([sum of channels 0..m-1, sum of channels m..2m-1]) of shape (batch, 2).
    m = 10.
  * Loss torch.nn.CrossEntropyLoss, labels in {0, 1} (label -1 becomes 0).
    torch.optim.SGD(lr=0.1, momentum=0, weight_decay=0), full batch, 100 steps. float32 (the data
    are built as float64 tensors, then .float()).
  * Data, one sample at a time in a Python loop: y = np.random.choice([-1, 1]);
    xi = np.random.normal(0, 1, size=d) (the noise is not projected off the signal);
    x = stack([mu_vec * y, xi]) with mu_vec = bmu * e_1; the two patches put in a random order with
    torch.randperm(2); flatten to length 2d; then the label is flipped with probability 0.1:
    y = np.random.choice([-1, 1], p=[0.1, 0.9]) * y. n = 20 training and 1000 test samples are drawn
    together (1020 samples) and then split.
  * Test error = 1 - accuracy of argmax(logits) against the (noisy) test labels.
  * Heatmap: bmu = 0.1 s for s in 0..99, d = 100 + 10 t for t in 0..99, 10 repeats per cell,
    cell value = mean test error over the repeats: 100 x 100 x 10 = 100,000 trainings.

This script runs K of the 10,000 cells, spread over the grid: t goes evenly from 0 to 99 (cost
grows with d) and s runs the other way, from 99 down to 0, so the corners (bmu=9.9, d=100) and
(bmu=0, d=1090) are among the cells whenever K >= 2. After the imports and one untimed warm-up
training, each cell is timed in-process (data + model + training + evaluation for all repeats). It prints one JSON line per cell,
  {"s", "t", "bmu", "d", "test_error", "wall_s"},
then one summary line
  {"cells", "repeats", "threads", "vectorised", "mean_cell_s", "fit": {"a", "b"},
   "extrapolated_heatmap_s", ...}.
The extrapolation fits wall_s = a + b d by least squares over the measured cells, rescales it from
--repeats to the heatmap's 10 repeats, and sums the fit over the 100 d values x 100 signal values.

--vectorised keeps the model, training and evaluation, but draws each repeat's 1020 samples with a
few batched torch calls (no per-sample Python loop), to show how much of the time the loop is.

Usage:
  /usr/bin/python3 bench/peers/kou2023_reference.py --cells K [--repeats 10] [--threads 1]
                                                   [--seed 0] [--vectorised]
"""
import argparse
import json
import time

import numpy as np
import torch

M = 10
N_TRAIN = 20
N_TEST = 1000
LR = 0.1
EPOCHS = 100
FLIP_P = 0.1
HEATMAP_REPEATS = 10
S_VALUES = list(range(100))   # bmu = 0.1 * s
T_VALUES = list(range(100))   # d = 100 + 10 * t


def bmu_of(s):
    return 0.1 * s


def d_of(t):
    return 100 + 10 * t


class TwoLayerCNN(torch.nn.Module):
    """Conv1d over two patches, ReLU, mean over patches, fixed +/- second layer as two sums."""

    def __init__(self, d, m):
        super().__init__()
        self.m = m
        self.conv = torch.nn.Conv1d(1, 2 * m, kernel_size=d, stride=d)  # default init, bias=True

    def forward(self, x):                         # x: (batch, 1, 2d)
        h = torch.relu(self.conv(x))              # (batch, 2m, 2)
        h = torch.mean(h, dim=2)                  # (batch, 2m)
        pos = torch.sum(h[:, : self.m], dim=1)
        neg = torch.sum(h[:, self.m:], dim=1)
        return torch.stack([pos, neg], dim=1)     # (batch, 2)


def draw_loop(n, d, bmu):
    """The reference style: one sample per Python iteration."""
    mu_vec = np.zeros(d)
    mu_vec[0] = bmu
    xs, ys = [], []
    for _ in range(n):
        y = np.random.choice([-1, 1])
        xi = np.random.normal(0, 1, size=d)
        x = torch.stack([torch.tensor(mu_vec * y), torch.tensor(xi)])   # (2, d) float64
        x = x[torch.randperm(2)]
        x = x.flatten()
        y = np.random.choice([-1, 1], p=[FLIP_P, 1 - FLIP_P]) * y
        xs.append(x)
        ys.append(y)
    X = torch.stack(xs).float()
    Y = torch.tensor(np.array(ys))
    Y = torch.where(Y == -1, 0, Y).long()
    return X, Y


def draw_batched(n, d, bmu):
    """Same distribution, drawn for all n samples at once."""
    y = torch.where(torch.rand(n) < 0.5, -1.0, 1.0).double()
    xi = torch.randn(n, d, dtype=torch.float64)
    sig = torch.zeros(n, d, dtype=torch.float64)
    sig[:, 0] = bmu * y
    x = torch.stack([sig, xi], dim=1)                          # (n, 2, d)
    swap = torch.rand(n) < 0.5
    x = torch.where(swap[:, None, None], x.flip(1), x)
    X = x.reshape(n, 2 * d).float()
    flip = torch.rand(n) < FLIP_P
    y = torch.where(flip, -y, y)
    Y = (y > 0).long()
    return X, Y


def one_repeat(d, bmu, vectorised):
    draw = draw_batched if vectorised else draw_loop
    X, Y = draw(N_TRAIN + N_TEST, d, bmu)
    X = X.unsqueeze(1)                                         # (N, 1, 2d)
    Xtr, Ytr = X[:N_TRAIN], Y[:N_TRAIN]
    Xte, Yte = X[N_TRAIN:], Y[N_TRAIN:]

    model = TwoLayerCNN(d, M)
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0, weight_decay=0)
    for _ in range(EPOCHS):
        opt.zero_grad()
        loss = loss_fn(model(Xtr), Ytr)
        loss.backward()
        opt.step()

    with torch.no_grad():
        pred = torch.argmax(model(Xte), dim=1)
        acc = (pred == Yte).float().mean().item()
    return 1.0 - acc


def spread(k):
    """K (s, t) cells: t evenly over 0..99, s from 99 down to 0."""
    if k == 1:
        return [(50, 50)]
    out = []
    for i in range(k):
        t = int(round(i * 99 / (k - 1)))
        out.append((99 - t, t))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cells", type=int, required=True)
    ap.add_argument("--repeats", type=int, default=HEATMAP_REPEATS)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vectorised", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    one_repeat(d_of(0), 1.0, args.vectorised)   # untimed warm-up (first-call allocations)

    times, ds = [], []
    for s, t in spread(args.cells):
        bmu, d = bmu_of(s), d_of(t)
        cell_seed = args.seed * 100003 + s * 100 + t
        np.random.seed(cell_seed)
        torch.manual_seed(cell_seed)
        t0 = time.perf_counter()
        errs = [one_repeat(d, bmu, args.vectorised) for _ in range(args.repeats)]
        wall = time.perf_counter() - t0
        times.append(wall)
        ds.append(d)
        print(json.dumps({"s": s, "t": t, "bmu": round(bmu, 4), "d": d,
                          "test_error": float(np.mean(errs)), "wall_s": round(wall, 4)}),
              flush=True)

    ds_a, tm_a = np.array(ds, dtype=float), np.array(times)
    if len(set(ds)) >= 2:
        A = np.stack([np.ones_like(ds_a), ds_a], axis=1)
        a, b = np.linalg.lstsq(A, tm_a, rcond=None)[0]
    else:
        a, b = float(tm_a.mean()), 0.0
    scale = HEATMAP_REPEATS / args.repeats
    all_d = np.array([d_of(t) for t in T_VALUES], dtype=float)
    heatmap_s = float(len(S_VALUES) * np.sum(a + b * all_d) * scale)
    print(json.dumps({"cells": args.cells, "repeats": args.repeats, "threads": args.threads,
                      "vectorised": args.vectorised,
                      "mean_cell_s": round(float(tm_a.mean()), 4),
                      "fit": {"a": float(a), "b": float(b)},
                      "heatmap_repeats": HEATMAP_REPEATS,
                      "extrapolated_heatmap_s": round(heatmap_s, 1),
                      "extrapolated_heatmap_h": round(heatmap_s / 3600, 2)}), flush=True)


if __name__ == "__main__":
    main()
