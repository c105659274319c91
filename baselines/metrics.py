"""Evaluation metrics of the three benchmarks, as HuggingBench reports them.

- Recommendation: Recall@K and NDCG@K (ranx) of each user's top-K list, best first.
- Classification: multi-label micro-F1 (HuggingBench's metric) and macro-F1, scikit-learn's.
- Tracing: filtered MRR and Hits@K of PyKEEN's realistic rank: the mean of the target's optimistic rank (first among
  the candidates that score the same) and its pessimistic rank (last among them), i.e. its expected rank under random
  tie-breaking, so a model that scores every candidate alike gets the middle rank, not the first. Each of the two
  rankings goes to ranx, whose reciprocal rank gives the target's rank in it.

Recommendation and tracing metrics are per query (user, test triple), so a sample's mean can carry a confidence
interval (`baselines.sampling`).

ranx compiles its metrics with numba on first use (tens of seconds); numba caches the compiled code beside ranx in
the environment, so later processes load it in about a second (figures in PERFORMANCE.md). Where
site-packages is read-only, numba's own `NUMBA_CACHE_DIR` names a writable cache directory.
"""

from __future__ import annotations

import numpy as np
from numba.typed import List
from ranx.metrics import ndcg, recall, reciprocal_rank
from sklearn.metrics import f1_score

# Tracing queries whose rankings go to ranx at once: a query's ranking holds every candidate above its target (up
# to every entity), so this bounds their memory.
RANX_CHUNK = 16


def _ranx_list(ids: list[np.ndarray], scores: list[np.ndarray]) -> List:
    """ranx's input, one query per item: a float64 array of (document id, score) rows (a run: best first)."""
    return List(
        [np.column_stack((i.astype(np.float64), s.astype(np.float64))) for i, s in zip(ids, scores, strict=True)]
    )


def ranking_metrics(
    top: np.ndarray, truth_rows: np.ndarray, truth_items: np.ndarray, ks: tuple[int, ...]
) -> dict[str, np.ndarray]:
    """Each user's Recall@K and NDCG@K (ranx's `recall` and `ndcg`).

    `top` is users × max(ks) item indices, best first; user i's relevant items are the `truth_items[j]` with
    `truth_rows[j] == i` (every user has at least one).
    """
    users, width = top.shape
    if users == 0:
        raise ValueError("no users to evaluate")
    if width < max(ks):
        raise ValueError(f"top has {width} columns, fewer than K={max(ks)}")
    relevant = np.bincount(truth_rows, minlength=users)
    if (relevant == 0).any():
        raise ValueError("every evaluated user needs at least one relevant item")
    liked = np.split(truth_items[np.argsort(truth_rows, kind="stable")], np.cumsum(relevant)[:-1])
    qrels = _ranx_list(liked, [np.ones(len(items)) for items in liked])
    run = _ranx_list(list(top), [np.arange(width, 0, -1.0)] * users)
    out = {}
    for k in ks:
        out[f"recall@{k}"] = recall(qrels, run, k)
        out[f"ndcg@{k}"] = ndcg(qrels, run, k)
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


def _rankings(row: np.ndarray, others: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    """One query's optimistic and pessimistic rankings down to its target, as ranx runs ((candidate, score) rows,
    best first): the candidates that score higher, then the target (optimistic) or the candidates that tie with it
    and then the target (pessimistic)."""
    own = row[target]
    above = np.flatnonzero(others & (row > own))
    above = above[np.argsort(-row[above])]
    candidates = np.concatenate((above, np.flatnonzero(others & (row == own)), [target]))
    pessimistic = np.column_stack((candidates.astype(np.float64), row[candidates]))
    return np.concatenate((pessimistic[: len(above)], pessimistic[-1:])), pessimistic


def _ranks(runs: list[np.ndarray], target: np.ndarray) -> np.ndarray:
    """The target's 1-based rank in each query's run, read by ranx (1 / its reciprocal rank)."""
    qrels = _ranx_list([t[None] for t in target], [np.ones(1)] * len(target))
    # rounded: ranks are whole, and 1 / (1/49) is 49.00000000000001 in floating point (Hits@K compares with K)
    return np.rint(1.0 / reciprocal_rank(qrels, List(runs)))


def realistic_ranks(scores: np.ndarray, target: np.ndarray, filtered: np.ndarray) -> np.ndarray:
    """PyKEEN's realistic rank of each query's target among its candidates (higher score = better): the mean of
    its optimistic and pessimistic ranks (`_rankings`).

    `scores` is queries × candidates; `filtered` (same shape, bool) marks the other true answers, which are no
    candidates.
    """
    others = ~filtered
    others[np.arange(len(target)), target] = False
    ranks = np.empty(len(target))
    for start in range(0, len(target), RANX_CHUNK):
        chunk = slice(start, start + RANX_CHUNK)
        targets = target[chunk]
        pairs = [_rankings(*query) for query in zip(scores[chunk], others[chunk], targets.tolist(), strict=True)]
        optimistic = _ranks([run for run, _ in pairs], targets)
        pessimistic = _ranks([run for _, run in pairs], targets)
        ranks[chunk] = (optimistic + pessimistic) / 2.0
    return ranks


def rank_metrics(ranks: np.ndarray, ks: tuple[int, ...] = (1, 3, 10)) -> dict[str, np.ndarray]:
    """Each query's reciprocal rank and Hits@K of its realistic rank (PyKEEN's MRR and Hits@K are their means: the
    mean reciprocal of the realistic rank, and the share of realistic ranks ≤ K)."""
    out = {"mrr": 1.0 / ranks}
    out.update({f"hits@{k}": (ranks <= k).astype(np.float64) for k in ks})
    return out
