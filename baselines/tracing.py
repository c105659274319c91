"""Model-tracing baselines: given a derived model and the relation, find its base model (head prediction).

Every entity of the tracing graph is a candidate head except the derived model itself; ranks are filtered (other
true bases of the same (relation, derived model) do not count) and `evaluate` reports MRR and Hits@{1,3,10}.
Ranking costs test triples × entities, which grows with the square of the data: up to `SAMPLE_TRIPLES` test triples
every one is ranked; beyond, a seeded random sample of them is, and the scores carry a 95% confidence interval
(`rank_test_triples`, with `baselines.sampling`, which recommendation shares).
- `MetadataHeuristic`: name similarity (TF-IDF of character 3-grams of the repo name) + 0.5 if the candidate's
  name is part of the derived model's (`Llama-3-8B` → `Llama-3-8B-Instruct-GGUF`) + 0.5 if the candidate was
  created before the derived model (unknown creation time: before March 2022, so older) + 0.25 if both have the
  same owner. Needs no training, so it also answers for models that are new in a temporal split.
- `TransE` (Bordes et al. 2013) in numpy: 64 dimensions, margin 0.5, squared L2 distance, per-triple SGD steps
  of lr 0.05 in batches of 1,024, 100 epochs, entities renormalised every epoch, one corrupted head or tail per
  triple, seed 0; a fixed epoch count (not a time budget) keeps it deterministic. Transductive only: unseen
  entities stay random. It learns only from the lineage triples, so where a held-out edge was the only link
  between a model and its base (a tree), it has nothing to go on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from baselines.metrics import rank_metrics, realistic_ranks
from baselines.sampling import SAMPLE_SEED, Ranked, means, sample, scored

QUERY_BATCH = 256
NAME_CONTAINED_BONUS = 0.5
OLDER_BONUS = 0.5
SAME_OWNER_BONUS = 0.25
TRANSE_DIM = 64
TRANSE_MARGIN = 0.5
TRANSE_LR = 0.05
TRANSE_BATCH = 1024
TRANSE_EPOCHS = 100
# Test triples ranked in full up to this many; beyond, this many sampled. HuggingKG's 1% test split has ≈ 3,100
# triples (≈ 6,000 at 2x), so a threshold above that (like recommendation's 20,000 users) would leave the ranking
# quadratic at every size we build. 2,000 bounds it, and a reciprocal rank's spread (≤ 0.5) keeps the 95% interval
# of MRR and Hits@K within ±0.022 (1.96 · 0.5 / √2000, narrower with the finite-population correction).
SAMPLE_TRIPLES = 2_000


@dataclass(frozen=True)
class Lineage:
    """The tracing triples of one snapshot under one split variant, as entity and relation indices."""

    entities: list[str]  # model ids, index order
    created: np.ndarray  # epoch seconds per entity (nan: unknown)
    head: np.ndarray
    relation: np.ndarray
    tail: np.ndarray
    split: np.ndarray  # 'train' | 'valid' | 'test' per triple
    relations: int

    def true_heads(self) -> dict[tuple[int, int], list[int]]:
        """Every true head of each (relation, tail), over all splits (the filter)."""
        heads: dict[tuple[int, int], list[int]] = defaultdict(list)
        for h, r, t in zip(self.head.tolist(), self.relation.tolist(), self.tail.tolist(), strict=True):
            heads[(r, t)].append(h)
        return heads


HeadScorer = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (relations, tails) → queries × entities
Trainer = Callable[[Lineage], HeadScorer]


def metadata_heuristic(lineage: Lineage) -> HeadScorer:
    names = [e.split("/", 1)[-1].lower() for e in lineage.entities]
    _, owners = np.unique([e.split("/", 1)[0] if "/" in e else "" for e in lineage.entities], return_inverse=True)
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), dtype=np.float32).fit_transform(names).tocsr()
    # unknown creation time = the Hub's pre-2022 placeholder: older than every dated model
    created = np.nan_to_num(lineage.created, nan=-np.inf)
    by_name: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        by_name[name].append(index)

    def contained_in(name: str) -> list[int]:
        """Entities whose name is part of `name`: a lookup per substring (a repo name is ≤ 96 characters) instead
        of a search through every entity's name."""
        parts = {name[a:b] for a in range(len(name)) for b in range(a + 1, len(name) + 1)} | {""}
        return [i for part in parts for i in by_name.get(part, ())]

    def scores(relations: np.ndarray, tails: np.ndarray) -> np.ndarray:
        out = np.asarray((vectors[tails] @ vectors.T).todense(), dtype=np.float64)
        hits = [contained_in(names[t]) for t in tails.tolist()]
        rows = np.repeat(np.arange(len(tails)), [len(h) for h in hits])
        out[rows, np.fromiter(chain.from_iterable(hits), dtype=np.int64, count=len(rows))] += NAME_CONTAINED_BONUS
        np.add(out, OLDER_BONUS, out=out, where=created[None, :] < created[tails][:, None])
        np.add(out, SAME_OWNER_BONUS, out=out, where=owners[None, :] == owners[tails][:, None])
        return out

    return scores


