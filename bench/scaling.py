#!/usr/bin/python3
"""Scaling curves: time per run against d, n1 and m for ptlab (span and dense backends) and the
PyTorch and NumPy peers, with the multiply-adds of each backend's cost model (train/span.hpp) and
the achieved GFLOP/s. One thread each, one seed, --steps GD steps per phase (default 200, so the
peers finish at the large sizes); other settings as configs/paper.toml.

Writes bench/out/scaling.csv and, with gnuplot, bench/out/scaling-{d,n1,m}.png.
Usage: bench/scaling.py [--steps 200] [--repeats 1] [--peers torch,numpy] [--out bench/out]
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PTLAB = os.path.join(ROOT, "build", "ptlab")
PEERS = os.path.join(ROOT, "bench", "peers")
BASE = {"d": 2000, "n1": 200, "m": 20}
AXES = {"d": [500, 1000, 2000, 4000, 8000], "n1": [50, 100, 200, 400, 800], "m": [5, 10, 20, 40, 80]}
N2, N_TEST, CURVE_EVERY = 20, 1000, 50


def cost(d, n, m, steps, P=2, nt=N_TEST, every=CURVE_EVERY):
    """Multiply-adds of one phase (train::estimate_cost)."""
    rows, E = 2.0 * m, math.floor(steps / every) + 2
    K, Kt = (P - 1) + n, (P - 1) + nt
    dense = steps * 2 * rows * d * n * P + E * rows * d * nt * P
    span = d * (K * K + rows * n * P + rows * Kt + K * Kt) + steps * (rows * K * K + rows * n * P) + E * rows * K * Kt
    return dense, span


def run_cost(d, n1, m, steps):
    up, down = cost(d, n1, m, steps), cost(d, N2, m, steps)
    return up[0] + 2 * down[0], up[1] + 2 * down[1]


def timed(cmd, repeats):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        if done.returncode != 0:
            why = done.stderr.decode(errors="replace").strip().splitlines()
            sys.exit(f"scaling: {os.path.basename(cmd[0 if cmd[0] != '/usr/bin/python3' else 1])} failed: "
                     f"{why[-1] if why else 'exit code ' + str(done.returncode)}")
        wall = time.perf_counter() - start
        try:  # a peer's in-process time, without Python start-up and imports
            wall = float(json.loads(done.stdout.decode().strip().splitlines()[-1])["wall_s"])
        except (ValueError, KeyError, IndexError):
            pass
        walls.append(wall)
    return statistics.median(walls)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--peers", default="torch,numpy")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    a = p.parse_args()
    if a.steps < 1 or a.repeats < 1:
        p.error("--steps and --repeats: expected integers >= 1")
    peers = [x for x in a.peers.split(",") if x]
    for peer in peers:
        if peer not in ("torch", "numpy"):
            p.error(f"--peers {peer}: expected torch and/or numpy, comma-separated (or empty)")
    if not os.access(PTLAB, os.X_OK):
        sys.exit(f"scaling: {PTLAB} not found; expected a build (scripts/build.sh)")
    try:
        os.makedirs(a.out, exist_ok=True)
    except OSError as e:
        p.error(f"--out {a.out}: cannot create the directory ({e.strerror})")
    rows = []
    for axis, values in AXES.items():
        for v in values:
            size = dict(BASE, **{axis: v})
            d, n1, m = size["d"], size["n1"], size["m"]
            dense_madds, span_madds = run_cost(d, n1, m, a.steps)
            sets = ["--set", f"data.d={d}", "--set", f"upstream.n={n1}", "--set", f"model.m={m}",
                    "--set", f"upstream.steps={a.steps}", "--set", f"downstream.steps={a.steps}",
                    "--set", "dynamics.every=0", "--seeds", "1", "--threads", "1", "--format", "csv"]
            cfg = os.path.join(ROOT, "configs", "paper.toml")
            contenders = [("ptlab span", span_madds, [PTLAB, "run", cfg, "--set", "run.backend=span"] + sets),
                          ("ptlab dense", dense_madds, [PTLAB, "run", cfg, "--set", "run.backend=dense"] + sets)]
            peer_args = ["--seeds", "1", "--d", str(d), "--n1", str(n1), "--m", str(m), "--steps", str(a.steps)]
            for peer in peers:
                extra = ["--threads", "1"] if peer == "torch" else []
                contenders.append((peer, dense_madds,
                                   ["/usr/bin/python3", os.path.join(PEERS, f"peer_{peer}.py")] + peer_args + extra))
            for name, madds, cmd in contenders:
                wall = timed(cmd, a.repeats)
                gflops = 2 * madds / wall / 1e9
                rows.append((axis, v, name, wall, madds, gflops))
                print(f"{axis}={v:<6} {name:<12} {wall:8.3f} s  {2 * madds / 1e9:8.2f} GFLOP  {gflops:6.1f} GFLOP/s",
                      file=sys.stderr)
    csv = os.path.join(a.out, "scaling.csv")
    with open(csv, "w") as f:
        f.write("axis,value,contender,s_per_run,madds_per_run,gflop_per_s\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")
    for axis in AXES:
        dat = os.path.join(a.out, f"scaling-{axis}.dat")
        names = [n for n in dict.fromkeys(r[2] for r in rows)]
        with open(dat, "w") as f:
            for n in names:
                f.write(f"# {n}\n")
                for r in rows:
                    if r[0] == axis and r[2] == n:
                        f.write(f"{r[1]} {r[3]}\n")
                f.write("\n\n")
        plots = ", ".join(f'"{dat}" index {i} using 1:2 with linespoints lw 2 title "{n}"' for i, n in enumerate(names))
        script = (f'set terminal pngcairo size 1000,700 font "Helvetica,16"\nset output "{os.path.join(a.out, f"scaling-{axis}.png")}"\n'
                  f'set logscale xy\nset grid\nset key top left\nset xlabel "{axis} (others as paper.toml)"\n'
                  f'set ylabel "seconds per run (1 thread, {a.steps} steps per phase)"\nplot {plots}\n')
        subprocess.run(["gnuplot"], input=script.encode(), check=False)
    print(csv)


if __name__ == "__main__":
    main()
