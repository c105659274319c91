"""Sampled against full ranking on a built warehouse: does the sample's 95% interval hold the full-ranking metric?

    .venv/bin/python perf/sampled_ranking.py --warehouse W.duckdb --snapshot 2025-03-21 [--size 500] [--seeds 10]
        [--benchmarks recommendation tracing]

For each recommender (tracing baseline) and split variant: every test user (test triple) ranked once
(HuggingBench's full ranking), then `--seeds` seeded samples of `--size` of them, each with its interval
(`baselines.sampling.scored`, which the leaderboard runs beyond `recommendation.SAMPLE_USERS` test users and
`tracing.SAMPLE_TRIPLES` test triples). Prints the full value, the samples' values and how many intervals cover the
full value. Sampling rows of the one full ranking gives the same numbers as ranking the sample alone (a user's or a
triple's ranking does not depend on the others), so the full ranking is computed once and the samples cost no
scoring.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from baselines import recommendation, tracing  # noqa: E402
from baselines.data import load_likes, load_lineage  # noqa: E402
from baselines.metrics import rank_metrics  # noqa: E402
from baselines.sampling import sample, scored  # noqa: E402

METRICS = {"recommendation": ("recall@20", "ndcg@20"), "tracing": ("mrr", "hits@10")}
# method → (sorted test queries, run → each query's metrics, in that order)
Evaluations = Iterator[tuple[str, np.ndarray, Callable[[], dict[str, np.ndarray]]]]


def recommendation_runs(con: duckdb.DuckDBPyConnection, snapshot: date, column: str) -> Evaluations:
    likes = load_likes(con, snapshot, column)
    print(f"{column}: {likes.users:,} users, {likes.items:,} items, {likes.train.nnz:,} train likes")
    users = np.unique(likes.test_users)
    ks = recommendation.KS
    for method, fit in recommendation.BASELINES.items():
        yield (
            method,
            users,
            lambda fit=fit: recommendation.per_user_metrics(
                recommendation.top_items(fit(likes), likes, users, max(ks)), users, likes, ks
            ),
        )


def tracing_runs(con: duckdb.DuckDBPyConnection, snapshot: date, column: str) -> Evaluations:
    lineage = load_lineage(con, snapshot, column)
    test = np.flatnonzero(lineage.split == "test")
    print(f"{column}: {len(lineage.entities):,} entities, {len(lineage.head):,} triples, {len(test):,} test triples")
    for method, fit in tracing.BASELINES.items():
        if column == "split_random" or method != "TransE":  # TransE is transductive (as on the leaderboard)
            yield method, test, lambda fit=fit: rank_metrics(tracing.query_ranks(fit(lineage), lineage, test))


RUNS = {"recommendation": recommendation_runs, "tracing": tracing_runs}


def compare(evaluations: Evaluations, metrics: tuple[str, ...], size: int, seeds: int) -> None:
    """Full against sampled metrics for every method of one split variant."""
    for method, queries, run in evaluations:
        started = time.monotonic()
        per_query = run()
        full = scored(per_query, len(queries)).metrics
        seconds = time.monotonic() - started
        covered = dict.fromkeys(metrics, 0)
        values: dict[str, list[float]] = {m: [] for m in metrics}
        for seed in range(seeds):
            # The full ranking's rows of the sample: what ranking the sample alone returns.
            rows = np.searchsorted(queries, sample(queries, size, seed))
            ranked = scored({m: v[rows] for m, v in per_query.items()}, len(queries), seed)
            for metric in metrics:
                low, high = ranked.intervals[metric]
                covered[metric] += low <= full[metric] <= high
                values[metric].append(ranked.metrics[metric])
        for metric in metrics:
            print(
                f"  {method:17s} {metric:10s} full {full[metric]:.4f} ({len(queries):,} queries, {seconds:.1f} s)  "
                f"sampled {np.mean(values[metric]):.4f} ± {np.std(values[metric]):.4f} over {seeds} seeds of "
                f"{size:,}  intervals covering full: {covered[metric]}/{seeds}",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--snapshot", type=date.fromisoformat, required=True)
    parser.add_argument("--size", type=int, default=500, help="users (triples) per sample")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--benchmarks", nargs="+", choices=list(RUNS), default=list(RUNS))
    args = parser.parse_args()
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        for benchmark in args.benchmarks:
            for column in ("split_random", "split_temporal"):
                compare(RUNS[benchmark](con, args.snapshot, column), METRICS[benchmark], args.size, args.seeds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