def transe(lineage: Lineage) -> HeadScorer:
    rng = np.random.default_rng(0)
    bound = 6.0 / np.sqrt(TRANSE_DIM)
    entity = rng.uniform(-bound, bound, (len(lineage.entities), TRANSE_DIM))
    relation = rng.uniform(-bound, bound, (lineage.relations, TRANSE_DIM))
    relation /= np.linalg.norm(relation, axis=1, keepdims=True)
    train = np.flatnonzero(lineage.split == "train")
    h_all, r_all, t_all = lineage.head[train], lineage.relation[train], lineage.tail[train]
    for _ in range(TRANSE_EPOCHS):
        entity /= np.maximum(np.linalg.norm(entity, axis=1, keepdims=True), 1e-12)
        order = rng.permutation(len(train))
        for start in range(0, len(order), TRANSE_BATCH):
            b = order[start : start + TRANSE_BATCH]
            h, r, t = h_all[b], r_all[b], t_all[b]
            corrupt_head = rng.random(len(b)) < 0.5
            random_entity = rng.integers(0, len(lineage.entities), len(b))
            nh, nt = np.where(corrupt_head, random_entity, h), np.where(corrupt_head, t, random_entity)
            positive = entity[h] + relation[r] - entity[t]
            negative = entity[nh] + relation[r] - entity[nt]
            active = TRANSE_MARGIN + (positive**2).sum(axis=1) - (negative**2).sum(axis=1) > 0
            gp, gn = 2 * positive[active], 2 * negative[active]
            step = TRANSE_LR
            np.add.at(entity, h[active], -step * gp)
            np.add.at(entity, t[active], step * gp)
            np.add.at(entity, nh[active], step * gn)
            np.add.at(entity, nt[active], -step * gn)
            np.add.at(relation, r[active], -step * (gp - gn))
    squared = (entity**2).sum(axis=1)

    def scores(relations: np.ndarray, tails: np.ndarray) -> np.ndarray:
        wanted = entity[tails] - relation[relations]  # h ≈ t - r
        return -(squared[None, :] - 2 * wanted @ entity.T + (wanted**2).sum(axis=1)[:, None])

    return scores


BASELINES: dict[str, Trainer] = {"MetadataHeuristic": metadata_heuristic, "TransE": transe}


def query_ranks(scorer: HeadScorer, lineage: Lineage, queries: np.ndarray) -> np.ndarray:
    """The filtered realistic rank of the true head of each of the `queries` (triple indices)."""
    true_heads = lineage.true_heads()
    ranks = []
    for start in range(0, len(queries), QUERY_BATCH):
        q = queries[start : start + QUERY_BATCH]
        relations, tails, heads = lineage.relation[q], lineage.tail[q], lineage.head[q]
        scores = scorer(relations, tails)
        rows = np.arange(len(q))
        scores[rows, tails] = -np.inf  # a model is not its own base
        filtered = np.zeros(scores.shape, dtype=bool)
        for i, (r, t) in enumerate(zip(relations.tolist(), tails.tolist(), strict=True)):
            filtered[i, true_heads[(r, t)]] = True
        ranks.append(realistic_ranks(scores, heads, filtered))
    return np.concatenate(ranks)


def _test_triples(lineage: Lineage) -> np.ndarray:
    test = np.flatnonzero(lineage.split == "test")
    if len(test) == 0:
        raise ValueError("no test triples to evaluate")
    return test


def evaluate(scorer: HeadScorer, lineage: Lineage) -> dict[str, float]:
    """Filtered head-prediction MRR and Hits@{1,3,10} on every test triple."""
    return means(rank_metrics(query_ranks(scorer, lineage, _test_triples(lineage))))


def rank_test_triples(
    scorer: HeadScorer, lineage: Lineage, size: int = SAMPLE_TRIPLES, seed: int = SAMPLE_SEED
) -> Ranked:
    """`evaluate` on every test triple, or on a seeded sample of `size` of them with a 95% confidence interval per
    metric (`baselines.sampling.scored`)."""
    test = _test_triples(lineage)
    return scored(rank_metrics(query_ranks(scorer, lineage, sample(test, size, seed))), len(test), seed)
