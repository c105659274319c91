"""Scores of a ranking baseline on a seeded sample of its test queries, with a 95% confidence interval.

Full ranking costs test queries × candidates (recommendation: test users × items; tracing: test triples × models),
which grows with the square of the data. Beyond a fixed number of test queries the benchmarks rank a seeded random
sample of them (the same sample on a rerun) and report, per metric, the sample's mean with a 95% interval for the
whole test set's mean (`scored`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

SAMPLE_SEED = 0
# The interval: the sample's queries in this many equal random groups, whose means' spread gives the standard error.
INTERVAL_GROUPS = 20


@dataclass(frozen=True)
class Ranked:
    """Scores of one baseline on its test set: all of it, or (beyond the benchmark's sample size) a sample."""

    metrics: dict[str, float]
    evaluated: int  # test users (nodes, triples) scored
    population: int  # in the whole test set
    intervals: dict[str, tuple[float, float]]  # 95% confidence interval per metric; empty when all were scored

    @property
    def sampled(self) -> bool:
        return self.evaluated < self.population


def sample(population: np.ndarray, size: int, seed: int = SAMPLE_SEED) -> np.ndarray:
    """All of the sorted, distinct `population` if it has at most `size` members, else `size` of them drawn at
    random without replacement (seeded), sorted."""
    if len(population) <= size:
        return population
    return np.sort(np.random.default_rng(seed).choice(population, size=size, replace=False))


def means(per_query: dict[str, np.ndarray], rows: np.ndarray | slice = slice(None)) -> dict[str, float]:
    """Each metric's mean over the queries of `rows` (default: all)."""
    return {metric: float(values[rows].mean()) for metric, values in per_query.items()}


def scored(per_query: dict[str, np.ndarray], population: int, seed: int = SAMPLE_SEED) -> Ranked:
    """Mean metrics of the evaluated queries out of `population` test queries, with a 95% interval when they are a
    sample: the sample split into `INTERVAL_GROUPS` random groups, the groups' means give the standard error
    (Student t, with the finite-population correction for sampling without replacement)."""
    evaluated = len(next(iter(per_query.values())))
    metrics = means(per_query)
    if evaluated == population:
        return Ranked(metrics, population, population, {})
    if evaluated < 2 * INTERVAL_GROUPS:
        raise ValueError(f"a sample of {evaluated} queries is too small for an interval from {INTERVAL_GROUPS} groups")
    # Groups are row sets of the one ranking: the interval costs no extra scoring.
    groups = np.array_split(np.random.default_rng(seed + 1).permutation(evaluated), INTERVAL_GROUPS)
    group_means = [means(per_query, g) for g in groups]
    spread = stats.t.ppf(0.975, len(groups) - 1) * np.sqrt(1 - evaluated / population) / np.sqrt(len(groups))
    intervals = {}
    for metric, value in metrics.items():
        half = spread * float(np.std([m[metric] for m in group_means], ddof=1))
        intervals[metric] = (max(value - half, 0.0), min(value + half, 1.0))
    return Ranked(metrics, evaluated, population, intervals)
