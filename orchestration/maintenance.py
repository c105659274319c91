"""Retention of Dagster's own storage: a daily job prunes what runs leave behind once it is older than
`HUBKG_DAGSTER_RETENTION_DAYS` — run records with their event logs (through the instance), their compute logs, and
the per-invocation dbt target folders (`dbt_project/target/<op>-<run>-<id>/`, a manifest and run results each).
Without it DAGSTER_HOME grows by every run's events and logs for as long as the daily schedule runs."""

import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from assets.dbt import DBT_PROJECT

# Runs still going are never pruned, however old: their events are still being written.
# dagster-dbt writes each invocation's artifacts in a folder of its own under the project's target path.
DBT_TARGET = DBT_PROJECT.target_path
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


@dataclass(frozen=True)
class Retention:
    """How long Dagster's run records, event and compute logs and dbt's per-run artifacts are kept."""

    days: float


@dataclass
class Pruned:
    runs: int = 0
    dbt_folders: int = 0


def prune_runs(instance: dg.DagsterInstance, cutoff: datetime, keep: str | None = None) -> int:
    """Delete every finished run created before `cutoff` (but `keep`): its record, event log and compute logs."""
    pruned = 0
    while records := instance.get_run_records(
        dg.RunsFilter(created_before=cutoff, statuses=FINISHED), limit=100, ascending=True
    ):
        runs = [r.dagster_run.run_id for r in records if r.dagster_run.run_id != keep]
        for run_id in runs:
            instance.compute_log_manager.delete_logs(prefix=[run_id])
            instance.delete_run(run_id)
            _drop_event_shard(instance, run_id)
        pruned += len(runs)
        if len(records) < 100 or not runs:
            break
    return pruned


def _drop_event_shard(instance: dg.DagsterInstance, run_id: str) -> None:
    """The default (SQLite) event storage keeps a database file per run, which `delete_run` empties but leaves."""
    storage = instance.event_log_storage
    if isinstance(storage, SqliteEventLogStorage):
        Path(storage.path_for_shard(run_id)).unlink(missing_ok=True)


def prune_dbt_targets(target: Path, cutoff: datetime) -> int:
    """Delete the per-invocation dbt target folders last written before `cutoff`; the project's own manifest
    (the files directly in `target/`) stays."""
    pruned = 0
    for folder in target.iterdir() if target.is_dir() else ():
        if folder.is_dir() and folder.stat().st_mtime < cutoff.timestamp():
            shutil.rmtree(folder, ignore_errors=True)
            pruned += 1
    return pruned


@dg.op
def prune_dagster_storage(context: dg.OpExecutionContext, storage_retention: dg.ResourceParam[Retention]) -> None:
    """Deletes finished runs (records, event logs, compute logs) and dbt target folders older than the
    retention setting."""
    cutoff = datetime.now(UTC) - timedelta(days=storage_retention.days)
    started = time.monotonic()
    pruned = Pruned(
        runs=prune_runs(context.instance, cutoff, keep=context.run_id),
        dbt_folders=prune_dbt_targets(DBT_TARGET, cutoff),
    )
    context.log.info(
        f"kept {storage_retention.days:g} days: pruned {pruned.runs} runs and {pruned.dbt_folders} dbt target "
        f"folders older than {cutoff:%Y-%m-%d %H:%M} UTC in {time.monotonic() - started:.1f} s"
    )


@dg.job(tags={"hubkg/maintenance": "storage"})
def maintenance_job() -> None:
    """Prunes Dagster's own storage (runs, event and compute logs) and dbt's per-run artifacts past the
    retention setting."""
    prune_dagster_storage()


daily_maintenance = dg.ScheduleDefinition(
    name="daily_maintenance",
    job=maintenance_job,
    cron_schedule="30 5 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily: prune Dagster runs, event and compute logs and dbt target folders past their retention.",
)
