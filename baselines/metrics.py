"""Evaluation metrics of the three benchmarks, as HuggingBench reports them.

- Recommendation: Recall@K and NDCG@K over a full ranking (`top_k` has every candidate the model may rank).
- Classification: multi-label micro-F1 (HuggingBench's metric) and macro-F1.
- Tracing: filtered MRR and Hits@K from ranks that count ties by their expectation (a model that scores every
  candidate alike gets the middle rank, not the first).
"""

from __future__ import annotations

import numpy as np


def ranking_metrics(
    top: np.ndarray, truth_rows: np.ndarray, truth_items: np.ndarray, ks: tuple[int, ...]
) -> dict[str, float]:
    """Mean Recall@K and NDCG@K over users.

    `top` is users × max(ks) item indices, best first; user i's relevant items are the `truth_items[j]` with
    `truth_rows[j] == i` (every user has at least one). Recall@K = hits in the top K / relevant items;
    NDCG@K = DCG@K / the DCG of a perfect ranking of min(K, relevant) items.
    """
    users, width = top.shape
    if width < max(ks):
        raise ValueError(f"top has {width} columns, fewer than K={max(ks)}")
    relevant = np.bincount(truth_rows, minlength=users)
    if (relevant == 0).any():
        raise ValueError("every evaluated user needs at least one relevant item")
    stride = int(max(top.max(initial=0), truth_items.max(initial=0))) + 1
    hits = np.isin(np.arange(users)[:, None] * stride + top, truth_rows.astype(np.int64) * stride + truth_items)
    discount = 1.0 / np.log2(np.arange(2, width + 2))
    ideal = np.cumsum(discount)
    out = {}
    for k in ks:
        out[f"recall@{k}"] = float((hits[:, :k].sum(axis=1) / relevant).mean())
        dcg = (hits[:, :k] * discount[:k]).sum(axis=1)
        out[f"ndcg@{k}"] = float((dcg / ideal[np.minimum(relevant, k) - 1]).mean())
    return out


def f1_scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Micro- and macro-F1 of boolean nodes × labels matrices.

    Macro-F1 averages over the labels that occur in `truth` or `predicted` (a label nobody has or predicts has
    no F1); a label with no true positive scores 0.
    """
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    tp = (truth & predicted).sum(axis=0)
    fp = (~truth & predicted).sum(axis=0)
    fn = (truth & ~predicted).sum(axis=0)
    denominator = 2 * tp.sum() + fp.sum() + fn.sum()
    micro = 2 * tp.sum() / denominator if denominator else 0.0
    seen = (tp + fp + fn) > 0
    per_label = 2 * tp[seen] / (2 * tp[seen] + fp[seen] + fn[seen])
    return {"micro_f1": float(micro), "macro_f1": float(per_label.mean()) if seen.any() else 0.0}


def filtered_ranks(scores: np.ndarray, target: np.ndarray, filtered: np.ndarray) -> np.ndarray:
    """1-based rank of each query's target among its candidates (higher score = better).

    `scores` is queries × candidates; `filtered` (same shape, bool) marks the other true answers, which do not
    count against the target. Ties with the target count half (the expected rank under random tie-breaking).
    """
    rows = np.arange(len(target))
    own = scores[rows, target][:, None]
    others = ~filtered
    others[rows, target] = False
    better = ((scores > own) & others).sum(axis=1)
    tied = ((scores == own) & others).sum(axis=1)
    return 1.0 + better + tied / 2.0


def rank_metrics(ranks: np.ndarray, ks: tuple[int, ...] = (1, 3, 10)) -> dict[str, float]:
    """MRR and Hits@K of 1-based ranks."""
    out = {"mrr": float((1.0 / ranks).mean())}
    out.update({f"hits@{k}": float((ranks <= k).mean()) for k in ks})
    return out
