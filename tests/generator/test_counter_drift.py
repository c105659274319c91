"""The simulated day moves download counters on a share of models and datasets (the Hub's rolling 30-day
counts), beside the structural churn and without changing it."""

import json
from pathlib import Path

import pytest

from hub_emulator.worldgen.generate import generate_world
from hub_emulator.worldgen.mutate import mutate_world

pytestmark = pytest.mark.fast


def _bodies(world: Path, name: str) -> dict[str, dict]:
    return {b["_id"]: b for b in map(json.loads, (world / name).read_text(encoding="utf-8").splitlines())}


def test_counters_drift_on_a_share_and_nothing_else_moves(tmp_path: Path) -> None:
    generate_world(tmp_path / "w", nodes=400, seed=5)
    still = mutate_world(tmp_path / "w", tmp_path / "still", 0.01, seed=1, counter_drift=0.0)
    drifted = mutate_world(tmp_path / "w", tmp_path / "drift", 0.01, seed=1, counter_drift=0.3)
    assert {k: v for k, v in drifted.items() if "drifted" not in k} == still
    before, after = _bodies(tmp_path / "still", "models.jsonl"), _bodies(tmp_path / "drift", "models.jsonl")
    assert before.keys() == after.keys()
    moved = [k for k in before if before[k] != after[k]]
    assert 0.2 * len(before) <= len(moved) <= 0.35 * len(before)
    assert drifted["models_counters_drifted"] >= len(moved)
    counters = {"downloads", "downloadsAllTime", "trendingScore"}
    for k in moved:  # only the counters differ
        assert {f for f in before[k] if before[k][f] != after[k].get(f)} <= counters
        assert after[k].get("downloadsAllTime", 0) >= before[k].get("downloadsAllTime", 0)
    assert drifted["datasets_counters_drifted"] > 0
