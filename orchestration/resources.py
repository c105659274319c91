"""Resources injected into assets and checks, all built from the one `Settings`.

The crawler and the publisher take plain configuration objects of their own (`CrawlConfig`, `PublishTarget`), so
they stay free of Dagster; assets receive them as resources (`dg.ResourceParam`), the data directory as a `Path`.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from assets.dbt import DBT_EXECUTABLE, DBT_PROJECT
from orchestration.maintenance import Retention
from orchestration.settings import Settings
from release.blocks import BLOCK_SIZE


class RunInProgress(dg.Failure):
    """Another run holds the warehouse: this one stops before it writes anything."""


def acquire_writer_lock(lock_path: Path, run_id: str, partition: str) -> IO[str]:
    """Take the one-writer lock of a warehouse for a run, or raise `RunInProgress` naming the run that holds it.
    The kernel releases the lock when its holder exits, even on kill -9: a crashed run never leaves it stuck."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        try:
            holder = json.loads(handle.read() or "{}")
        except ValueError:  # written by the holder at this very moment: the lock itself is what counts
            holder = {}
        handle.close()
        raise RunInProgress(
            f"a run for {holder.get('partition') or 'the warehouse'} is already in progress "
            f"(run id {holder.get('run_id', 'unknown')}, since {holder.get('since', '?')}); "
            f"this run ({run_id}, partition {partition or 'none'}) wrote nothing"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"run_id": run_id, "partition": partition, "since": datetime.now(UTC).isoformat()}))
    handle.flush()
    return handle


class WarehouseResource(DuckDBResource):
    """The build warehouse (DuckDB, one writer per file), held by one run at a time whatever launched it (CLI,
    `dagster job execute`, schedule, UI): the run takes a lock file beside the database when the resource is set
    up and keeps it to its end, so a second run fails at once with the run that holds it, instead of on DuckDB's
    file lock halfway through."""

    _lock: IO[str] | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.dagster_run
        if run is None:  # building the resource outside a run (a test's direct use): nothing to guard
            return
        partition = run.tags.get("dagster/partition", "")
        self._lock = acquire_writer_lock(Path(f"{self.database}.run.lock"), run.run_id, partition)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """dagster-duckdb's connection, closed also when the step raises (its own skips the close then, and an
        in-process run keeps the failed step's read-write connection open, so a later read-only open fails)."""
        with super().get_connection() as connection:
            try:
                yield connection
            finally:
                connection.close()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None


def build_resources(settings: Settings) -> dict[str, Any]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # dbt reads the warehouse path and DuckDB's memory limit from the environment (dbt_project/profiles.yml), so dbt
    # and Python agree.
    os.environ["HUBKG_DUCKDB_PATH"] = str(settings.warehouse_path)
    os.environ["HUBKG_DUCKDB_BUFFER_LIMIT"] = settings.duckdb_buffer_limit
    return {
        "warehouse": WarehouseResource(
            database=str(settings.warehouse_path),
            # the block size applies when this connection creates the file (dbt's profile sets the same)
            connection_config={"memory_limit": settings.duckdb_buffer_limit, "default_block_size": str(BLOCK_SIZE)},
        ),
        "hub": settings.crawl(),
        "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE),
        "publisher": settings.publish_target(),
        "data_dir": settings.data_dir,
        "storage_retention": Retention(
            settings.dagster_retention_days, settings.output_retention_days, settings.raw_retention_days
        ),
    }
