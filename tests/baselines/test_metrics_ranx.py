"""The leaderboard's metrics cross-checked against ranx (a maintained IR evaluation library) on a random fixture:
Recall@K and NDCG@K of the recommendation protocol, filtered MRR and Hits@K of the tracing protocol (on rankings
without ties, where ranx and the expected-rank tie rule agree). Not in the fast tier: ranx compiles its metrics
with numba on first use."""

import numpy as np
import pytest
from ranx import Qrels, Run, evaluate

from baselines.metrics import filtered_ranks, rank_metrics, ranking_metrics

KS = (1, 5, 10)


def test_recall_and_ndcg_agree_with_ranx() -> None:
    rng = np.random.default_rng(3)
    users, items, width = 40, 60, 10
    top = np.stack([rng.permutation(items)[:width] for _ in range(users)])
    truth = [rng.choice(items, size=rng.integers(1, 15), replace=False) for _ in range(users)]
    rows = np.concatenate([np.full(len(t), u) for u, t in enumerate(truth)])
    ours = ranking_metrics(top, rows, np.concatenate(truth), KS)
    qrels = Qrels({f"u{u}": {f"i{i}": 1 for i in t} for u, t in enumerate(truth)})
    run = Run({f"u{u}": {f"i{i}": float(width - p) for p, i in enumerate(top[u])} for u in range(users)})
    names = [f"{m}@{k}" for k in KS for m in ("recall", "ndcg")]
    assert ours == pytest.approx(evaluate(qrels, run, names, make_comparable=True))


def test_filtered_mrr_and_hits_agree_with_ranx() -> None:
    rng = np.random.default_rng(5)
    queries, candidates = 30, 25
    scores = rng.permutation(queries * candidates).reshape(queries, candidates).astype(float)  # no ties
    target = rng.integers(0, candidates, queries)
    filtered = rng.random((queries, candidates)) < 0.1  # other true answers, removed from the ranking
    filtered[np.arange(queries), target] = False
    ours = rank_metrics(filtered_ranks(scores, target, filtered), ks=(1, 3, 10))
    qrels = Qrels({f"q{q}": {f"c{target[q]}": 1} for q in range(queries)})
    run = Run(
        {f"q{q}": {f"c{c}": scores[q, c] for c in range(candidates) if not filtered[q, c]} for q in range(queries)}
    )
    assert ours == pytest.approx(evaluate(qrels, run, ["mrr", "hits@1", "hits@3", "hits@10"]))
