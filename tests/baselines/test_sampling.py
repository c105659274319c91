"""Recommendation and tracing on a large test set rank a seeded sample of test users (triples); their scores carry a
95% interval that holds the full-ranking score."""

from datetime import UTC, date, datetime

import duckdb
import numpy as np
import pytest

from assets.baselines import _scores
from baselines import tracing
from baselines.leaderboard import Run, markdown, record
from baselines.metrics import rank_metrics
from baselines.recommendation import BASELINES, Likes, evaluate, rank_test_users
from baselines.sampling import means, sample, scored

pytestmark = pytest.mark.fast


def tasteful_likes(users: int = 4000, items: int = 300, seed: int = 1) -> Likes:
    """Users and items in 12 topics; 80% of a user's 12 likes go to its topic's items, popular ones first, so the
    baselines score well above zero and differ from user to user. One like per user is held out for test."""
    rng = np.random.default_rng(seed)
    item_topic = rng.integers(0, 12, items)
    popularity = rng.zipf(1.5, items).astype(float)
    user, item = [], []
    for u in range(users):
        topic = rng.integers(0, 12)
        weights = popularity * np.where(item_topic == topic, 4.0, 1.0 / 4)
        liked = rng.choice(items, size=12, replace=False, p=weights / weights.sum())
        user += [u] * len(liked)
        item += list(liked)
    split = np.where(np.arange(len(user)) % 12 == 0, "test", "train")
    return Likes.from_arrays(np.array(user), np.array(item), split)


@pytest.fixture(scope="module")
def likes() -> Likes:
    return tasteful_likes()


@pytest.mark.parametrize("method", list(BASELINES))
def test_sampled_scores_hold_the_full_ranking_score_in_their_interval(likes: Likes, method: str) -> None:
    scorer = BASELINES[method](likes)
    full = evaluate(scorer, likes)
    sampled = rank_test_users(scorer, likes, size=800, seed=3)
    assert (sampled.evaluated, sampled.population, sampled.sampled) == (800, 4000, True)
    for metric in ("recall@20", "ndcg@20", "recall@5", "ndcg@40"):
        low, high = sampled.intervals[metric]
        assert 0 < high - low < 0.2, (metric, low, high)  # a real interval, not a degenerate or vacuous one
        assert low <= full[metric] <= high, (method, metric, full[metric], sampled.intervals[metric])
    # The same seed draws the same users: a rerun publishes the same scores.
    assert rank_test_users(scorer, likes, size=800, seed=3) == sampled


def test_intervals_cover_the_full_score_about_95_percent_of_the_time(likes: Likes) -> None:
    scorer = BASELINES["ItemKNN"](likes)
    full = evaluate(scorer, likes)["recall@20"]
    covered = [
        low <= full <= high
        for low, high in (rank_test_users(scorer, likes, size=400, seed=s).intervals["recall@20"] for s in range(40))
    ]
    assert sum(covered) >= 34  # 95% of 40 is 38; a binomial 5th percentile is about 36


def test_a_test_set_within_the_sample_size_is_ranked_in_full(likes: Likes) -> None:
    scorer = BASELINES["MostPop"](likes)
    ranked = rank_test_users(scorer, likes, size=4000)
    assert not ranked.sampled and ranked.intervals == {}
    assert ranked.metrics == evaluate(scorer, likes)


def test_a_sample_too_small_for_its_interval_is_refused(likes: Likes) -> None:
    with pytest.raises(ValueError, match="too small for an interval"):
        rank_test_users(BASELINES["MostPop"](likes), likes, size=39)


