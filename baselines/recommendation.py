"""Recommendation baselines on the user → item like matrix: MostPop, ItemKNN and EASE.

Each baseline fits on the training likes and returns a scorer: user indices → users × items scores (ItemKNN's
sparse: a user scores only the neighbours of its items, every other item 0, so its ranking reads those and not
every item). `evaluate` ranks every item for every test user with the user's train and valid items masked
(HuggingBench's full-ranking protocol; ties by item index) and reports Recall@K and NDCG@K on the test likes.
Hyperparameters are fixed (no tuning on test): ItemKNN keeps 100 neighbours per item with shrinkage 10; EASE uses
λ = 500 over the 10,000 most-liked items and ranks the rest after them by popularity (its item × item inverse is
dense: 10k items = 800 MB).

Full ranking costs test users × items, which grows with the square of the data. Up to `SAMPLE_USERS` test users
every one is ranked; beyond, a fixed-size random sample of them (seeded: the same sample on a rerun) is, and the
scores carry a 95% confidence interval (`rank_test_users`, with `baselines.sampling`, which tracing shares).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from baselines.metrics import ranking_metrics
from baselines.sampling import SAMPLE_SEED, Ranked, means, sample, scored

Scorer = Callable[[np.ndarray], np.ndarray | sp.csr_matrix]
KS = (5, 10, 20, 40)
BATCH = 1024
KNN_NEIGHBOURS = 100
KNN_SHRINK = 10.0
KNN_BLOCK = 2048  # items whose co-likes are held at once
EASE_L2 = 500.0
EASE_MAX_ITEMS = 10_000
# Test users ranked in full up to this many; beyond, this many sampled (each costs a row of item scores).
SAMPLE_USERS = 20_000


@dataclass(frozen=True)
class Likes:
    """Likes of one split variant as index arrays (users 0…U-1, items 0…I-1)."""

    users: int
    items: int
    train: sp.csr_matrix  # users × items, 1 per training like
    seen: sp.csr_matrix  # train and valid likes: never recommended when ranking for test
    test_users: np.ndarray
    test_items: np.ndarray

    @classmethod
    def from_arrays(cls, user: np.ndarray, item: np.ndarray, split: np.ndarray) -> Likes:
        users, items = int(user.max(initial=-1)) + 1, int(item.max(initial=-1)) + 1

        def matrix(mask: np.ndarray) -> sp.csr_matrix:
            ones = np.ones(int(mask.sum()), dtype=np.float64)
            return sp.csr_matrix((ones, (user[mask], item[mask])), shape=(users, items))

        test = split == "test"
        return cls(users, items, matrix(split == "train"), matrix(split != "test"), user[test], item[test])


def most_pop(likes: Likes) -> Scorer:
    """Every user gets the items ranked by their number of training likes."""
    popularity = np.asarray(likes.train.sum(axis=0)).ravel()
    return lambda users: np.broadcast_to(popularity, (len(users), likes.items)).copy()


def item_knn(
    likes: Likes, neighbours: int = KNN_NEIGHBOURS, shrink: float = KNN_SHRINK, block: int = KNN_BLOCK
) -> Scorer:
    """Item-based collaborative filtering: a user's score for an item sums its shrunk cosine similarity to the
    user's liked items, over each item's `neighbours` most similar items."""
    x = likes.train.tocsc()
    items_by_user = x.T.tocsr()
    counts = np.asarray(x.sum(axis=0)).ravel()
    # The co-like matrix is nearly dense at Hub scale (24k items: 10 GB at once), so it is built a block of items
    # at a time and pruned to each item's neighbours before the next block.
    blocks = []
    for start in range(0, likes.items, block):
        co = (items_by_user[start : start + block] @ x).tocsr()
        co.setdiag(0, k=start)
        co.eliminate_zeros()
        rows = start + np.repeat(np.arange(co.shape[0]), np.diff(co.indptr))
        co.data = co.data / (np.sqrt(counts[rows] * counts[co.indices]) + shrink)
        blocks.append(_top_per_row(co, neighbours))
    similarity = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, likes.items))
    train = likes.train
    return lambda users: (train[users] @ similarity).tocsr()


def _best_first(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Every row's entries best first (largest value, ties by column index): their positions in `matrix.data`
    sorted by (row, -value, column), and each sorted entry's place in its row (0 = best). Sorts `matrix`'s indices.

    Two stable sorts of all the entries (by value, then by row; columns already in order break the ties), not a
    sort per row in a Python loop nor a three-key lexsort: on a block of co-likes (2,048 rows × 2,400 entries) they
    took 0.9 s against 1.1 s and 3.5 s.
    """
    matrix.sort_indices()
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int32), np.diff(matrix.indptr))
    by_value = np.argsort(-matrix.data, kind="stable")
    order = by_value[np.argsort(rows[by_value], kind="stable")]
    # sorted by row last, so row r's entries sit at indptr[r]… of `order`
    return order, np.arange(len(order)) - matrix.indptr[rows]


