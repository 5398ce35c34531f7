#!/usr/bin/python3
"""How much the NTG confidence interval shrinks with a larger test set, at a fixed number of seeds.

Runs configs/paper.toml (or --config) with reduced sampling (docs/design.md §2.6), which makes a
large test set cheap, for each n_test of --n-test on the same seeds (0 … --seeds−1), and prints the
mean NTG, its 95% CI (Student t over seeds, as `ptlab run` reports it), the CI's half-width relative
to the smallest n_test, and ptlab's in-process time per seed. The test error is evaluated once, at
the end of each phase (run.curve_every = steps), since NTG needs only the final errors.

A seed's NTG varies for two reasons: the seed's draw of training data and initialisation (which a
larger test set does not touch) and the finite test set (variance ~ 1/n_test). The half-width
therefore falls towards the between-seed floor, not to zero.

Usage: bench/ntg_ci.py [--seeds 20] [--n-test 1000,10000,100000] [--threads N] [--config FILE]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PTLAB = os.path.join(ROOT, "build", "ptlab")


def run(config, n_test, seeds, threads):
    cmd = [PTLAB, "run", config, "--seeds", str(seeds), "--threads", str(threads), "--format", "json",
           "--set", "data.sampling=reduced", "--set", f"data.n_test={n_test}", "--set", "dynamics.every=0",
           "--set", "run.curve_every=1000"]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode != 0:
        sys.exit(f"ntg_ci: n_test = {n_test} failed: {done.stderr.decode(errors='replace').strip()[-300:]}")
    return json.loads(done.stdout.decode())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=20)
    p.add_argument("--n-test", default="1000,10000,100000")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--config", default=os.path.join(ROOT, "configs", "paper.toml"))
    a = p.parse_args()
    if a.seeds < 2:
        p.error("--seeds: expected an integer >= 2 (a CI needs two seeds)")
    try:
        sizes = [int(x) for x in a.n_test.split(",") if x]
    except ValueError:
        p.error(f"--n-test {a.n_test}: expected comma-separated integers")
    if not os.access(PTLAB, os.X_OK):
        sys.exit(f"ntg_ci: {PTLAB} not found; expected a build (scripts/build.sh)")
    print(f"{a.seeds} seeds (0..{a.seeds - 1}), reduced sampling, {os.path.relpath(a.config, ROOT)}")
    print("| n_test | NTG mean | 95% CI | half-width | vs first | s per seed (in-process) |")
    print("|---|---|---|---|---|---|")
    first = None
    for n in sizes:
        out = run(a.config, n, a.seeds, a.threads)
        ntg = out["summary"]["metrics"]["ntg"]
        lo, hi = ntg["ci95"]
        half = (hi - lo) / 2
        first = first or half
        per_seed = out["wall_s"] * min(a.threads, a.seeds) / a.seeds
        print(f"| {n} | {ntg['mean']:+.4f} | [{lo:+.4f}, {hi:+.4f}] | {half:.4f} | {half / first:.2f} | {per_seed:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
