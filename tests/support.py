"""Helpers the test modules share: dbt on a test warehouse, crawl configurations built from the settings."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from assets.dbt import DBT_EXECUTABLE, DBT_PROJECT
from crawler.config import CrawlConfig
from orchestration.settings import Settings


def run_dbt(
    command: str,
    warehouse: Path,
    work: Path,
    select: str,
    variables: dict | None = None,
    flags: tuple[str, ...] = (),
    project_dir: Path = DBT_PROJECT.project_dir,
) -> None:
    """`dbt <command> --select <select> <flags>` on `warehouse`, with its own target and log paths (the project's
    manifest stays as Dagster loaded it); raises `CalledProcessError` (dbt's output in its
    `stdout`, and printed for pytest's report) if a model or a test fails. `project_dir`: another copy of the
    project (an earlier layout's models)."""
    result = subprocess.run(
        [
            DBT_EXECUTABLE,
            command,
            "--quiet",
            "--select",
            select,
            *flags,
            *(["--vars", json.dumps(variables)] if variables else []),
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(DBT_PROJECT.profiles_dir),
            "--target-path",
            str(work / "dbt-target"),
            "--log-path",
            str(work / "dbt-logs"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HUBKG_DUCKDB_PATH": str(warehouse)},
    )
    print(result.stdout, result.stderr)
    result.check_returncode()


def crawl_config(endpoint: str, **overrides: Any) -> CrawlConfig:
    """The crawl a run with these settings would make (every other setting at its default)."""
    return Settings(endpoint=endpoint, **overrides).crawl()


def insert_raw(con: Any, source: str, head: dict[str, Any], **columns: str) -> None:
    """One row into `raw.<source>` as the crawler stores it (a reference, the body once): `head` holds
    snapshot_date, observed_at (and page for a listing); `columns` the source's own columns and `body` (JSON text)."""
    import pyarrow as pa

    from crawler import store

    row = {name: [value] for name, value in columns.items()} | {"counters": pa.nulls(1, pa.string())}
    store.append_rows(con, source, head, pa.table(row))
