"""The metrics (ranx for Recall/NDCG/MRR, scikit-learn for F1) against values computed by hand: small cases worked
out on paper, and random fixtures with many ties scored by the plain formulas the library calls replaced."""

import math

import numpy as np
import pytest

from baselines.metrics import f1_scores, rank_metrics, ranking_metrics, realistic_ranks
from baselines.recommendation import Likes, evaluate, most_pop, recommend_top
from baselines.sampling import means

pytestmark = pytest.mark.fast


def hand_recall_and_ndcg(top: np.ndarray, liked: list[set[int]], k: int) -> tuple[list[float], list[float]]:
    """Recall@k = hits in the top k / liked items; NDCG@k = Σ 1/log2(position + 1) over hits / the same sum for
    min(k, liked) hits at the top."""
    recalls, ndcgs = [], []
    for row, wanted in zip(top.tolist(), liked, strict=True):
        hits = [item in wanted for item in row[:k]]
        recalls.append(sum(hits) / len(wanted))
        dcg = sum(1 / math.log2(p + 2) for p, hit in enumerate(hits) if hit)
        ndcgs.append(dcg / sum(1 / math.log2(p + 2) for p in range(min(k, len(wanted)))))
    return recalls, ndcgs


def hand_realistic_ranks(scores: np.ndarray, target: np.ndarray, filtered: np.ndarray) -> list[float]:
    """1 + candidates scored higher + half of those scored the same (other true answers are no candidates)."""
    ranks = []
    for q, t in enumerate(target.tolist()):
        own = scores[q, t]
        others = [c for c in range(scores.shape[1]) if c != t and not filtered[q, c]]
        ranks.append(1 + sum(scores[q, c] > own for c in others) + sum(scores[q, c] == own for c in others) / 2)
    return ranks


def test_recall_and_ndcg_by_hand() -> None:
    # user 0 ranks items 3, 1, 2 and liked 1 and 5; user 1 ranks 0, 2, 4 and liked 0
    top = np.array([[3, 1, 2], [0, 2, 4]])
    got = ranking_metrics(top, np.array([0, 0, 1]), np.array([1, 5, 0]), ks=(1, 3))
    user0_ndcg3 = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    expected = {"recall@1": [0, 1], "recall@3": [0.5, 1], "ndcg@1": [0, 1], "ndcg@3": [user0_ndcg3, 1]}
    assert got.keys() == expected.keys()
    for metric, values in expected.items():
        assert got[metric].tolist() == pytest.approx(values), metric


def test_recall_and_ndcg_agree_with_the_hand_formulas_on_rankings_of_tied_scores() -> None:
    rng = np.random.default_rng(3)
    users, items, width, ks = 60, 40, 12, (1, 5, 10, 12)
    # Scores on 4 levels: most items tie; the ranking breaks ties by item index, as `recommend_top` does.
    scores = rng.integers(0, 4, (users, items))
    top = np.lexsort((np.broadcast_to(np.arange(items), scores.shape), -scores), axis=1)[:, :width]
    liked = [set(rng.choice(items, size=rng.integers(1, 15), replace=False).tolist()) for _ in range(users)]
    rows = np.concatenate([np.full(len(w), u) for u, w in enumerate(liked)])
    got = ranking_metrics(top, rows, np.concatenate([sorted(w) for w in liked]), ks)
    for k in ks:
        recalls, ndcgs = hand_recall_and_ndcg(top, liked, k)
        assert got[f"recall@{k}"].tolist() == pytest.approx(recalls)
        assert got[f"ndcg@{k}"].tolist() == pytest.approx(ndcgs)


def test_ranking_metrics_refuse_users_without_truth_and_short_rankings() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ranking_metrics(np.array([[0], [1]]), np.array([0]), np.array([0]), ks=(1,))
    with pytest.raises(ValueError, match="fewer than K"):
        ranking_metrics(np.array([[0]]), np.array([0]), np.array([0]), ks=(5,))


