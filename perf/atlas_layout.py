"""Time the atlas layout (atlas/layout.py) on a synthetic lineage forest of N models, and its re-layout seeded with
the previous positions after 1% new models.

    .venv/bin/python -m perf.atlas_layout --nodes 100000 --nodes 2600000

The forest is shaped like the Hub's: preferential attachment (a few bases with many children, most models
leaves), ~5% merges with a second parent, and many two- and three-model components.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from atlas.layout import Forest, layout


def synthetic_lineage(n: int, grown: int = 0, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes: model_id, component_id; edges: base_model_id, model_id) of an n-model acyclic lineage forest; the
    same seed with a larger n gives the same forest grown by the newer models (`grown` extra of them)."""
    total = n + grown
    rng = np.random.default_rng(seed)
    child = np.arange(1, total)
    # Parents are older (smaller index) and popular ones are picked more (u³ skews towards the first models);
    # 30% of models start a new family.
    has_parent = rng.random(total - 1) > 0.3
    parent = np.floor(child * rng.random(total - 1) ** 3).astype(np.int64)
    merges = rng.random(total - 1) < 0.05
    second = np.floor(child * rng.random(total - 1)).astype(np.int64)
    keep = has_parent & (child < n)
    both = keep & merges
    parents = np.concatenate([parent[keep], second[both]])
    children = np.concatenate([child[keep], child[both]])
    pairs = pd.DataFrame({"p": parents, "c": children}).drop_duplicates()
    graph = coo_matrix((np.ones(len(pairs)), (pairs["p"], pairs["c"])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    in_forest = np.bincount(labels)[labels] > 1
    ids = np.array([f"org{i % 997}/model-{i:08d}" for i in range(n)], dtype=object)
    nodes = pd.DataFrame({"model_id": ids[in_forest], "component_id": ids[in_forest][0]})
    nodes["component_id"] = labels[in_forest]
    edges = pd.DataFrame({"base_model_id": ids[pairs["p"]], "model_id": ids[pairs["c"]]})
    return nodes, edges


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, action="append", required=True)
    args = parser.parse_args()
    for n in args.nodes:
        nodes, edges = synthetic_lineage(n, grown=n // 100)
        start = time.perf_counter()
        forest = Forest.from_frames(nodes, edges)
        xy = layout(forest)
        first = time.perf_counter() - start
        previous = pd.DataFrame({"model_id": forest.ids, "x": xy[:, 0], "y": xy[:, 1]})
        grown_nodes, grown_edges = synthetic_lineage(n + n // 100)
        start = time.perf_counter()
        layout(Forest.from_frames(grown_nodes, grown_edges), previous)
        seeded = time.perf_counter() - start
        print(
            f"lineage of {n:,} models: forest {len(nodes):,} nodes / {len(edges):,} edges; "
            f"layout {first:.1f} s; +1% models seeded with the previous positions {seeded:.1f} s"
        )


if __name__ == "__main__":
    main()
