"""Task-classification baselines: global majority, graph neighbour vote, and a linear model on text and tags.

Each baseline fits on the training nodes and predicts a label set for the test nodes; `evaluate` reports
micro-F1 (HuggingBench's metric) and macro-F1. Nodes have 1.05 labels on average, so the majority and vote
baselines predict one label; the linear model predicts every label of probability ≥ 0.5, and at least its best.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from baselines.metrics import f1_scores

# Linear model settings (fixed: no tuning on test)
TEXT_MIN_DF = 2
TEXT_MAX_FEATURES = 200_000
LOGREG_C = 4.0
# Above this many training nodes C shrinks as 1/n: the L2 penalty per training node stays that of LOGREG_C here.
# With C fixed the loss outgrows the penalty as n grows, liblinear's Hessian gets worse conditioned and its inner
# CG steps multiply (809 s at HuggingKG size against 24 s at a tenth of it: PERFORMANCE.md, issue 28).
LOGREG_REFERENCE_NODES = 50_000


@dataclass(frozen=True)
class LabelledNodes:
    """The classification benchmark of one snapshot, rows in node_index order."""

    labels: np.ndarray  # bool, nodes × labels (multi-hot)
    split: np.ndarray  # 'train' | 'valid' | 'test' per node
    text: list[str]
    tags: list[list[str]]
    edges: np.ndarray  # 2 × E node indices (directed; used as undirected)

    @property
    def train(self) -> np.ndarray:
        return self.split == "train"

    @property
    def test(self) -> np.ndarray:
        return self.split == "test"


Predictor = Callable[[LabelledNodes], np.ndarray]  # → bool, test nodes × labels


def _one_label(scores: np.ndarray) -> np.ndarray:
    predicted = np.zeros(scores.shape, dtype=bool)
    predicted[np.arange(len(scores)), scores.argmax(axis=1)] = True
    return predicted


def _label_frequency(nodes: LabelledNodes) -> np.ndarray:
    return nodes.labels[nodes.train].sum(axis=0).astype(np.float64)


def global_majority(nodes: LabelledNodes) -> np.ndarray:
    """Every test node gets the most frequent training label."""
    frequency = _label_frequency(nodes)
    return _one_label(np.broadcast_to(frequency, (int(nodes.test.sum()), len(frequency))))


def neighbour_vote(nodes: LabelledNodes) -> np.ndarray:
    """The label most common among a node's training neighbours (lineage, trained-on, shared citations); ties and
    nodes without a labelled neighbour fall back to the most frequent training label."""
    n = len(nodes.split)
    source, target = nodes.edges
    adjacency = sp.coo_matrix((np.ones(2 * len(source)), (np.r_[source, target], np.r_[target, source])), (n, n))
    known = sp.csr_matrix(nodes.labels * nodes.train[:, None], dtype=np.float64)
    votes = np.asarray((adjacency.tocsr()[np.flatnonzero(nodes.test)] @ known).todense())
    frequency = _label_frequency(nodes)
    return _one_label(votes + frequency / (frequency.sum() + 1.0))  # the prior only breaks ties (< 1 vote)


def _tfidf(vectorizer: TfidfVectorizer, train: list, test: list) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """TF-IDF of the training and test documents; no columns when no term occurs in `TEXT_MIN_DF` training documents
    (a tiny benchmark, such as one author's scope), where scikit-learn refuses to build an empty vocabulary."""
    try:
        return vectorizer.fit_transform(train), vectorizer.transform(test)
    except ValueError:  # "empty vocabulary" / "after pruning, no terms remain"
        return sp.csr_matrix((len(train), 0)), sp.csr_matrix((len(test), 0))


def logreg_c(training_nodes: int) -> float:
    """The inverse L2 strength for `training_nodes`: `LOGREG_C` up to `LOGREG_REFERENCE_NODES`, then scaled by
    reference / n, so the penalty per training node is fixed (the same model as the small-data one, per example)."""
    return LOGREG_C * min(1.0, LOGREG_REFERENCE_NODES / max(training_nodes, 1))


def text_and_tags(nodes: LabelledNodes, c: float | None = None) -> np.ndarray:
    """One-vs-rest logistic regression on TF-IDF of the text (name, card prose) plus the kept tags, L2 strength per
    training node fixed (C = 4 up to 50,000 training nodes, 4 · 50,000 / n above: `logreg_c`); the majority label
    when no term or tag occurs in two training nodes (nothing to learn from). `c` overrides C (for measurements)."""
    words = TfidfVectorizer(min_df=TEXT_MIN_DF, max_features=TEXT_MAX_FEATURES, sublinear_tf=True, dtype=np.float64)
    tags = TfidfVectorizer(analyzer=lambda t: t, min_df=TEXT_MIN_DF, dtype=np.float64)
    train, test = np.flatnonzero(nodes.train), np.flatnonzero(nodes.test)
    word_train, word_test = _tfidf(words, [nodes.text[i] for i in train], [nodes.text[i] for i in test])
    tag_train, tag_test = _tfidf(tags, [nodes.tags[i] for i in train], [nodes.tags[i] for i in test])
    features = sp.hstack([word_train, tag_train]).tocsr()
    if features.shape[1] == 0:
        return global_majority(nodes)
    test_features = sp.hstack([word_test, tag_test]).tocsr()
    learnable = nodes.labels[train].any(axis=0)  # labels with a training example
    strength = logreg_c(len(train)) if c is None else c
    model = OneVsRestClassifier(LogisticRegression(C=strength, solver="liblinear", random_state=0), n_jobs=-1)
    # One label per core. Threads, not processes: liblinear fits without the GIL, and worker processes would get
    # the matrix as a read-only memory map that liblinear's input check tries to sort in place. Sorted once here,
    # the threads share it untouched; the primal solver draws no random numbers, so the fit stays deterministic.
    features.sort_indices()
    with joblib.parallel_config(backend="threading"):
        model.fit(features, nodes.labels[train][:, learnable].astype(np.int8))
    probability = np.zeros((len(test), nodes.labels.shape[1]))
    probability[:, learnable] = model.predict_proba(test_features)
    return (probability >= 0.5) | _one_label(probability)


BASELINES: dict[str, Predictor] = {
    "GlobalMajority": global_majority,
    "NeighbourVote": neighbour_vote,
    "TfidfLogReg": text_and_tags,
}


def evaluate(predict: Predictor, nodes: LabelledNodes) -> dict[str, float]:
    if not nodes.test.any() or not nodes.train.any():
        raise ValueError("classification needs training and test nodes")
    return f1_scores(nodes.labels[nodes.test], predict(nodes))
