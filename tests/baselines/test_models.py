"""The baselines on tiny hand-made data whose answer is known: they learn what they are shown."""

import numpy as np
import pytest
import scipy.sparse as sp

from baselines.classification import (
    LOGREG_C,
    LOGREG_REFERENCE_NODES,
    LabelledNodes,
    global_majority,
    logreg_c,
    neighbour_vote,
    text_and_tags,
)
from baselines.recommendation import Likes, _top_per_row, ease, evaluate, item_knn, most_pop, recommend_top
from baselines.tracing import Lineage, metadata_heuristic, transe
from baselines.tracing import evaluate as evaluate_tracing

pytestmark = pytest.mark.fast


def two_taste_likes() -> Likes:
    """Users 0-9 like items 1-5, users 10-19 like items 6-10, everyone likes item 0 (the most popular). User u
    holds out one item of its group for test, a different one than its neighbour, so every item is trained on."""
    user, item, split = [], [], []
    for u in range(20):
        own = list(range(1, 6)) if u < 10 else list(range(6, 11))
        for i in [0, *own]:
            user.append(u)
            item.append(i)
            split.append("test" if i == own[u % 5] else "train")
    return Likes.from_arrays(np.array(user), np.array(item), np.array(split))


def test_item_knn_and_ease_find_the_users_taste_most_pop_does_not() -> None:
    likes = two_taste_likes()
    pop = evaluate(most_pop(likes), likes, ks=(1,))["recall@1"]
    for fit in (item_knn, ease):
        assert evaluate(fit(likes), likes, ks=(1,))["recall@1"] == 1.0, fit.__name__
    assert pop <= 0.5  # one ranking for everyone: it cannot suit both groups


def test_item_knn_blocks_give_the_same_scores_as_one_block() -> None:
    rng = np.random.default_rng(5)
    user, item = rng.integers(0, 60, 900), rng.integers(0, 37, 900)
    pairs = np.unique(np.stack([user, item]), axis=1)
    split = np.where(rng.random(pairs.shape[1]) < 0.8, "train", "test")
    likes = Likes.from_arrays(pairs[0], pairs[1], split)
    users = np.arange(likes.users)
    whole = item_knn(likes, neighbours=5, block=likes.items)(users).toarray()
    for block in (1, 4, 16):  # blocks that do and do not divide the 37 items
        assert np.array_equal(item_knn(likes, neighbours=5, block=block)(users).toarray(), whole), block
    assert np.count_nonzero(whole) > 0


def brute_force_similarity(likes: Likes, neighbours: int, shrink: float) -> np.ndarray:
    """ItemKNN's item × item similarity from its definition, dense: shrunk cosine of the co-likes, each row cut to its
    `neighbours` largest entries, ties to the smaller column index."""
    x = likes.train.toarray()
    counts = x.sum(axis=0)
    co = x.T @ x
    np.fill_diagonal(co, 0.0)
    similarity = np.where(co > 0, co / (np.sqrt(np.outer(counts, counts)) + shrink), 0.0)
    pruned = np.zeros_like(similarity)
    for item, row in enumerate(similarity):
        best = sorted(np.flatnonzero(row), key=lambda other: (-row[other], other))[:neighbours]
        pruned[item, best] = row[best]
    return pruned


def test_item_knn_keeps_the_same_neighbours_as_a_brute_force_reference() -> None:
    """Few users and items liked by many: co-like counts repeat, so similarities tie and the tie rule decides."""
    rng = np.random.default_rng(11)
    user, item = rng.integers(0, 40, 700), rng.integers(0, 30, 700)
    pairs = np.unique(np.stack([user, item]), axis=1)
    likes = Likes.from_arrays(pairs[0], pairs[1], np.where(rng.random(pairs.shape[1]) < 0.8, "train", "test"))
    users = np.arange(likes.users)
    for neighbours in (1, 3, 7):
        reference = likes.train.toarray() @ brute_force_similarity(likes, neighbours, 10.0)
        for block in (4, likes.items):
            got = item_knn(likes, neighbours=neighbours, shrink=10.0, block=block)(users).toarray()
            np.testing.assert_allclose(got, reference, rtol=1e-12, atol=0, err_msg=f"{neighbours}, {block}")


