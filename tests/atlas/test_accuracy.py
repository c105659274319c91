"""Accuracy imputation: `model-index` parsed as the Hub writes it (real recorded bodies), graph k-NN over lineage
path length evaluated by leave-one-out against the global mean."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import dijkstra

from atlas import accuracy
from atlas.accuracy import KS, EvalResult, eval_results, evaluate, knn_predictions

pytestmark = pytest.mark.fast

SAMPLES = Path("/work/shared/hub-samples/licensed/huggingface_hub-cassettes/api_get_responses.jsonl")
RECORDED = Path(__file__).resolve().parents[2] / "hub_emulator" / "samples" / "recorded"


def _recorded_cards() -> dict[str, dict]:
    """cardData of every recorded model body with a `model-index` (the shared samples, else the repo's copy)."""
    cards = {}
    sources = [SAMPLES] if SAMPLES.exists() else sorted(RECORDED.rglob("*.jsonl"))
    for source in sources:
        for line in source.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            body = record.get("body", record)
            if isinstance(body, str):
                try:
                    body = json.loads(body)
                except ValueError:
                    continue
            if isinstance(body, dict) and "model-index" in (body.get("cardData") or {}):
                cards[body["id"]] = body["cardData"]
    return cards


def test_real_model_index_shapes_are_parsed() -> None:
    cards = _recorded_cards()
    if not cards:
        pytest.skip("no recorded model-index bodies on this machine")
    zephyr = {(r.benchmark, r.metric): r.value for r in eval_results(cards["HuggingFaceH4/zephyr-7b-beta"])}
    assert zephyr[("ai2_arc/ARC-Challenge", "acc_norm")] == pytest.approx(62.0307, abs=1e-3)
    assert zephyr[("hellaswag", "acc_norm")] == pytest.approx(84.3557, abs=1e-3)
    squad = {(r.benchmark, r.metric): r.value for r in eval_results(cards["deepset/roberta-base-squad2"])}
    assert squad[("squad_v2/squad_v2", "f1")] == pytest.approx(82.9501)
    parsed = {model: eval_results(card) for model, card in cards.items()}
    assert all(np.isfinite(r.value) for results in parsed.values() for r in results)
    # real cards also carry a model-index with no results at all: nothing parsed, nothing invented
    empty = {m for m, card in cards.items() if not any(e.get("results") for e in card["model-index"])}
    assert {m for m, results in parsed.items() if not results} == empty
    assert len(parsed) - len(empty) >= 4


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        (None, []),
        ({"model-index": "not a list"}, []),
        ({"model-index": [{"name": "x", "results": None}]}, []),
        # a single entry as a dict, numbers as strings, a missing metric type falls back to its name
        (
            {
                "model-index": {
                    "results": [{"dataset": {"name": "MMLU"}, "metrics": [{"name": "acc", "value": "61.5%"}]}]
                }
            },  # noqa: E501
            [EvalResult("MMLU", "acc", 61.5)],
        ),
        # not numbers, NaN, booleans and nameless datasets are not scores
        (
            {
                "model-index": [
                    {
                        "results": [
                            {"dataset": {"type": "d"}, "metrics": [{"type": "m", "value": v}]}
                            for v in ("n/a", float("nan"), True, None)
                        ]
                        + [{"dataset": {}, "metrics": [{"type": "m", "value": 1}]}]
                    }
                ]
            },
            [],
        ),
    ],
)
def test_hostile_model_index_shapes(card: object, expected: list[EvalResult]) -> None:
    assert eval_results(card) == expected


def test_knn_beats_the_global_mean_when_scores_follow_lineage() -> None:
    # Two chains of 40 models; scores drift smoothly along each chain, and the chains sit far apart.
    ids = [f"a/m{i:02d}" for i in range(40)] + [f"b/m{i:02d}" for i in range(40)]
    edges = pd.DataFrame(
        [(ids[i], ids[i + 1]) for i in range(39)] + [(ids[40 + i], ids[41 + i]) for i in range(39)],
        columns=["base_model_id", "model_id"],
    )
    scores = pd.Series(np.r_[np.linspace(20, 30, 40), np.linspace(70, 80, 40)], index=ids)
    labelled = scores.iloc[::2]  # every other model reports a score
    predictions = knn_predictions(labelled, edges, pd.Index(sorted(ids)))
    assert len(predictions) == len(labelled)
    table = evaluate(predictions).set_index("method")
    assert table.loc["1-NN", "mae"] < 1.0 < 20 < table.loc["global_mean", "mae"]
    assert table.loc["1-NN", "correlation"] > 0.99
    assert table.loc["5-NN", "evaluated_models"] == len(labelled)
    # the paper's numbers travel with ours
    assert table.loc["1-NN", "paper_mae"] == pytest.approx(3.247)


