"""The Dagster definitions load and wire raw → staging → kg → gate → publish."""

import os
from pathlib import Path

import dagster as dg
import pytest
from pydantic import ValidationError

from orchestration.definitions import defs
from orchestration.resources import build_resources
from orchestration.settings import Settings

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


def test_duckdb_gets_three_quarters_of_the_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HUBKG_DUCKDB_MEMORY_LIMIT bounds the process: DuckDB's own limit (the assets' connections and dbt's) is 3/4
    of it, the rest is what DuckDB does not count."""
    for name in ("HUBKG_DUCKDB_PATH", "HUBKG_DUCKDB_BUFFER_LIMIT"):
        monkeypatch.setenv(name, "")  # build_resources exports them; restored after the test
    resources = build_resources(Settings(duckdb_memory_limit="8GiB", data_dir=tmp_path))
    with resources["warehouse"].get_connection() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() == ("6.0 GiB",)
    assert os.environ["HUBKG_DUCKDB_BUFFER_LIMIT"] == "6144MiB"  # what dbt_project/profiles.yml reads
    assert Settings(duckdb_memory_limit="8GB").duckdb_buffer_limit == "5722MiB"
    with pytest.raises(ValidationError, match="duckdb_memory_limit\n.*could not parse value and unit"):
        Settings(duckdb_memory_limit="lots")
