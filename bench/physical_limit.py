#!/usr/bin/python3
"""ptlab's paper run against its physical limit: the multiply-adds it must do over this core's GEMM rate.

The multiply-adds of a phase are the span backend's cost model (estimate_cost in
src/ptlab/train/span.cpp) with d replaced by the width of the sampled vectors (3 + N₀ under reduced
sampling, docs/design.md §2.6): set-up D·(K² + 2m·nP + 2m·Kt + K·Kt), T steps of 2m·K² + 2m·nP, and
E = ⌊T / curve_every⌋ + 2 test evaluations of 2m·K·Kt, where K = (P − 1) + n distinct training
patches and Kt = (P − 1) + n_test distinct test patches. The rate is BM_GemmPeak of
build/bench/ptlab_step_bench (Eigen's GEMM on one core, 1024³, 2 flops per multiply-add). The
limit ignores what is not a product (sampling the data, the loss and its gradient), so it is a
lower bound no implementation of the same algorithm can beat. ptlab's time is the phase's own
wall_s in the run record, median over --seeds seeds on one thread.

Usage: bench/physical_limit.py [--seeds 10]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PTLAB = os.path.join(ROOT, "build", "ptlab")
BENCH = os.path.join(ROOT, "build", "bench", "ptlab_step_bench")


def gemm_rate():
    out = subprocess.run([BENCH, "--benchmark_filter=BM_GemmPeak/1024", "--benchmark_format=json",
                          "--benchmark_repetitions=3"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    runs = [b for b in json.loads(out.stdout)["benchmarks"] if b.get("run_type") == "iteration"]
    return statistics.median(b["FLOP/s"] for b in runs)


def macs(D, n, P, n_test, m, T, curve_every):
    rows, K, Kt = 2 * m, (P - 1) + n, (P - 1) + n_test
    E = T // curve_every + 2
    return D * (K * K + rows * n * P + rows * Kt + K * Kt) + T * (rows * K * K + rows * n * P) + E * rows * K * Kt


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=10)
    a = p.parse_args()
    for f in (PTLAB, BENCH):
        if not os.access(f, os.X_OK):
            sys.exit(f"physical_limit: {f} not found; expected a build (scripts/build.sh)")
    cfg = os.path.join(ROOT, "configs", "paper.toml")
    done = subprocess.run([PTLAB, "run", cfg, "--seeds", str(a.seeds), "--threads", "1", "--format", "json",
                           "--set", "data.sampling=reduced", "--set", "dynamics.every=0"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    out = json.loads(done.stdout)
    records = out["records"]
    # configs/paper.toml: d = 2000, m = 20, n1 = 200, n2 = 20, n_test = 1000, shared layout (P = 2),
    # 1000 steps per phase, test error every 50 steps.
    m, n1, n2, n_test, P, T, every = 20, 200, 20, 1000, 2, 1000, 50
    D = 3 + 4 * m + n1 + n2
    phase_macs = {"upstream": macs(D, n1, P, n_test, m, T, every), "transfer": macs(D, n2, P, n_test, m, T, every),
                  "scratch": macs(D, n2, P, n_test, m, T, every)}
    rate = gemm_rate()
    print(f"GEMM rate (Eigen, 1 core, 1024³): {rate / 1e9:.1f} GFLOP/s; {a.seeds} seeds, reduced sampling (D = {D})")
    print("| phase | multiply-adds | limit (s) | ptlab (s, median) | ptlab / limit |")
    print("|---|---|---|---|---|")
    total_limit = 0.0
    for phase, mac in phase_macs.items():
        limit = 2 * mac / rate
        total_limit += limit
        measured = statistics.median(r[phase]["wall_s"] for r in records)
        print(f"| {phase} | {mac / 1e9:.3f} G | {limit:.4f} | {measured:.4f} | {measured / limit:.2f}× |")
    per_run = out["wall_s"] / a.seeds
    print(f"| whole run (in-process, incl. sampling) | {sum(phase_macs.values()) / 1e9:.3f} G | {total_limit:.4f} | "
          f"{per_run:.4f} | {per_run / total_limit:.2f}× |")


if __name__ == "__main__":
    main()
