"""The metrics and ranking helpers against cases computed by hand."""

import math

import numpy as np
import pytest

from baselines.metrics import f1_scores, filtered_ranks, rank_metrics, ranking_metrics
from baselines.recommendation import Likes, evaluate, most_pop, recommend_top

pytestmark = pytest.mark.fast


def test_recall_and_ndcg_by_hand() -> None:
    # user 0 ranks items 3, 1, 2 and liked 1 and 5; user 1 ranks 0, 2, 4 and liked 0
    top = np.array([[3, 1, 2], [0, 2, 4]])
    got = ranking_metrics(top, np.array([0, 0, 1]), np.array([1, 5, 0]), ks=(1, 3))
    user0_ndcg3 = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert got == pytest.approx({"recall@1": 0.5, "recall@3": 0.75, "ndcg@1": 0.5, "ndcg@3": (user0_ndcg3 + 1) / 2})


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


def test_filtered_rank_counts_ties_half_and_skips_other_answers() -> None:
    scores = np.array([[0.9, 0.5, 0.7, 0.7], [0.1, 0.1, 0.1, 0.1]])
    none = np.zeros(scores.shape, dtype=bool)
    assert filtered_ranks(scores, np.array([2, 0]), none).tolist() == [2.5, 2.5]  # 1 better + 1 tie; 3 ties
    other_answer = none.copy()
    other_answer[0, 0] = True  # item 0 is also a true answer of query 0: it does not count against the target
    assert filtered_ranks(scores, np.array([2, 0]), other_answer).tolist() == [1.5, 2.5]


def test_mrr_and_hits_by_hand() -> None:
    got = rank_metrics(np.array([1.0, 2.0, 4.0, 20.0]))
    assert got == pytest.approx({"mrr": (1 + 0.5 + 0.25 + 0.05) / 4, "hits@1": 0.25, "hits@3": 0.5, "hits@10": 0.75})


def test_recommendations_skip_seen_items_and_most_pop_ranks_by_training_likes() -> None:
    # 3 users, 4 items; item 2 is the most liked in training, then item 0
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
