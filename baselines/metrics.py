"""Evaluation metrics of the three benchmarks, as HuggingBench reports them.

- Recommendation: Recall@K and NDCG@K (scikit-learn) over a full ranking (`top_k` has every candidate the model
  may rank).
- Classification: multi-label micro-F1 (HuggingBench's metric) and macro-F1, scikit-learn's.
- Tracing: filtered MRR and Hits@K from ranks that count ties by their expectation (a model that scores every
  candidate alike gets the middle rank, not the first). That tie rule is why the ranks are computed here: ranx
  and scikit-learn break or count ties differently; tests check both metrics against ranx on tie-free rankings.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score, ndcg_score


def ranking_metrics(
    top: np.ndarray, truth_rows: np.ndarray, truth_items: np.ndarray, ks: tuple[int, ...]
) -> dict[str, float]:
    """Mean Recall@K and NDCG@K over users.

    `top` is users × max(ks) item indices, best first; user i's relevant items are the `truth_items[j]` with
    `truth_rows[j] == i` (every user has at least one). Recall@K = hits in the top K / relevant items; NDCG@K is
    scikit-learn's `ndcg_score` on each user's candidates: the ranked list, then the relevant items it missed
    (below the list, at most max(ks) of them: enough for the ideal ranking of min(K, relevant) items).
    """
    users, width = top.shape
    if width < max(ks):
        raise ValueError(f"top has {width} columns, fewer than K={max(ks)}")
    relevant = np.bincount(truth_rows, minlength=users)
    if (relevant == 0).any():
        raise ValueError("every evaluated user needs at least one relevant item")
    stride = int(max(top.max(initial=0), truth_items.max(initial=0))) + 1
    hits = np.isin(np.arange(users)[:, None] * stride + top, truth_rows.astype(np.int64) * stride + truth_items)
    missed = np.minimum(relevant - hits.sum(axis=1), max(ks))
    # One column more than the missed items need: scikit-learn refuses a ranking of one candidate (K=1, no miss),
    # and an irrelevant candidate below the list changes neither DCG@K nor the ideal DCG.
    below = np.arange(missed.max(initial=0) + 1)[None, :] < missed[:, None]
    y_true = np.hstack([hits, below]).astype(np.float64)
    y_score = np.hstack([np.broadcast_to(np.arange(width, 0, -1.0), (users, width)), np.zeros(below.shape)])
    out = {}
    for k in ks:
        out[f"recall@{k}"] = float((hits[:, :k].sum(axis=1) / relevant).mean())
        out[f"ndcg@{k}"] = float(ndcg_score(y_true, y_score, k=k))
    return out


def f1_scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Micro- and macro-F1 of boolean nodes × labels matrices (scikit-learn's `f1_score`).

    Macro-F1 averages over the labels that occur in `truth` or `predicted` (a label nobody has or predicts has
    no F1); a label with no true positive scores 0.
    """
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    seen = np.flatnonzero((truth | predicted).any(axis=0))
    micro = f1_score(truth, predicted, average="micro", zero_division=0.0)
    macro = f1_score(truth, predicted, average="macro", labels=seen, zero_division=0.0) if len(seen) else 0.0
    return {"micro_f1": float(micro), "macro_f1": float(macro)}


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