def noisy_lineage(bases: int = 600, derived: int = 5, seed: int = 2) -> tracing.Lineage:
    """`bases` base models with `derived` derivatives each; a derivative's name keeps its base's name half the time
    and is a made-up one otherwise, and creation times are noisy, so the heuristic's ranks vary from triple to triple.
    Two thirds of the triples are test triples."""
    rng = np.random.default_rng(seed)
    words = ["llama", "mistral", "bert", "gpt", "qwen", "phi", "gemma", "t5", "falcon", "opt"]
    base_names = [f"org{b % 50}/{words[b % 10]}-{b // 10}" for b in range(bases)]
    derived_names = [
        f"user{rng.integers(0, 300)}/"
        + (base_names[b].split("/")[1] if rng.random() < 0.5 else f"{words[rng.integers(0, 10)]}-{rng.integers(0, 99)}")
        + f"-ft{k}"
        for b in range(bases)
        for k in range(derived)
    ]
    head = np.repeat(np.arange(bases), derived)
    tail = np.arange(bases, bases * (derived + 1))
    created = np.r_[rng.normal(0, 1, bases), rng.normal(0.5, 1, bases * derived)]
    split = np.where(np.arange(len(tail)) % 3 == 0, "train", "test").astype(object)
    zero = np.zeros(len(tail), dtype=np.int64)
    return tracing.Lineage(base_names + derived_names, created, head, zero, tail, split, 1)


@pytest.fixture(scope="module")
def lineage() -> tracing.Lineage:
    return noisy_lineage()


def test_sampled_tracing_scores_hold_the_full_ranking_score_in_their_interval(lineage: tracing.Lineage) -> None:
    scorer = tracing.metadata_heuristic(lineage)
    population = int((lineage.split == "test").sum())
    full = tracing.rank_test_triples(scorer, lineage, size=population)
    assert not full.sampled and full.metrics == tracing.evaluate(scorer, lineage)
    sampled = tracing.rank_test_triples(scorer, lineage, size=500, seed=4)
    assert (sampled.evaluated, sampled.population, sampled.sampled) == (500, population, True)
    for metric in ("mrr", "hits@1", "hits@3", "hits@10"):
        low, high = sampled.intervals[metric]
        assert 0 < high - low < 0.2, (metric, low, high)  # a real interval, not a degenerate or vacuous one
        assert low <= full.metrics[metric] <= high, (metric, full.metrics[metric], (low, high))
    assert tracing.rank_test_triples(scorer, lineage, size=500, seed=4) == sampled


def test_tracing_intervals_cover_the_full_score_about_95_percent_of_the_time(lineage: tracing.Lineage) -> None:
    """The sample's ranks are rows of the full ranking (a triple's rank does not depend on the others), so 40 samples
    cost one ranking."""
    test = np.flatnonzero(lineage.split == "test")
    per_triple = rank_metrics(tracing.query_ranks(tracing.metadata_heuristic(lineage), lineage, test))
    full = means(per_triple)["mrr"]
    covered = []
    for seed in range(40):
        rows = np.searchsorted(test, sample(test, 400, seed))
        low, high = scored({m: v[rows] for m, v in per_triple.items()}, len(test), seed).intervals["mrr"]
        covered.append(low <= full <= high)
    assert sum(covered) >= 34  # as for recommendation: 95% of 40 is 38, a binomial 5th percentile about 36


def test_the_leaderboard_shows_a_sampled_tracing_score_with_its_population_and_interval(
    lineage: tracing.Lineage,
) -> None:
    ranked = tracing.rank_test_triples(tracing.metadata_heuristic(lineage), lineage, size=500, seed=4)
    snapshot = date(2026, 12, 7)
    with duckdb.connect() as con:
        run = Run("tracing", "random", "MetadataHeuristic", 1.0, datetime.now(UTC))
        record(con, snapshot, _scores("tracing", "random", "MetadataHeuristic", ranked), [run])
        rows = con.execute(
            "SELECT metric, value, evaluated, population, ci_low, ci_high FROM benchmarks.leaderboard"
        ).fetchall()
        table = markdown(con, snapshot)
    assert {row[0] for row in rows} == set(ranked.metrics)
    for _, value, evaluated, population, low, high in rows:
        assert (evaluated, population) == (500, ranked.population) and low < value < high
    assert f"500 sampled of {ranked.population:,}" in table and "95% CI" in table
