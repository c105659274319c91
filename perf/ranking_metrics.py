"""First-call and steady cost of the leaderboard's ranking metrics (ranx, whose metrics numba compiles on first use).

    .venv/bin/python perf/ranking_metrics.py [--users 20000] [--queries 64] [--candidates 406853]

Runs two fresh processes, one after the other, on one empty numba cache directory (`NUMBA_CACHE_DIR`, temporary):
the first compiles ranx's metrics (a fresh environment's first baselines run), the second loads them from the cache
(every later run: by default numba caches beside ranx in the environment). Each times the import of
`baselines.metrics`, then a first and a second call of
- the recommendation metrics: Recall@K and NDCG@K, K in {5, 10, 20, 40}, of `--users` top-40 lists (the sampled
  recommendation test set is 20,000 users);
- the tracing ranks: `realistic_ranks` of `--queries` queries × `--candidates` random scores (a model no better than
  chance: the target's ranking holds about half the candidates; 406,853 is HuggingKG's tracing entities).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KS = (5, 10, 20, 40)


def measure(users: int, queries: int, candidates: int) -> dict[str, float]:
    """Seconds of the import and of two calls of each metric, in this process."""
    started = time.perf_counter()
    from baselines.metrics import ranking_metrics, realistic_ranks

    figures = {"import": time.perf_counter() - started}
    rng = np.random.default_rng(0)
    top = rng.integers(0, 5_000, (users, max(KS)))
    truth_rows = np.repeat(np.arange(users), rng.integers(1, 4, users))
    truth_items = rng.integers(0, 5_000, len(truth_rows))
    scores = rng.random((queries, candidates))
    target = rng.integers(0, candidates, queries)
    filtered = np.zeros(scores.shape, dtype=bool)
    for call in ("first", "second"):
        started = time.perf_counter()
        ranking_metrics(top, truth_rows, truth_items, KS)
        figures[f"recommendation, {call} call"] = time.perf_counter() - started
        started = time.perf_counter()
        realistic_ranks(scores, target, filtered)
        figures[f"tracing, {call} call"] = time.perf_counter() - started
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=64)
    parser.add_argument("--candidates", type=int, default=406_853)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.users, args.queries, args.candidates)))
        return 0
    command = [sys.executable, __file__, "--child", *sys.argv[1:]]
    columns = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for process in ("empty cache (compiles)", "warm cache (loads)"):
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            columns[process] = json.loads(result.stdout.splitlines()[-1])
    print(f"{args.users:,} users × top {max(KS)}; tracing {args.queries} queries × {args.candidates:,} candidates\n")
    print("| seconds | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns))
    for step in next(iter(columns.values())):
        print(f"| {step} | " + " | ".join(f"{figures[step]:.2f}" for figures in columns.values()) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
