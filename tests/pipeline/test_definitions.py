"""The Dagster definitions load and wire raw → staging → kg → gate → publish."""

import dagster as dg
import pytest

from orchestration.definitions import defs

pytestmark = pytest.mark.fast


def test_definitions_validate() -> None:
    dg.Definitions.validate_loadable(defs)


def test_asset_graph_runs_raw_to_publish_through_a_blocking_gate() -> None:
    graph = defs.resolve_asset_graph()
    key = dg.AssetKey
    assert graph.get(key(["staging", "stg_models"])).parent_keys == {key(["raw", "models"])}
    assert key(["staging", "stg_models"]) in graph.get(key(["kg", "models"])).parent_keys
    assert key(["kg", "models"]) in graph.get(key(["publish", "graph_dataset"])).parent_keys
    gate = dg.AssetCheckKey(key(["kg", "models"]), "ge_kg_models")
    assert gate in graph.asset_check_keys
    assert graph.get_check_spec(gate).blocking
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups == {
        "raw",
        "staging",
        "intermediate",
        "kg",
        "exports",
        "benchmarks",
        "baselines",
        "atlas",
        "publish",
        "serving",
    }
    # the leaderboard is scored after the benchmark marts, gated, and published with them
    leaderboard = key(["benchmarks", "leaderboard"])
    assert key(["benchmarks", "rec_interactions"]) in graph.get(leaderboard).parent_keys
    assert leaderboard in graph.get(key(["publish", "benchmarks_dataset"])).parent_keys
    assert graph.get_check_spec(dg.AssetCheckKey(leaderboard, "ge_leaderboard")).blocking
