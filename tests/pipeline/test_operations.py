"""Operating HubKG: the daily schedule drives the whole pipeline, a backfilled day rebuilds only its own snapshot,
and SQL on the serving copy never waits for a run nor sees a half-built state."""

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
from huggingface_hub import HfApi

from assets.partitions import WAREHOUSE_TAG
from hub_emulator.worldgen.mutate import mutate_world
from orchestration.definitions import build_defs, defs
from release.serving import serving_path

EVERY_LAYER = {
    "raw/models",
    "raw/principals",
    "staging/stg_models",
    "kg/models",
    "publish/graph_dataset",
    "serving/warehouse",
}


def test_a_schedule_tick_materializes_the_whole_pipeline(small_world, emulator_for, run_pipeline) -> None:
    schedule = defs.get_schedule_def("daily_snapshot")
    assert schedule.execution_timezone == "UTC"
    tick = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    (request,) = schedule.evaluate_tick(tick).run_requests
    assert request.partition_key == "2026-11-23"  # the day's own partition: the Hub as it is that day
    assert defs.resolve_job_def(schedule.job_name).tags.items() >= WAREHOUSE_TAG.items()

    run = run_pipeline(emulator_for(small_world), snapshot=request.partition_key)
    assert run.result.success
    assert run.materialized() >= EVERY_LAYER
    with duckdb.connect(str(serving_path(run.settings.data_dir)), read_only=True) as con:
        assert con.execute("SELECT DISTINCT snapshot_date::VARCHAR FROM kg.models").fetchall() == [("2026-11-23",)]


HOLD_WRITE_LOCK = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])  # the build database, opened for writing as a run does
    con.execute("BEGIN")
    con.execute("INSERT INTO kg.models (id, snapshot_date) SELECT id || '-next', DATE '2026-11-23' FROM kg.models")
    print("locked", flush=True)
    time.sleep(60)
    """
)


def test_queries_read_the_last_good_build_while_a_run_holds_the_write_lock(
    small_world, emulator_for, run_pipeline
) -> None:
    run = run_pipeline(emulator_for(small_world))
    assert run.result.success
    warehouse = str(run.settings.warehouse_path)
    writer = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, warehouse], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "locked"
        try:  # the build database really is locked …
            duckdb.connect(warehouse, read_only=True).close()
            raise AssertionError("the build database should be locked by the writer")
        except duckdb.IOException:
            pass
        # … yet `hubkg query` answers at once, from the previous (complete) snapshot.
        env = {**os.environ, "HUBKG_DATA_DIR": str(run.settings.data_dir)}
        sql = "select count(*) as models, max(snapshot_date)::varchar as snapshot from kg.models"
        result = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "query", sql, "--format", "json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        with duckdb.connect(str(serving_path(run.settings.data_dir)), read_only=True) as con:
            expected = con.execute("SELECT count(*) FROM kg.models").fetchone()[0]
        assert json.loads(result.stdout) == [{"models": expected, "snapshot": "2026-11-22"}]
    finally:
        writer.kill()
        writer.wait()


def test_a_backfilled_day_rebuilds_its_own_snapshot_and_never_moves_main_back(
    small_world, emulator_for, run_pipeline, tmp_path
) -> None:
    next_day = tmp_path / "next-day"
    mutate_world(small_world, next_day, churn=0.05, seed=1)
    assert run_pipeline(emulator_for(small_world), snapshot="2026-11-22").result.success
    hub = emulator_for(next_day)
    run = run_pipeline(hub, snapshot="2026-11-23")
    assert run.result.success

    def models_by_day() -> dict[str, set[str]]:
        with duckdb.connect(str(run.settings.warehouse_path), read_only=True) as con:
            rows = con.execute("SELECT snapshot_date::VARCHAR, id FROM kg.models").fetchall()
        return {day: {i for d, i in rows if d == day} for day in {d for d, _ in rows}}

    before = models_by_day()
    assert before["2026-11-22"] != before["2026-11-23"]  # the day changed the graph

    # Backfill the first day while the Hub (and its published main) has moved on.
    backfill = run_pipeline(hub, snapshot="2026-11-22")
    assert backfill.result.success
    assert models_by_day() == before  # that day rebuilt from its own raw rows; the later day untouched
    (published,) = [
        e.materialization.metadata
        for e in backfill.result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["publish", "graph_dataset"])
    ]
    assert published["superseded_by"].value == "2026-11-23" and "commit" not in published
    manifest = HfApi(endpoint=hub.url).hf_hub_download(
        f"{run.settings.publish_namespace}/{run.settings.graph_repo}",
        "release.json",
        repo_type="dataset",
        cache_dir=tmp_path / "cache",
    )
    assert json.loads(Path(manifest).read_text())["snapshot_date"] == "2026-11-23"

    # A mart alone for the other day would read staging tables of the day just rebuilt: refused, nothing written.
    subset = (
        build_defs(backfill.settings)
        .resolve_job_def("hubkg_refresh")
        .execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
            partition_key="2026-11-23",
            asset_selection=[dg.AssetKey(["kg", "models"])],
        )
    )
    (failure,) = subset.get_step_failure_events()
    message = failure.event_specific_data.error.message
    assert "is built for snapshot 2026-11-23, but " in message and "stg_models holds 2026-11-22" in message
    assert models_by_day() == before
