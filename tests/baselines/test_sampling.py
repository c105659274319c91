"""Recommendation on a large test set ranks a seeded sample of test users; its scores carry a 95% interval that
holds the full-ranking score."""

import numpy as np
import pytest

from baselines.recommendation import BASELINES, Likes, evaluate, rank_test_users

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
