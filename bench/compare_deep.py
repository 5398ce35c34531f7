#!/usr/bin/python3
"""Training images/s of ptlab's deep models (LibTorch, build/bench/ptlab_deep_bench) against the
same models in PyTorch-Python (bench/peers/deep_torch.py), same Debian torch version, same
threads, batch size and input size. Median over --repeats runs of --batches timed batches.

Usage: bench/compare_deep.py [--archs resnet8,resnet20,vgg11,vit] [--batches 10] [--repeats 3]
                             [--threads N] [--blas-threads 1|default]
--blas-threads default leaves OPENBLAS_NUM_THREADS unset, as `ptlab deep` and a plain `python3`
run get it (OpenBLAS then uses every core inside each product).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "build", "bench", "ptlab_deep_bench")
PEER = os.path.join(ROOT, "bench", "peers", "deep_torch.py")


def images_per_s(cmd, env):
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        sys.exit(f"compare_deep: {' '.join(cmd[:2])} failed: {why[-1] if why else done.returncode}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])["images_per_s"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--archs", default="resnet8,resnet20,vgg11,vit")
    p.add_argument("--batches", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--blas-threads", default="1", choices=["1", "default"])
    a = p.parse_args()
    if a.batches < 1 or a.repeats < 1:
        p.error("--batches and --repeats: expected integers >= 1")
    if not os.access(BENCH, os.X_OK):
        sys.exit(f"compare_deep: {BENCH} not found; expected a build with LibTorch (scripts/build.sh)")
    threads = a.threads or os.cpu_count()
    # One BLAS thread under torch's own intra-op threads: no oversubscription for either side
    # (or, with --blas-threads default, what each gets without settings).
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    env.pop("OPENBLAS_NUM_THREADS", None)
    if a.blas_threads == "1":
        env["OPENBLAS_NUM_THREADS"] = "1"
    print(f"{'model':<10}{'ptlab img/s':>14}{'PyTorch img/s':>16}{'ptlab / PyTorch':>18}   ({threads} threads, BLAS threads {a.blas_threads}, batch 128, 1x28x28)")
    for arch in [x for x in a.archs.split(",") if x]:
        args = [arch, "--batches", str(a.batches), "--threads", str(threads)]
        ours = statistics.median(images_per_s([BENCH] + args, env) for _ in range(a.repeats))
        peer = statistics.median(images_per_s(["/usr/bin/python3", PEER] + args, env) for _ in range(a.repeats))
        print(f"{arch:<10}{ours:>14.1f}{peer:>16.1f}{ours / peer:>18.2f}")


if __name__ == "__main__":
    main()