def _top_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of every row (ties by column index)."""
    order, place = _best_first(matrix)
    keep = np.zeros(len(order), dtype=bool)
    keep[order[place < k]] = True
    indptr = np.concatenate(([0], np.cumsum(np.minimum(np.diff(matrix.indptr), k))))
    return sp.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def ease(likes: Likes, l2: float = EASE_L2, max_items: int = EASE_MAX_ITEMS) -> Scorer:
    """EASE (Steck 2019): the closed-form item × item weights B = I - P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, with a
    zero diagonal, over the `max_items` most-liked items; items beyond them rank after, by popularity."""
    popularity = np.asarray(likes.train.sum(axis=0)).ravel()
    catalogue = np.sort(np.lexsort((np.arange(likes.items), -popularity))[:max_items])
    x = likes.train[:, catalogue]
    gram = np.asarray((x.T @ x).todense(), dtype=np.float64)
    gram[np.diag_indices_from(gram)] += l2
    p = np.linalg.inv(gram)
    weights = p / -np.diag(p)
    np.fill_diagonal(weights, 0.0)
    # below any EASE score (|score| ≤ a user's like count), ordered by popularity
    floor = -1e6 + popularity / max(popularity.max(initial=1.0), 1.0)

    def scores(users: np.ndarray) -> np.ndarray:
        out = np.broadcast_to(floor, (len(users), likes.items)).copy()
        out[:, catalogue] = x[users] @ weights
        return out

    return scores


BASELINES: dict[str, Callable[[Likes], Scorer]] = {"MostPop": most_pop, "ItemKNN": item_knn, "EASE": ease}


def recommend_top(scorer: Scorer, likes: Likes, users: np.ndarray, k: int) -> np.ndarray:
    """The k best unseen items per user, best first (ties by item index)."""
    scores, seen, k = scorer(users), likes.seen[users], min(k, likes.items)
    if not sp.issparse(scores):
        return _dense_top(scores, seen, k)
    # Sparse scores are ≥ 0: a user's k best are its k best scored unseen items if it has k of them. Only users
    # with fewer (their list goes on with unscored items) are ranked over every item.
    unseen = (scores - scores.multiply(seen)).tocsr()
    unseen.eliminate_zeros()
    short = np.diff(unseen.indptr) < k
    order, place = _best_first(unseen)
    rows = np.repeat(np.arange(len(users)), np.diff(unseen.indptr))
    top = np.empty((len(users), k), dtype=np.int64)
    top[~short] = unseen.indices[order[(place < k) & ~short[rows]]].reshape(-1, k)
    if short.any():
        top[short] = _dense_top(scores[short].toarray(), seen[short], k)
    return top


def _dense_top(scores: np.ndarray, seen: sp.csr_matrix, k: int) -> np.ndarray:
    """`recommend_top` over every item: users × items `scores` with the `seen` items masked."""
    scores[np.repeat(np.arange(scores.shape[0]), np.diff(seen.indptr)), seen.indices] = -np.inf
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part_scores = np.take_along_axis(scores, part, axis=1)
    kth = part_scores.min(axis=1, keepdims=True)
    tied = scores == kth
    # argpartition cuts through a tie at the k-th score anywhere: in the rows where it left tied items out, keep
    # the items above the k-th score, then the lowest-numbered tied ones
    cut = np.flatnonzero(np.count_nonzero(tied, axis=1) > np.count_nonzero(part_scores == kth, axis=1))
    if len(cut):
        above = part_scores[cut] > kth[cut]
        tied_rows, tied_items = np.nonzero(tied[cut])  # by row, items in order within a row
        place = np.arange(len(tied_rows)) - np.searchsorted(tied_rows, tied_rows)
        kept = place < k - above.sum(axis=1)[tied_rows]
        rows = np.concatenate((np.nonzero(above)[0], tied_rows[kept]))
        items = np.concatenate((part[cut][above], tied_items[kept]))
        part[cut] = items[np.argsort(rows, kind="stable")].reshape(-1, k)
        part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    return np.take_along_axis(part, order, axis=1)


def top_items(scorer: Scorer, likes: Likes, users: np.ndarray, k: int) -> np.ndarray:
    """Each of `users`' top k items, ranking all items a block of users at a time (only the top k are kept)."""
    top = np.concatenate([recommend_top(scorer, likes, users[i : i + BATCH], k) for i in range(0, len(users), BATCH)])
    if top.shape[1] < k:  # fewer items than K: pad with a column that never hits
        top = np.pad(top, ((0, 0), (0, k - top.shape[1])), constant_values=likes.items)
    return top


def per_user_metrics(top: np.ndarray, users: np.ndarray, likes: Likes, ks: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Each user's Recall@K and NDCG@K, for sorted `users` whose top items are the rows of `top`."""
    asked = np.isin(likes.test_users, users)
    return ranking_metrics(top, np.searchsorted(users, likes.test_users[asked]), likes.test_items[asked], ks)


def evaluate(
    scorer: Scorer, likes: Likes, ks: tuple[int, ...] = KS, users: np.ndarray | None = None
) -> dict[str, float]:
    """Recall@K and NDCG@K on the test likes of `users` (default: every test user), ranking all items for each
    (train and valid items masked)."""
    users = np.unique(likes.test_users) if users is None else np.unique(users)
    if len(users) == 0:
        raise ValueError("no test likes to evaluate")
    return means(per_user_metrics(top_items(scorer, likes, users, max(ks)), users, likes, ks))


def sample_users(likes: Likes, size: int = SAMPLE_USERS, seed: int = SAMPLE_SEED) -> np.ndarray:
    """Every test user if there are at most `size`, else `size` of them drawn at random (seeded), sorted."""
    return sample(np.unique(likes.test_users), size, seed)


def rank_test_users(
    scorer: Scorer, likes: Likes, ks: tuple[int, ...] = KS, size: int = SAMPLE_USERS, seed: int = SAMPLE_SEED
) -> Ranked:
    """`evaluate` on every test user, or on a seeded sample of `size` of them with a 95% confidence interval per
    metric (`scored`)."""
    users = sample_users(likes, size, seed)
    if len(users) == 0:
        raise ValueError("no test likes to evaluate")
    per_user = per_user_metrics(top_items(scorer, likes, users, max(ks)), users, likes, ks)
    return scored(per_user, len(np.unique(likes.test_users)), seed)
