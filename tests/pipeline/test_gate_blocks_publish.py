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


def test_a_future_creation_date_fails_the_ge_gate(small_world, emulator_for, run_pipeline, tmp_path) -> None:
    """A value the crawler accepts but the graph must not hold (a counter out of range is quarantined by the
    crawler itself, tests/hostile): the blocking gate stops publishing and the run log says why."""

    def future(models: list[dict]) -> list[dict]:
        models[3]["createdAt"] = models[3]["lastModified"] = "2099-01-01T00:00:00.000Z"  # a clock gone wrong
        return []

    corrupted = _corrupt(small_world, tmp_path / "corrupted", future)
    run = run_pipeline(emulator_for(tmp_path / "corrupted"))
    gate = run.checks()["ge_kg_models"]
    assert not gate.passed
    failures = {f["expectation"]: f for f in gate.metadata["failures_json"].value}
    assert corrupted["id"] in failures["expect_column_values_to_be_between"]["rows"]
    assert "kg/models" in run.materialized()  # the table was built …
    _assert_nothing_published(run)  # … but the blocking gate stopped publishing
    # the run log says why: suite, expectation, observed value, offending rows, Data Docs path
    report = next(m for m in run.log_messages() if "suite `kg_models` failed" in m)
    assert "expect_column_values_to_be_between" in report and "2099" in report
    assert corrupted["id"] in report and f"Data Docs: {gate.metadata['data_docs'].value}" in report
