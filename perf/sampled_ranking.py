"""Sampled against full ranking on a built warehouse: does the sample's 95% interval hold the full-ranking metric?

    .venv/bin/python perf/sampled_ranking.py --warehouse W.duckdb --snapshot 2025-03-21 [--size 500] [--seeds 10]

For each recommender and split variant: every test user ranked once (HuggingBench's full ranking), then `--seeds`
seeded samples of `--size` users, each with its interval (`baselines.recommendation.scored`, which the leaderboard
runs beyond `SAMPLE_USERS`). Prints the full value, the samples' values and how many intervals cover
the full value. Sampling rows of the one full ranking gives the same numbers as ranking the sample alone (a user's
ranking does not depend on the others), so the full ranking is computed once and the samples cost no scoring.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from baselines import recommendation  # noqa: E402
from baselines.data import load_likes  # noqa: E402

METRICS = ("recall@20", "ndcg@20")


def compare(likes: recommendation.Likes, size: int, seeds: int) -> None:
    """Full against sampled metrics for every recommender on one variant's likes."""
    users = np.unique(likes.test_users)
    for method, fit in recommendation.BASELINES.items():
        started = time.monotonic()
        top = recommendation.top_items(fit(likes), likes, users, max(recommendation.KS))
        per_user = recommendation.per_user_metrics(top, users, likes, recommendation.KS)
        full = recommendation.scored(per_user, len(users)).metrics
        seconds = time.monotonic() - started
        covered = dict.fromkeys(METRICS, 0)
        values: dict[str, list[float]] = {m: [] for m in METRICS}
        for seed in range(seeds):
            # The full ranking's rows of the sample: what ranking the sample alone returns.
            rows = np.searchsorted(users, recommendation.sample_users(likes, size, seed))
            ranked = recommendation.scored({m: v[rows] for m, v in per_user.items()}, len(users), seed)
            for metric in METRICS:
                low, high = ranked.intervals[metric]
                covered[metric] += low <= full[metric] <= high
                values[metric].append(ranked.metrics[metric])
        for metric in METRICS:
            print(
                f"  {method:8s} {metric:10s} full {full[metric]:.4f} ({len(users):,} users, {seconds:.1f} s)  "
                f"sampled {np.mean(values[metric]):.4f} ± {np.std(values[metric]):.4f} over {seeds} seeds of "
                f"{size:,}  intervals covering full: {covered[metric]}/{seeds}",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--snapshot", type=date.fromisoformat, required=True)
    parser.add_argument("--size", type=int, default=500, help="users per sample")
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        for column in ("split_random", "split_temporal"):
            likes = load_likes(con, args.snapshot, column)
            print(f"{column}: {likes.users:,} users, {likes.items:,} items, {likes.train.nnz:,} train likes")
            compare(likes, args.size, args.seeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
