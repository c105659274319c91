"""A corrupted snapshot, served by the Hub itself, fails a gate in the run that built it, and nothing is published.

Two layers guard a release: dbt's tests (the build contract: keys unique per snapshot, relationships…) and the
Great Expectations suites (semantics: ranges, formats, integrity, drift). Each blocks publishing.
"""

import json
import shutil
from pathlib import Path

from huggingface_hub import HfApi

from tests.pipeline.conftest import requests_of, world_models


def _corrupt(world: Path, target: Path, change) -> dict:
    shutil.copytree(world, target)
    models = world_models(world)
    extra = change(models)
    lines = [json.dumps(m) for m in models + extra]
    (target / "models.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return models[3]


def _assert_nothing_published(run) -> None:
    assert not any(key.startswith("publish/") for key in run.materialized())
    assert not run.result.success
    assert not HfApi(endpoint=run.emulator.url).repo_exists("hubkg/hubkg-graph", repo_type="dataset")
    assert not any(r["path"].startswith("/api/repos/create") for r in requests_of(run.emulator))


def test_an_overflowed_counter_fails_the_ge_gate(small_world, emulator_for, run_pipeline, tmp_path) -> None:
    def overflow(models: list[dict]) -> list[dict]:
        models[3]["downloads"] = -2147483648  # a 32-bit counter that wrapped
        return []

    corrupted = _corrupt(small_world, tmp_path / "corrupted", overflow)
    run = run_pipeline(emulator_for(tmp_path / "corrupted"))
    gate = run.checks()["ge_kg_models"]
    assert not gate.passed
    failures = {f["expectation"]: f for f in gate.metadata["failures_json"].value}
    assert failures["expect_column_values_to_be_between"]["sample"] == ["-2147483648"]
    assert corrupted["id"] in failures["expect_column_values_to_be_between"]["rows"]
    assert "kg/models" in run.materialized()  # the table was built …
    _assert_nothing_published(run)  # … but the blocking gate stopped publishing
    # the run log says why: suite, expectation, observed value, offending rows, Data Docs path
    report = next(m for m in run.log_messages() if "suite `kg_models` failed" in m)
    assert "expect_column_values_to_be_between" in report and "-2147483648" in report
    assert corrupted["id"] in report and f"Data Docs: {gate.metadata['data_docs'].value}" in report


def test_a_duplicate_id_fails_the_build_contract(small_world, emulator_for, run_pipeline, tmp_path) -> None:
    def duplicate(models: list[dict]) -> list[dict]:
        return [{**models[6], "_id": "f" * 24, "id": models[5]["id"]}]  # two objects claim one repo id

    _corrupt(small_world, tmp_path / "corrupted", duplicate)
    run = run_pipeline(emulator_for(tmp_path / "corrupted"))
    failed = {name for name, e in run.checks().items() if not e.passed}
    assert any(name.startswith("unique") and "models" in name for name in failed), failed
    _assert_nothing_published(run)