def test_a_model_without_a_labelled_neighbour_is_not_scored_by_knn() -> None:
    ids = pd.Index(["a/x", "a/y", "b/z"])
    edges = pd.DataFrame({"base_model_id": ["a/x"], "model_id": ["a/y"]})
    predictions = knn_predictions(pd.Series({"a/x": 1.0, "a/y": 3.0, "b/z": 9.0}), edges, ids)
    by = predictions.set_index("model_id")
    assert by.loc["a/y", "1-NN"] == 1.0 and np.isnan(by.loc["b/z", "1-NN"])
    assert evaluate(predictions).set_index("method").loc["1-NN", "evaluated_models"] == 2


def test_knn_searches_each_component_like_the_whole_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searching inside each held-out model's component, out to a growing radius, gives what a search of the whole
    graph gives: the same neighbours, ties broken by id, with the held-out stride and the distance batches in play."""
    monkeypatch.setattr(accuracy, "MAX_HELD_OUT", 40)
    monkeypatch.setattr(accuracy, "DISTANCE_CELLS", 50)  # a few sources per batch in the largest components
    rng = np.random.default_rng(7)
    ids = pd.Index(sorted(f"org{rng.integers(50)}/m{i:04d}" for i in range(600)))
    parents = [(rng.integers(child), child) for child in rng.integers(1, len(ids), 520)]  # trees, merges, singletons
    edges = pd.DataFrame({"base_model_id": ids[[p for p, _ in parents]], "model_id": ids[[c for _, c in parents]]})
    labels = pd.Series(np.round(rng.normal(50, 10, 240)), index=rng.choice(ids, 240, replace=False))
    # A long chain scored every 15 models: its first model (held out, the first id) finds its 5 nearest only after
    # the search radius has grown past 4 and 16.
    chain = pd.Index([f"chain/c{i:02d}" for i in range(80)])
    ids = chain.append(ids)
    edges = pd.concat([edges, pd.DataFrame({"base_model_id": chain[:-1], "model_id": chain[1:]})])
    labels = pd.concat([labels, pd.Series(np.arange(6.0), index=chain[::15])])
    labels["ghost/not-a-node"] = 1.0  # a score of a model outside the forest is ignored
    predictions = knn_predictions(labels, edges, ids)

    # The oracle: distances from every labelled model to every other over the whole graph at once.
    known = labels.drop("ghost/not-a-node").sort_index()
    at = ids.get_indexer(known.index)
    everything = dijkstra(accuracy._graph(ids, edges), directed=False, unweighted=True, indices=at)[:, at]
    held_out = np.arange(0, len(known), len(known) // 40)[:40]
    assert predictions["model_id"].tolist() == known.index[held_out].tolist()
    for row, i in zip(predictions.to_dict("records"), held_out, strict=True):
        distance = everything[i].copy()
        distance[i] = np.inf
        reachable = np.flatnonzero(np.isfinite(distance))
        nearest = known.to_numpy()[reachable[np.lexsort((reachable, distance[reachable]))]]
        for k in KS:
            expected = nearest[:k].mean() if len(nearest) else np.nan
            assert row[f"{k}-NN"] == pytest.approx(expected, nan_ok=True)
    assert predictions["1-NN"].notna().sum() > 20 and predictions["1-NN"].isna().any()  # both cases occur
    assert predictions.set_index("model_id").loc["chain/c00", "5-NN"] == np.mean([1, 2, 3, 4, 5])


def test_generated_worlds_state_scores_on_few_models_smoothly_along_lineage(tmp_path: Path) -> None:
    from hub_emulator.worldgen.generate import generate_world

    generate_world(tmp_path, nodes=4000, seed=5)
    models = [json.loads(line) for line in (tmp_path / "models.jsonl").read_text(encoding="utf-8").splitlines()]
    stated = {
        m["id"]: {(r.benchmark, r.metric): r.value for r in eval_results(m.get("cardData"))}
        for m in models
        if "model-index" in (m.get("cardData") or {})
    }
    assert 0.03 < len(stated) / len(models) < 0.15  # Model Atlas: fewer than 15% of models report accuracy
    mc2 = pd.Series({m: s[("truthful_qa/multiple_choice", "mc2")] for m, s in stated.items()})
    truth = [json.loads(line) for line in (tmp_path / "truth" / "lineage.jsonl").read_text().splitlines()]
    pairs = [(t["base"], t["derived"]) for t in truth if t["base"] in mc2.index and t["derived"] in mc2.index]
    assert len(pairs) >= 5
    along_lineage = np.mean([abs(mc2[a] - mc2[b]) for a, b in pairs])
    assert along_lineage < 0.5 * (mc2 - mc2.mean()).abs().mean()  # parent and child are closer than any two
