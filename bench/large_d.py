#!/usr/bin/python3
"""ptlab with reduced sampling (dynamics off, as the peers) against the PyTorch and NumPy peers at large patch dimension d.

Per run (upstream + transfer + scratch, configs/paper.toml otherwise, 1000 GD steps per phase, one
thread each): ptlab's median of --repeats runs of --seeds seeds at each d; a peer's time at d is
fitted as a + b·T from two short runs (T = --short and 5·--short steps per phase) and extrapolated
to T = 1000, because a full peer run at d = 10⁵ takes minutes. The table says which numbers are
extrapolated. Needs scripts/install-deps.sh --bench and a built ptlab.

Usage: bench/large_d.py [--d 1000,10000,100000] [--ptlab-only 1000000,10000000] [--seeds 2] [--repeats 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PTLAB = os.path.join(ROOT, "build", "ptlab")
PEERS = os.path.join(ROOT, "bench", "peers")
ONE_THREAD = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")


def wall(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ONE_THREAD)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"large_d: {' '.join(cmd[:4])} failed: {done.stderr.decode(errors='replace').strip()[-300:]}")
    try:
        text = done.stdout.decode().strip()
        try:
            return float(json.loads(text)["wall_s"])  # ptlab run --format json: the experiment's own time
        except ValueError:
            return float(json.loads(text.splitlines()[-1])["wall_s"])  # a peer's last line
    except (ValueError, KeyError, IndexError, TypeError):
        return elapsed


def ptlab_per_run(d, sampling, seeds, repeats):
    cmd = [PTLAB, "run", os.path.join(ROOT, "configs", "paper.toml"), "--seeds", str(seeds), "--threads", "1",
           "--set", f"data.d={d}", "--set", f"data.sampling={sampling}", "--set", "run.curve_every=50", "--set", "dynamics.every=0", "--format", "json"]
    return statistics.median(wall(cmd) for _ in range(repeats)) / seeds


def peer_per_run(script, d, short):
    times = []
    threads = ["--threads", "1"] if script == "peer_torch.py" else []  # NumPy: OPENBLAS_NUM_THREADS=1
    for steps in (short, 5 * short):
        times.append(wall(["/usr/bin/python3", os.path.join(PEERS, script), "--seeds", "1", *threads,
                           "--d", str(d), "--steps", str(steps)]))
    b = (times[1] - times[0]) / (4 * short)
    a = times[0] - b * short
    return a + b * 1000, times


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--d", default="1000,10000,100000")
    p.add_argument("--ptlab-only", default="2000,1000000,10000000")
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--short", type=int, default=20, help="steps per phase of the shorter peer run")
    args = p.parse_args()
    print("| d | ptlab direct s/run | ptlab reduced s/run | PyTorch s/run | NumPy s/run | PyTorch / reduced |")
    print("|---|---|---|---|---|---|")
    for d in [int(x) for x in args.d.split(",") if x]:
        direct = ptlab_per_run(d, "direct", args.seeds, args.repeats if d < 50000 else 1)
        reduced = ptlab_per_run(d, "reduced", args.seeds, args.repeats)
        torch, _ = peer_per_run("peer_torch.py", d, args.short)
        numpy, _ = peer_per_run("peer_numpy.py", d, args.short)
        print(f"| {d} | {direct:.3f} | {reduced:.3f} | {torch:.1f} (extrapolated) | {numpy:.1f} (extrapolated) | "
              f"{torch / reduced:.0f}× |", flush=True)
    for d in [int(x) for x in args.ptlab_only.split(",") if x]:
        reduced = ptlab_per_run(d, "reduced", args.seeds, args.repeats)
        print(f"| {d} | — | {reduced:.3f} | — | — | — |", flush=True)


if __name__ == "__main__":
    main()
