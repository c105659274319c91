"""Each class of corruption fails its Great Expectations gate, the gate blocks, and nothing is published; each
fault dbt owns (keys, relationships, accepted values) fails its dbt test instead.

The pipeline runs once on the sample world (and publishes); then, per fault, a copy of that warehouse is
corrupted and a Dagster run of the gates plus the publish asset is made against it.
"""

import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from huggingface_hub import HfApi

from hub_emulator.server import HubEmulator
from orchestration.checks import SUITES
from orchestration.definitions import build_defs
from orchestration.emulator_process import SAMPLE_WORLD
from orchestration.settings import Settings
from tests.pipeline.conftest import SNAPSHOT, run_refresh
from tests.support import run_dbt

LATEST = f"snapshot_date = DATE '{SNAPSHOT}'"
OPEN = "valid_to IS NULL"  # a kg row of the latest snapshot in its interval history (kg.<table>__history)
PREVIOUS = "DATE '2026-11-15'"
FAULTS = {
    "negative count": (
        "UPDATE kg.datasets__counters SET downloads = -2147483648 WHERE row_hash = "
        f"(SELECT row_hash FROM kg.datasets__history WHERE {OPEN} AND id = (SELECT min(id) FROM kg.datasets))",
        "kg_datasets",
        "expect_column_values_to_be_between",
    ),
    "future date": (
        f"UPDATE kg.spaces__history SET created_at = TIMESTAMPTZ '2099-01-01 00:00:00+00', "
        f"last_modified = TIMESTAMPTZ '2099-01-02 00:00:00+00' WHERE {OPEN} AND id = (SELECT min(id) FROM kg.spaces)",
        "kg_spaces",
        "expect_column_values_to_be_between",
    ),
    "30% row drop": (None, "kg_row_count_drift", "expect_column_values_to_be_between"),
    "time split off balance": (
        f"UPDATE benchmarks.cls_nodes SET split = 'test' WHERE {LATEST}",
        "benchmark_classification",
        "expect_column_values_to_be_between",
    ),
    "impossible baseline score": (
        f"UPDATE benchmarks.leaderboard SET value = 1.7 WHERE {LATEST} AND metric = "
        f"(SELECT min(metric) FROM benchmarks.leaderboard WHERE {LATEST})",
        "leaderboard",
        "expect_column_values_to_be_between",
    ),
}
# Keys, relationships and accepted values belong to dbt (expectations/suites.py): each of these faults fails the
# named dbt test of the model (`dbt test` on the corrupted warehouse) and no GE gate.
DBT_FAULTS = {
    "duplicate key": (
        f"INSERT INTO kg.models__history SELECT * FROM kg.models__history WHERE {OPEN} LIMIT 1",
        "models",
        "unique_combination_models_id__snapshot_date",
    ),
    "null id": (  # one test covers every not-null column of a model, and names the one holding nulls
        f"UPDATE kg.models__history SET object_id = NULL WHERE {OPEN} AND id = (SELECT min(id) FROM kg.models)",
        "models",
        "columns_not_null_models_id__object_id__snapshot_date",
    ),
    "dangling edge": (
        "INSERT INTO kg.model_finetune_model__history SELECT * REPLACE ('ghost/model' AS base_model_id) "
        f"FROM kg.model_finetune_model__history WHERE {OPEN} LIMIT 1",
        "model_finetune_model",
        "relationship_in_snapshot_model_finetune_model_base_model_id",
    ),
    "duplicate edge": (  # kg_edges is a view of the relation marts: its key test sees their rows
        f"INSERT INTO kg.user_like_model__history SELECT * FROM kg.user_like_model__history WHERE {OPEN} LIMIT 1",
        "kg_edges",
        "unique_combination_kg_edges_relation__head__tail__snapshot_date",
    ),
    "overlapping splits": (
        f"INSERT INTO benchmarks.trace_triples SELECT * REPLACE ('test' AS split_random) "
        f"FROM benchmarks.trace_triples WHERE {LATEST} AND split_random = 'train' LIMIT 1",
        "trace_triples",
        "unique_combination_trace_triples",
    ),
    "leaked label": (
        f"UPDATE benchmarks.cls_nodes SET tags = list_append(tags, labels[1]) WHERE {LATEST} "
        "AND node_id = (SELECT min(node_id) FROM benchmarks.cls_nodes)",
        "cls_nodes",
        "no_label_in_tags_cls_nodes",
    ),
}


