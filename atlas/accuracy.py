"""Accuracy imputation by graph k-NN over the lineage, evaluated like Model Atlas Table 1a.

Benchmark scores come from the cards' `model-index` (the Hub's evaluation-results metadata). A held-out model's
score is predicted as the mean score of its k nearest labelled models by path length in the undirected lineage
graph (k = 1, 2, 3, 5), against the global mean of the other labelled models; MSE, MAE and the correlation of
prediction and truth are reported. Distances come from scipy's breadth-first shortest paths, a few sources at a
time, each inside its own lineage component and only as far out as its k nearest scored models, so memory stays
bounded at Hub scale and the work grows with the held-out models, not with them × every model.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

KS = (1, 2, 3, 5)
# Model Atlas Table 1a, TruthfulQA (0-shot, mc2) on the Mistral-7B component: method → (MSE, MAE, corr.).
PAPER = {
    "global_mean": (100.217, 8.541, None),
    "1-NN": (32.830, 3.247, 0.856),
    "2-NN": (28.720, 3.235, 0.864),
    "3-NN": (25.544, 3.147, 0.877),
    "5-NN": (23.512, 3.093, 0.885),
}
MAX_HELD_OUT = 2000  # held-out models per benchmark (evenly spread by id), enough for stable averages
DISTANCE_CELLS = 20_000_000  # sources × nodes per batch of shortest paths (160 MB of float64)
SEARCH_RADIUS = 4  # path length first searched around a held-out model (then ×4 until k models are found)


@dataclass(frozen=True)
class EvalResult:
    benchmark: str  # dataset type (else name), with its config when given: `truthful_qa/multiple_choice`
    metric: str  # metric type (else name): `mc2`, `acc_norm`
    value: float


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _number(value: object) -> float | None:
    """A metric value as a number: numbers, numeric strings (`"62.0"`, `"62.0%"`); anything else is not a score."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().rstrip("%"))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _as_list(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


def _results(entry: dict[str, Any]) -> Iterator[EvalResult]:
    for result in _as_list(entry.get("results")):
        if not isinstance(result, dict):
            continue
        dataset = result.get("dataset") if isinstance(result.get("dataset"), dict) else {}
        name = _text(dataset.get("type")) or _text(dataset.get("name"))
        if name is None:
            continue
        config = _text(dataset.get("config"))
        benchmark = f"{name}/{config}" if config else name
        for metric in _as_list(result.get("metrics")):
            if not isinstance(metric, dict):
                continue
            kind = _text(metric.get("type")) or _text(metric.get("name"))
            value = _number(metric.get("value"))
            if kind is not None and value is not None:
                yield EvalResult(benchmark[:200], kind[:100], value)


def eval_results(card_data: object) -> list[EvalResult]:
    """The scores a card's `model-index` states, tolerant of the shapes found on the Hub (a dict instead of a list,
    missing fields, numbers as strings); the first value per (benchmark, metric) wins."""
    if not isinstance(card_data, dict):
        return []
    seen: dict[tuple[str, str], EvalResult] = {}
    for entry in _as_list(card_data.get("model-index")):
        if isinstance(entry, dict):
            for result in _results(entry):
                seen.setdefault((result.benchmark, result.metric), result)
    return list(seen.values())


def _graph(ids: pd.Index, edges: pd.DataFrame) -> csr_matrix:
    parent = ids.get_indexer(edges["base_model_id"])
    child = ids.get_indexer(edges["model_id"])
    keep = (parent >= 0) & (child >= 0)
    n = len(ids)
    return coo_matrix((np.ones(int(keep.sum())), (parent[keep], child[keep])), shape=(n, n)).tocsr()