def test_micro_and_macro_f1_by_hand() -> None:
    truth = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0]], dtype=bool)
    predicted = np.array([[1, 0, 0, 0], [1, 0, 0, 0], [1, 1, 1, 0]], dtype=bool)
    # label 0: tp 2, fp 1 → 0.8; label 1: tp 1, fn 1 → 2/3; label 2: fp 1 → 0; label 3: never seen, no F1
    assert f1_scores(truth, predicted) == pytest.approx({"micro_f1": 6 / 9, "macro_f1": (0.8 + 2 / 3 + 0) / 3})
    assert f1_scores(truth, truth) == {"micro_f1": 1.0, "macro_f1": 1.0}


def test_realistic_rank_counts_ties_half_and_skips_other_answers() -> None:
    scores = np.array([[0.9, 0.5, 0.7, 0.7], [0.1, 0.1, 0.1, 0.1]])
    none = np.zeros(scores.shape, dtype=bool)
    # query 0: 1 better + 1 tie → optimistic 2, pessimistic 3; query 1: 3 ties → 1 and 4
    assert realistic_ranks(scores, np.array([2, 0]), none).tolist() == [2.5, 2.5]
    other_answer = none.copy()
    other_answer[0, 0] = True  # item 0 is also a true answer of query 0: it does not count against the target
    assert realistic_ranks(scores, np.array([2, 0]), other_answer).tolist() == [1.5, 2.5]
    assert means(rank_metrics(np.array([2.5, 2.5, 1.0]), ks=(1, 3))) == pytest.approx(
        {"mrr": (0.4 + 0.4 + 1) / 3, "hits@1": 1 / 3, "hits@3": 1.0}
    )


def test_realistic_ranks_agree_with_the_hand_formula_on_tied_scores() -> None:
    rng = np.random.default_rng(5)
    queries, candidates = 70, 25  # more queries than one ranx chunk
    scores = rng.integers(0, 5, (queries, candidates)).astype(float)  # 5 levels: ties everywhere
    scores[0] = 1.0  # every candidate alike: the middle rank
    target = rng.integers(0, candidates, queries)
    filtered = rng.random((queries, candidates)) < 0.1  # other true answers
    filtered[np.arange(queries), target] = False
    got = realistic_ranks(scores, target, filtered)
    assert got.tolist() == hand_realistic_ranks(scores, target, filtered)
    assert got[0] == 1 + (candidates - 1 - filtered[0].sum()) / 2


def test_mrr_and_hits_by_hand_per_query_and_as_means() -> None:
    got = rank_metrics(np.array([1.0, 2.0, 4.0, 20.0]))
    assert {m: v.tolist() for m, v in got.items()} == {
        "mrr": [1, 0.5, 0.25, 0.05],
        "hits@1": [1, 0, 0, 0],
        "hits@3": [1, 1, 0, 0],
        "hits@10": [1, 1, 1, 0],
    }
    assert means(got) == pytest.approx(
        {"mrr": (1 + 0.5 + 0.25 + 0.05) / 4, "hits@1": 0.25, "hits@3": 0.5, "hits@10": 0.75}
    )


def test_recommendations_skip_seen_items_and_most_pop_ranks_by_training_likes() -> None:
    # 3 users, 4 items; item 2 is the most liked in training, then item 0; items 1 and 3 tie (no training like)
    user = np.array([0, 0, 1, 1, 2, 2, 2])
    item = np.array([2, 1, 2, 0, 2, 0, 3])
    split = np.array(["train", "test", "train", "valid", "train", "train", "test"])
    likes = Likes.from_arrays(user, item, split)
    top = recommend_top(most_pop(likes), likes, np.array([0, 1, 2]), k=2)
    assert top.tolist() == [[0, 1], [1, 3], [1, 3]]  # user 1's valid item 0 is masked like its training item
    # user 0 wants item 1 (rank 2), user 2 wants item 3 (rank 2): recall@1 0, recall@2 1
    assert evaluate(most_pop(likes), likes, ks=(1, 2)) == pytest.approx(
        {"recall@1": 0.0, "recall@2": 1.0, "ndcg@1": 0.0, "ndcg@2": 1 / math.log2(3)}
    )