def _drop_30_percent(con) -> None:
    """Make the build look like a second snapshot that lost 30% of one relation's rows: every kg row held on an
    earlier day too, and 30% of the likes closed by the latest one."""
    tables = [
        t.removesuffix("__snapshots")
        for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'kg' "
            "AND table_type = 'BASE TABLE' AND table_name LIKE '%\\_\\_snapshots' ESCAPE '\\'"
        ).fetchall()
    ]
    for table in tables:
        con.execute(f'INSERT INTO kg."{table}__snapshots" VALUES ({PREVIOUS}, now())')
        con.execute(f'UPDATE kg."{table}__history" SET valid_from = {PREVIOUS}')
    con.execute(
        f"UPDATE kg.user_like_model__history SET valid_to = DATE '{SNAPSHOT}' WHERE hash(user_id, model_id) % 10 < 3"
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The sample world built and published once; the emulator keeps serving for the fault runs."""
    workdir = tmp_path_factory.mktemp("gates")
    emulator = HubEmulator(SAMPLE_WORLD, workdir / "hub")
    emulator.start()
    run = run_refresh(emulator, workdir / "data", page_size=200)
    assert run.result.success
    yield emulator, run.settings.warehouse_path
    emulator.stop()


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_fails_its_gate_and_blocks_publish(published, tmp_path: Path, fault: str) -> None:
    emulator, warehouse = published
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(warehouse, data_dir / "hubkg.duckdb")
    sql, suite, expectation = FAULTS[fault]
    with duckdb.connect(str(data_dir / "hubkg.duckdb")) as con:
        if sql is None:
            _drop_30_percent(con)
        else:
            con.execute(sql)
    api = HfApi(endpoint=emulator.url)
    commits = api.list_repo_commits("hubkg/hubkg-graph", repo_type="dataset")

    defs = build_defs(Settings(endpoint=emulator.url, data_dir=data_dir))
    gates_then_publish = dg.define_asset_job(
        "gates_then_publish",
        selection=dg.AssetSelection.checks(
            *(dg.AssetCheckKey(dg.AssetKey(list(s.asset)), f"ge_{s.name}") for s in SUITES)
        )
        | dg.AssetSelection.groups("publish"),
        executor_def=dg.in_process_executor,
    )
    defs = dg.Definitions.merge(defs, dg.Definitions(jobs=[gates_then_publish]))
    result = defs.resolve_job_def("gates_then_publish").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, partition_key=SNAPSHOT
    )
    evaluations = {e.asset_check_key.name: e for e in result.get_asset_check_evaluations()}
    failed = {name for name, e in evaluations.items() if not e.passed}
    assert failed == {f"ge_{suite}"}, failed  # exactly the matching gate fails
    failures = evaluations[f"ge_{suite}"].metadata["failures_json"].value
    assert expectation in {f["expectation"] for f in failures}
    assert "data_docs" in evaluations[f"ge_{suite}"].metadata
    assert not result.get_asset_materialization_events()  # publish did not run
    assert api.list_repo_commits("hubkg/hubkg-graph", repo_type="dataset") == commits


@pytest.mark.parametrize("fault", list(DBT_FAULTS))
def test_key_relationship_and_value_faults_fail_their_dbt_test(published, tmp_path: Path, fault: str) -> None:
    _, warehouse = published
    copy = tmp_path / "hubkg.duckdb"
    shutil.copy(warehouse, copy)
    sql, model, test_name = DBT_FAULTS[fault]
    with duckdb.connect(str(copy)) as con:
        con.execute(sql)
    with pytest.raises(subprocess.CalledProcessError) as failed:
        run_dbt("test", copy, tmp_path, f"fqn:*.{model}", {"snapshot_date": SNAPSHOT})
    assert test_name in failed.value.stdout, failed.value.stdout