def _groups(keys: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions sorted by key, stable; bounds): the positions with key k are `order[bounds[k]:bounds[k + 1]]`."""
    order = np.argsort(keys, kind="stable")
    return order, np.searchsorted(keys[order], np.arange(count + 1))


def _nearest_labelled(
    graph: csr_matrix, labelled: np.ndarray, held_out: np.ndarray
) -> Iterator[tuple[int, np.ndarray]]:
    """(i, the other labelled models reachable from labelled model i, nearest first, then by position) for every i
    in `held_out`; only the first max(KS) are needed, so the list may stop after them. Paths are searched inside i's
    own component, out to a path length that grows ×4 until max(KS) labelled models are found or the whole
    component is searched: a search of the whole graph costs every model once per held-out model, and one of the
    whole component every member of the largest families, which grow faster than the Hub."""
    count, component = connected_components(graph, directed=False)
    nodes, node_bounds = _groups(component, count)
    graph = graph[nodes][:, nodes]  # each component's members are now one contiguous block
    where = np.empty_like(nodes)
    where[nodes] = np.arange(len(nodes))
    members, member_bounds = _groups(component[labelled], count)
    sources, source_bounds = _groups(component[labelled[held_out]], count)
    for c in np.unique(component[labelled[held_out]]):
        start, end = node_bounds[c], node_bounds[c + 1]
        block = graph[start:end, start:end]
        scored = members[member_bounds[c] : member_bounds[c + 1]]  # ascending positions in `labelled`
        pending = held_out[sources[source_bounds[c] : source_bounds[c + 1]]]
        batch = max(1, DISTANCE_CELLS // (end - start))
        limit: float = SEARCH_RADIUS
        while len(pending):
            whole = limit >= end - start - 1  # no path in the component is longer
            limit = np.inf if whole else limit
            deeper = []
            for first in range(0, len(pending), batch):
                part = pending[first : first + batch]
                indices = where[labelled[part]] - start
                distance = dijkstra(block, directed=False, unweighted=True, indices=indices, limit=limit)
                for row, i in zip(distance[:, where[labelled[scored]] - start], part, strict=True):
                    row[scored == i] = np.inf  # the model itself is hidden
                    reachable = np.flatnonzero(np.isfinite(row))
                    if whole or len(reachable) >= max(KS):  # those further away cannot be among the nearest
                        yield i, scored[reachable[np.lexsort((scored[reachable], row[reachable]))]]
                    else:
                        deeper.append(i)
            pending, limit = np.array(deeper, np.int64), limit * 4


def knn_predictions(labels: pd.Series, edges: pd.DataFrame, nodes: pd.Index) -> pd.DataFrame:
    """Leave-one-out predictions for (up to MAX_HELD_OUT of) the labelled models: `truth`, `global_mean` and one
    column per k (NaN when no other labelled model is connected)."""
    labels = labels.sort_index()
    labelled = nodes.get_indexer(labels.index)  # a hash lookup: `Index.isin` on Arrow strings loops in Python
    labels, labelled = labels[labelled >= 0], labelled[labelled >= 0]
    values = labels.to_numpy(np.float64)
    step = max(1, len(labelled) // MAX_HELD_OUT)
    held_out = np.arange(0, len(labelled), step)[:MAX_HELD_OUT]
    nearest = dict(_nearest_labelled(_graph(nodes, edges), labelled, held_out))
    total = values.sum()
    rows = []
    for i in held_out:
        order = nearest[i]
        prediction = {f"{k}-NN": values[order[:k]].mean() if len(order) else np.nan for k in KS}
        global_mean = (total - values[i]) / max(len(values) - 1, 1)
        rows.append({"model_id": labels.index[i], "truth": values[i], "global_mean": global_mean, **prediction})
    return pd.DataFrame(rows)


def evaluate(predictions: pd.DataFrame) -> pd.DataFrame:
    """MSE, MAE and correlation per method, on the held-out models that have a lineage neighbour with a score
    (the paper evaluates inside one component); the global mean is scored on the same models."""
    methods = ["global_mean", *(f"{k}-NN" for k in KS)]
    scored = predictions.dropna(subset=[f"{k}-NN" for k in KS])
    out = []
    for method in methods:
        error = scored[method] - scored["truth"]
        # The leave-one-out global mean falls as the held-out score rises: its correlation is -1 by
        # construction, so it is not reported (the paper's "–").
        enough = method != "global_mean" and len(scored) > 2 and scored[method].std() > 0 and scored["truth"].std() > 0
        out.append(
            {
                "method": method,
                "evaluated_models": len(scored),
                "mse": float((error**2).mean()) if len(scored) else None,
                "mae": float(error.abs().mean()) if len(scored) else None,
                "correlation": float(np.corrcoef(scored[method], scored["truth"])[0, 1]) if enough else None,
                "paper_mse": PAPER[method][0],
                "paper_mae": PAPER[method][1],
                "paper_correlation": PAPER[method][2],
            }
        )
    return pd.DataFrame(out)


SCORES_SQL = """
SELECT model_id, card_data FROM staging.stg_models
WHERE snapshot_date = ? AND json_exists(card_data, '$."model-index"')
"""
RESULT_COLUMNS = ["benchmark", "metric", "labelled_models", "method", "evaluated_models", "mse", "mae", "correlation",
                  "paper_mse", "paper_mae", "paper_correlation"]  # fmt: skip
RESULT_TYPES = {
    "benchmark": str,
    "metric": str,
    "method": str,
    "labelled_models": "int64",
    "evaluated_models": "int64",
} | {c: "float64" for c in ("mse", "mae", "correlation", "paper_mse", "paper_mae", "paper_correlation")}
MIN_LABELLED = 10  # a benchmark reported by fewer models is not evaluated
BENCHMARKS_EVALUATED = 3  # the most reported (benchmark, metric) pairs


def scores(con: Any, snapshot: object) -> pd.DataFrame:
    """Every stated score of the snapshot: model_id, benchmark, metric, value (from the cards' model-index)."""
    rows = [
        (model_id, r.benchmark, r.metric, r.value)
        for model_id, card in con.execute(SCORES_SQL, [snapshot]).fetchall()
        for r in eval_results(json.loads(card) if isinstance(card, str) else card)
    ]
    frame = pd.DataFrame(rows, columns=["model_id", "benchmark", "metric", "value"])
    return frame.astype({"model_id": str, "benchmark": str, "metric": str, "value": "float64"})


def evaluate_snapshot(stated: pd.DataFrame, nodes: pd.Index, edges: pd.DataFrame) -> pd.DataFrame:
    """Table 1a for the most reported benchmarks of the snapshot: one row per (benchmark, metric, method)."""
    counts = stated.groupby(["benchmark", "metric"]).size().sort_values(ascending=False, kind="stable")
    tables = []
    for (benchmark, metric), labelled in counts.head(BENCHMARKS_EVALUATED).items():
        if labelled < MIN_LABELLED:
            continue
        chosen = stated[(stated["benchmark"] == benchmark) & (stated["metric"] == metric)]
        table = evaluate(knn_predictions(chosen.set_index("model_id")["value"], edges, nodes))
        table.insert(0, "labelled_models", int(labelled))
        table.insert(0, "metric", metric)
        table.insert(0, "benchmark", benchmark)
        tables.append(table)
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=RESULT_COLUMNS)
    return table.astype(RESULT_TYPES)