def test_recommendations_follow_the_scores_with_ties_by_item_index() -> None:
    """Every scorer's top k against sorting all items by score, seen items last, ties by item index: MostPop ties
    everywhere, ItemKNN with one neighbour leaves many users fewer than k scored items (the rest of their list comes
    from the dense path)."""
    rng = np.random.default_rng(8)
    user, item = rng.integers(0, 80, 900), rng.integers(0, 60, 900)
    pairs = np.unique(np.stack([user, item]), axis=1)
    likes = Likes.from_arrays(pairs[0], pairs[1], rng.choice(["train", "valid", "test"], pairs.shape[1]))
    users = np.arange(likes.users)
    for name, scorer in [
        ("MostPop", most_pop(likes)),
        ("EASE", ease(likes)),
        *[(f"ItemKNN {n}", item_knn(likes, neighbours=n)) for n in (1, 3, 100)],
    ]:
        scores = np.asarray(sp.csr_matrix(scorer(users)).toarray())
        masked = np.where(likes.seen.toarray() > 0, -np.inf, scores)
        for k in (1, 10, 59, 60):
            expected = [sorted(range(likes.items), key=lambda i: (-masked[u, i], i))[:k] for u in users]
            assert recommend_top(scorer, likes, users, k).tolist() == expected, (name, k)


def test_top_per_row_breaks_ties_by_column_index() -> None:
    rng = np.random.default_rng(3)
    dense = rng.integers(0, 4, (50, 40)).astype(float)  # 3 values and zeros: ties in every row
    dense[7] = 0.0  # an empty row
    for k in (1, 2, 5, 40):
        expected = np.zeros_like(dense)
        for row, values in enumerate(dense):
            best = sorted(np.flatnonzero(values), key=lambda column: (-values[column], column))[:k]
            expected[row, best] = values[best]
        got = _top_per_row(sp.csr_matrix(dense), k)
        assert np.array_equal(got.toarray(), expected), k
        assert got.has_canonical_format and got.nnz == np.count_nonzero(expected)


def labelled_graph() -> LabelledNodes:
    """Two communities (labels 0 and 1) of 6 nodes, connected inside; label 1 is the majority in training and
    the text names the label."""
    labels = np.zeros((12, 2), dtype=bool)
    labels[:5, 0] = True
    labels[5:, 1] = True
    split = np.array(["train"] * 4 + ["test"] + ["train"] * 6 + ["test"], dtype=object)
    edges = np.array([[0, 1, 2, 3, 5, 6, 7, 8, 9, 10], [4, 4, 4, 4, 11, 11, 11, 11, 11, 11]])
    text = ["speech audio"] * 5 + ["vision image"] * 7
    tags = [["a"]] * 5 + [["b"]] * 7
    return LabelledNodes(labels, split, text, tags, edges)


def test_classification_baselines_on_two_communities() -> None:
    nodes = labelled_graph()
    assert global_majority(nodes).tolist() == [[False, True], [False, True]]
    assert neighbour_vote(nodes).tolist() == [[True, False], [False, True]]
    assert text_and_tags(nodes).tolist() == [[True, False], [False, True]]


def test_text_and_tags_without_a_shared_term_predicts_the_majority() -> None:
    """A tiny benchmark (one author's scope) where no word or tag occurs in two training nodes: no vocabulary to fit,
    so the majority label, not a crash of the leaderboard."""
    nodes = labelled_graph()
    unique = LabelledNodes(
        nodes.labels, nodes.split, [f"word{i}" for i in range(12)], [[f"tag{i}"] for i in range(12)], nodes.edges
    )
    assert text_and_tags(unique).tolist() == global_majority(unique).tolist() == [[False, True], [False, True]]


def chains() -> tuple[Lineage, Lineage]:
    """20 base models with 3 fine-tunes each; `seen` holds every triple in training, `asked` asks 20 of them."""
    entities = [f"org{b}/base{b}" for b in range(20)] + [f"user{b}/base{b}-ft{k}" for b in range(20) for k in range(3)]
    head = np.repeat(np.arange(20), 3)
    tail = np.arange(20, 80)
    created = np.r_[np.zeros(20), np.ones(60)]
    train = np.array(["train"] * 60, dtype=object)
    asked = train.copy()
    asked[::3] = "test"
    zero = np.zeros(60, dtype=np.int64)
    return (
        Lineage(entities, created, head, zero, tail, train, 1),
        Lineage(entities, created, head, zero, tail, asked, 1),
    )


def test_transe_learns_the_triples_it_is_shown_and_the_heuristic_reads_names() -> None:
    seen, asked = chains()
    assert evaluate_tracing(transe(seen), asked)["mrr"] > 0.8
    assert evaluate_tracing(metadata_heuristic(asked), asked)["hits@1"] == pytest.approx(1.0)


def test_logreg_c_fixes_the_penalty_per_training_node() -> None:
    """C stays 4 on small benchmarks; above the reference the product C · n (the loss's weight against the penalty)
    stays that of the reference, so a larger snapshot fits the same per-node model instead of a harder problem."""
    assert logreg_c(1_000) == logreg_c(LOGREG_REFERENCE_NODES) == LOGREG_C
    for n in (2 * LOGREG_REFERENCE_NODES, 10 * LOGREG_REFERENCE_NODES):
        assert logreg_c(n) < LOGREG_C
        assert logreg_c(n) * n == pytest.approx(LOGREG_C * LOGREG_REFERENCE_NODES)
