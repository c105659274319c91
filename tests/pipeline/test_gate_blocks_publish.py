"""A corrupted snapshot fails the Great Expectations gate, and nothing is published."""

import json
import shutil
from pathlib import Path

from huggingface_hub import HfApi

from tests.pipeline.conftest import requests_of, world_models


def _corrupt(world: Path, target: Path) -> tuple[str, str]:
    """Copy `world`, give one model an overflowed (negative) download count and a second `_id` to another's id."""
    shutil.copytree(world, target)
    models = world_models(world)
    overflowed, duplicated = models[3], models[5]
    overflowed["downloads"] = -2147483648
    clone = {**models[6], "_id": "f" * 24, "id": duplicated["id"]}
    lines = [json.dumps(m) for m in models] + [json.dumps(clone)]
    (target / "models.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return overflowed["id"], duplicated["id"]


def test_corrupted_snapshot_fails_the_gate_and_is_not_published(
    small_world, emulator_for, run_pipeline, tmp_path
) -> None:
    overflowed, duplicated = _corrupt(small_world, tmp_path / "corrupted")
    emulator = emulator_for(tmp_path / "corrupted")
    run = run_pipeline(emulator)

    gate = run.checks()["ge_kg_models"]
    assert not gate.passed
    failures = {f["expectation"]: f for f in gate.metadata["failures_json"].value}
    assert duplicated in failures["expect_column_values_to_be_unique"]["sample"]
    assert failures["expect_column_values_to_be_between"]["sample"] == ["-2147483648"]
    assert "kg/models" in run.materialized()  # the table was built …
    assert "publish/graph_dataset" not in run.materialized()  # … but the blocking gate stopped publishing
    assert not run.result.success
    assert not HfApi(endpoint=emulator.url).repo_exists("hubkg/hubkg-graph", repo_type="dataset")
    assert not any(r["path"].startswith("/api/repos/create") for r in requests_of(emulator))
