#!/usr/bin/python3
"""ptlab against the same model written in PyTorch and NumPy (bench/peers/), side by side.

Each contender runs the default config (configs/paper.toml: d = 2000, m = 20, n1 = 200, n2 = 20,
1000 GD steps per phase, test error every 50 steps) for --seeds seeds, --repeats times; the table
gives the median wall time per run (upstream + transfer + scratch) and each peer's ratio to ptlab.
ptlab runs with dynamics off (the peers do not record them). Needs scripts/install-deps.sh --bench
and a built ptlab (scripts/build.sh).

Usage: bench/compare_peers.py [--seeds 2] [--repeats 3] [--steps 1000] [--csv out.csv]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PTLAB = os.path.join(ROOT, "build", "ptlab")
PEERS = os.path.join(ROOT, "bench", "peers")


def timed(cmd, env=None):
    """Wall seconds of the work: a peer's own in-process timing when it prints one (so Python start-up
    and `import torch`, about 1 s, are not charged to it), else the whole command's."""
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        sys.exit(f"compare_peers: {' '.join(cmd[:3])} failed: {why[-1] if why else 'exit code ' + str(done.returncode)}")
    try:
        text = done.stdout.decode().strip()
        try:
            return float(json.loads(text)["wall_s"])  # ptlab run --format json: the experiment's own time
        except ValueError:
            return float(json.loads(text.splitlines()[-1])["wall_s"])  # a peer's last line
    except (ValueError, KeyError, IndexError, TypeError):
        return wall


def env_threads(n):
    e = dict(os.environ)
    e.update({"OMP_NUM_THREADS": str(n), "OPENBLAS_NUM_THREADS": str(n), "MKL_NUM_THREADS": str(n)})
    return e


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--csv", help="also write the table as CSV")
    a = p.parse_args()
    if a.seeds < 1 or a.repeats < 1 or a.steps < 1:
        p.error("--seeds, --repeats and --steps: expected integers >= 1")
    if a.csv:
        try:
            open(a.csv, "a").close()
        except OSError as e:
            p.error(f"--csv {a.csv}: cannot write ({e.strerror})")
    if not os.access(PTLAB, os.X_OK):
        sys.exit(f"compare_peers: {PTLAB} not found; expected a build (scripts/build.sh)")
    cores = os.cpu_count() or 1
    s, steps = a.seeds, a.steps
    cfg = os.path.join(ROOT, "configs", "paper.toml")
    sets = ["--set", "dynamics.every=0", "--set", f"upstream.steps={steps}", "--set", f"downstream.steps={steps}",
            "--format", "json"]
    reduced = ["--set", "data.sampling=reduced"]
    peer = ["--steps", str(steps)]
    contenders = [
        # (name, threads, runs, command, env)
        ("ptlab span (auto)", 1, s, [PTLAB, "run", cfg, "--seeds", str(s), "--threads", "1"] + sets, None),
        ("ptlab span, reduced sampling", 1, s, [PTLAB, "run", cfg, "--seeds", str(s), "--threads", "1"] + sets + reduced, None),
        ("ptlab dense", 1, s, [PTLAB, "run", cfg, "--seeds", str(s), "--threads", "1", "--set", "run.backend=dense"] + sets, None),
        ("pytorch", 1, s, ["/usr/bin/python3", os.path.join(PEERS, "peer_torch.py"), "--seeds", str(s), "--threads", "1"] + peer, env_threads(1)),
        ("numpy", 1, s, ["/usr/bin/python3", os.path.join(PEERS, "peer_numpy.py"), "--seeds", str(s)] + peer, env_threads(1)),
        (f"ptlab span (auto)", cores, cores * s, [PTLAB, "run", cfg, "--seeds", str(cores * s), "--threads", str(cores)] + sets, None),
        (f"ptlab span, reduced sampling", cores, cores * s,
         [PTLAB, "run", cfg, "--seeds", str(cores * s), "--threads", str(cores)] + sets + reduced, None),
        (f"pytorch (default threads)", cores, s, ["/usr/bin/python3", os.path.join(PEERS, "peer_torch.py"), "--seeds", str(s), "--threads", str(cores)] + peer, None),
    ]
    rows = []
    for name, threads, runs, cmd, env in contenders:
        walls = [timed(cmd, env) / runs for _ in range(a.repeats)]
        rows.append((name, threads, statistics.median(walls), min(walls), max(walls)))
        print(f"  {name:<28} {threads} thread(s): {statistics.median(walls):8.3f} s per run", file=sys.stderr)
    base = {t: w for (n, t, w, _, _) in rows if n == "ptlab span (auto)"}
    base_reduced = {t: w for (n, t, w, _, _) in rows if n == "ptlab span, reduced sampling"}
    print(f"machine: {platform.processor() or platform.machine()}, {cores} cores; {s} seeds x {a.repeats} repeats; "
          f"{steps} GD steps per phase")
    print(f"{'contender':<30}{'threads':>8}{'s per run (median)':>20}{'range':>20}{'x slower than ptlab':>22}"
          f"{'x slower than reduced':>24}")
    out = []
    for name, threads, med, lo, hi in rows:
        ratio = med / base[threads] if threads in base else float("nan")
        ratio_reduced = med / base_reduced[threads] if threads in base_reduced else float("nan")
        print(f"{name:<30}{threads:>8}{med:>20.3f}{f'[{lo:.3f}, {hi:.3f}]':>20}{ratio:>22.1f}{ratio_reduced:>24.1f}")
        out.append({"contender": name, "threads": threads, "median_s_per_run": med, "min": lo, "max": hi,
                    "ratio_to_ptlab": ratio, "ratio_to_reduced": ratio_reduced})
    if a.csv:
        with open(a.csv, "w") as f:
            f.write("contender,threads,median_s_per_run,min,max,ratio_to_ptlab,ratio_to_reduced\n")
            for r in out:
                f.write(f"\"{r['contender']}\",{r['threads']},{r['median_s_per_run']},{r['min']},{r['max']},"
                        f"{r['ratio_to_ptlab']},{r['ratio_to_reduced']}\n")


if __name__ == "__main__":
    main()
