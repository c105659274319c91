"""Operating HubKG: the daily schedule drives the whole pipeline, a backfilled day rebuilds only its own snapshot,
and SQL on the serving copy never waits for a run nor sees a half-built state."""

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from huggingface_hub import HfApi

from assets.partitions import WAREHOUSE_TAG
from hub_emulator.worldgen.mutate import mutate_world
from orchestration.definitions import defs
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
    con.execute(  # kg.models is the latest snapshot of its interval history: the write goes to the history
        "INSERT INTO kg.models__history (id, valid_from) SELECT id || '-next', DATE '2026-11-23' FROM kg.models"
    )
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


def test_a_backfilled_older_day_is_refused_and_history_kept(small_world, emulator_for, run_pipeline, tmp_path) -> None:
    """The kg history is kept as intervals: a run of a day older than the latest would rewrite it, so it stops with
    a clear message (a rebuild of history is asked for explicitly, with dbt's `rebuild_history` var) and nothing
    of either day changes; the Hub's published main is not touched."""
    next_day = tmp_path / "next-day"
    mutate_world(small_world, next_day, churn=0.05, seed=1)
    assert run_pipeline(emulator_for(small_world), snapshot="2026-11-22").result.success
    hub = emulator_for(next_day)
    run = run_pipeline(hub, snapshot="2026-11-23")
    assert run.result.success

    def models_by_day() -> dict[str, set[str]]:
        with duckdb.connect(str(run.settings.warehouse_path), read_only=True) as con:
            return {
                day: {i for (i,) in con.execute("SELECT id FROM kg.models__as_of(?::DATE)", [day]).fetchall()}
                for day in ("2026-11-22", "2026-11-23")
            }

    before = models_by_day()
    assert before["2026-11-22"] != before["2026-11-23"]  # the day changed the graph

    # Backfill the first day while the Hub (and its published main) has moved on: refused where it would first
    # write, by the raw layer (its references of 2026-11-22 are folded into intervals), so no staging table or mart
    # is rebuilt for the older day. (dbt's own refusal of an older kg build, with `rebuild_history`, is
    # tests/kg/test_graph.py's.)
    backfill = run_pipeline(hub, snapshot="2026-11-22")
    assert not backfill.result.success

    def messages(error: Any) -> list[str]:  # a step's SerializableErrorInfo and its causes
        return [error.message, *messages(error.cause)] if error else []

    refused = " ".join(
        m for f in backfill.result.get_step_failure_events() for m in messages(f.event_specific_data.error)
    )
    assert "would rewrite history" in refused and "is not newer than its folded history" in refused
    assert models_by_day() == before
    with duckdb.connect(str(run.settings.warehouse_path), read_only=True) as con:
        assert con.execute("SELECT DISTINCT snapshot_date::VARCHAR FROM staging.stg_models").fetchall() == [
            ("2026-11-23",)
        ]
    assert not any(
        e.asset_key == dg.AssetKey(["publish", "graph_dataset"])
        for e in backfill.result.get_asset_materialization_events()
    )
    manifest = HfApi(endpoint=hub.url).hf_hub_download(
        f"{run.settings.publish_namespace}/{run.settings.graph_repo}",
        "release.json",
        repo_type="dataset",
        cache_dir=tmp_path / "cache",
    )
    assert json.loads(Path(manifest).read_text())["snapshot_date"] == "2026-11-23"
