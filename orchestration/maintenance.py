"""Retention: a daily job prunes what the daily runs leave behind.

- Dagster's own storage older than `HUBKG_DAGSTER_RETENTION_DAYS`: run records with their event logs (through the
  instance), their compute logs, and the per-invocation dbt target folders (`dbt_project/target/<op>-<run>-<id>/`).
- Per-snapshot outputs beyond the latest snapshot and the `HUBKG_OUTPUT_RETENTION_DAYS` before it: the rows of the
  benchmarks and atlas marts, the dated folders of exports, benchmark files, atlas pictures and release folders, and
  the gates' validation results and Data Docs pages of older runs.
  Older snapshots stay public on the published repos, one tagged revision each. The kg history is kept whole.
  The kept dated folders' files that hold the same bytes are hard-linked into one, and the large files of the
  older `exports/` and `benchmarks/` folders are gzipped (the latest stays as consumers' tools read it).
- Raw snapshots older than `HUBKG_RAW_RETENTION_DAYS`; then every warehouse table whose deleted rows passed a share
  is rewritten, so that what the deletes freed is used again and the file grows with the live rows only.
- Once, when the warehouse passes `LARGE_WAREHOUSE_ROWS`: the file is copied into 64 KB blocks (release/blocks.py).
"""

import gzip
import hashlib
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable
from dagster._core.storage.event_log.sql_event_log import SqlEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster_duckdb import DuckDBResource

from assets.dbt import DBT_PROJECT
from assets.partitions import WAREHOUSE_TAG
from crawler import store
from release.blocks import LARGE_BLOCK_SIZE, LARGE_WAREHOUSE_ROWS, move_to_large_blocks
from release.serving import PER_SNAPSHOT_SCHEMAS

# Runs still going are never pruned, however old: their events are still being written.
# dagster-dbt writes each invocation's artifacts in a folder of its own under the project's target path.
# (DbtProject.target_path is relative to the project: "target")
DBT_TARGET = DBT_PROJECT.project_dir / DBT_PROJECT.target_path
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


@dataclass(frozen=True)
class Retention:
    """How long Dagster's run records, event and compute logs and dbt's per-run artifacts are kept."""

    days: float
    output_days: int = 7  # snapshots of outputs kept before the latest one
    raw_days: int = 0  # raw snapshots kept before the latest one (0: all)


# The folders with one subfolder per snapshot (the marts with a full copy per snapshot: PER_SNAPSHOT_SCHEMAS).
PER_SNAPSHOT_FOLDERS = ("exports", "benchmarks", "atlas", "releases/*")
# Those whose older snapshots' large files are gzipped (a tenth of the bytes: text and multi-hot arrays).
COMPRESSED_FOLDERS = ("exports", "benchmarks")
COMPRESS_MIN_BYTES = 1 << 20


@dataclass
class Pruned:
    runs: int = 0
    dbt_folders: int = 0
    index_bytes: int = 0
    mart_rows: int = 0
    output_folders: int = 0


# DuckDB reuses a deleted row's space only once its whole row group (≈ 122K rows) is deleted, and its checkpoint
# merges neighbouring row groups only when their live rows fit in fewer — never in a table of one or two groups
# (most tables at 26K nodes): the retention's deletes left 22% of raw's stored rows deleted after 14 days. Past
# this share of deleted rows a table is rewritten, each table about once per `1 / share` of its rows deleted.
COMPACT_DELETED_SHARE = 0.2


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
            _drop_check_executions(instance, run_id)
            _drop_event_shard(instance, run_id)
        pruned += len(runs)
        if len(records) < 100 or not runs:
            break
    return pruned


def _drop_check_executions(instance: dg.DagsterInstance, run_id: str) -> None:
    """`delete_run` deletes a run's events but not its rows in the index's check executions (each evaluation's
    event again, ≈ 2.7 MB a day's run): left, they grew DAGSTER_HOME by that much a day whatever the retention."""
    storage = instance.event_log_storage
    if isinstance(storage, SqlEventLogStorage) and storage.has_table(AssetCheckExecutionsTable.name):
        with storage.index_connection() as conn:
            conn.execute(AssetCheckExecutionsTable.delete().where(AssetCheckExecutionsTable.c.run_id == run_id))


def _drop_event_shard(instance: dg.DagsterInstance, run_id: str) -> None:
    """The default (SQLite) event storage keeps a database file per run, which `delete_run` empties but leaves."""
    storage = instance.event_log_storage
    if isinstance(storage, SqliteEventLogStorage):
        Path(storage.path_for_shard(run_id)).unlink(missing_ok=True)


def reclaim_event_index(instance: dg.DagsterInstance) -> int:
    """Bytes given back by the SQLite event index after runs were deleted. SQLite keeps a deleted run's pages in
    the file for reuse, and the index holds every event again (plus each check evaluation), so without this the
    file grew by what a day's run stores beyond the space the pruned one freed."""
    storage = instance.event_log_storage
    if not isinstance(storage, SqliteEventLogStorage):
        return 0
    index = Path(storage.path_for_shard(INDEX_SHARD_NAME))
    before = index.stat().st_size
    # A run writing events meanwhile waits on SQLite's lock, as Dagster's own connections do (busy timeout).
    with closing(sqlite3.connect(index, timeout=SQLITE_BUSY_TIMEOUT_SECONDS, isolation_level=None)) as db:
        db.execute("VACUUM")
    return before - index.stat().st_size


def prune_dbt_targets(target: Path, cutoff: datetime) -> int:
    """Delete the per-invocation dbt target folders last written before `cutoff`; the project's own manifest
    (the files directly in `target/`) stays."""
    pruned = 0
    for folder in target.iterdir() if target.is_dir() else ():
        if folder.is_dir() and folder.stat().st_mtime < cutoff.timestamp():
            shutil.rmtree(folder, ignore_errors=True)
            pruned += 1
    return pruned


def prune_snapshot_marts(con: duckdb.DuckDBPyConnection, keep_days: int) -> int:
    """Delete the rows of every benchmarks/atlas mart older than its latest snapshot minus `keep_days`."""
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.columns WHERE column_name = 'snapshot_date' "
        "AND table_schema IN ? AND table_catalog = current_database() AND (table_schema, table_name) IN "
        "(SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE') "
        "ORDER BY ALL",
        [list(PER_SNAPSHOT_SCHEMAS)],
    ).fetchall()
    pruned = 0
    for schema, table in tables:
        (deleted,) = con.execute(
            f'DELETE FROM {schema}."{table}" WHERE snapshot_date < '
            f'(SELECT max(snapshot_date) FROM {schema}."{table}") - INTERVAL (?) DAY',
            [keep_days],
        ).fetchone() or (0,)
        pruned += int(deleted)
    return pruned


def prune_raw_history(con: duckdb.DuckDBPyConnection, keep_days: int) -> int:
    """Forget the raw snapshots older than the latest crawled one minus `keep_days` (`store.forget_before`)."""
    if store.table_type(con, "crawl_state") is None:  # nothing crawled yet
        return 0
    latest = con.execute(f"SELECT max(snapshot_date) FROM {store.RAW_SCHEMA}.crawl_state").fetchone()
    if not latest or latest[0] is None:
        return 0
    return store.forget_before(con, latest[0] - timedelta(days=keep_days))


def compact_tables(con: duckdb.DuckDBPyConnection, min_deleted_share: float = COMPACT_DELETED_SHARE) -> list[str]:
    """Rewrite every warehouse table whose stored rows are at least `min_deleted_share` deleted ones: its live
    rows appended again in their order and the old rows deleted, in one transaction, so the old row groups are
    deleted whole. A checkpoint before the first and after each rewrite frees those row groups' blocks for the next
    copy: the file needs room for one table's copy at a time, not for a day's. Tables with a primary key or unique
    constraint (the crawl's queue of the day and its state) are left: their copy would collide. Returns the tables
    rewritten."""
    candidates = con.execute(
        "SELECT schema_name, table_name, estimated_size FROM duckdb_tables() WHERE database_name = current_database() "
        "AND NOT temporary AND estimated_size > 0 AND table_oid NOT IN (SELECT table_oid FROM duckdb_constraints() "
        "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')) ORDER BY ALL"
    ).fetchall()
    rewritten = []
    con.execute("CHECKPOINT")  # the row groups the retention's deletes emptied, free before anything is copied
    for schema, table, stored in candidates:
        name = f'{schema}."{table}"'
        (live,) = con.execute(f"SELECT count(*) FROM {name}").fetchone() or (0,)
        if stored - live < min_deleted_share * stored:
            continue
        with store.transaction(con):
            (last,) = con.execute(f"SELECT max(rowid) FROM {name}").fetchone() or (None,)
            con.execute(f"INSERT INTO {name} SELECT * FROM {name}")
            con.execute(f"DELETE FROM {name} WHERE rowid <= ?", [last])
        con.execute("CHECKPOINT")
        rewritten.append(f"{schema}.{table}")
    return rewritten


def _dated_folders(data_dir: Path) -> dict[Path, dict[date, Path]]:
    """Each per-snapshot output folder → its subfolders named by a snapshot date (`YYYY-MM-DD`)."""
    roots: dict[Path, dict[date, Path]] = {}
    for root in (r for pattern in PER_SNAPSHOT_FOLDERS for r in data_dir.glob(pattern) if r.is_dir()):
        dated = roots.setdefault(root, {})
        for folder in root.iterdir():
            try:
                day = date.fromisoformat(folder.name)
            except ValueError:
                continue
            if folder.is_dir():
                dated[day] = folder
    return roots


def prune_snapshot_folders(data_dir: Path, keep_days: int) -> int:
    """Delete the dated subfolders (`YYYY-MM-DD`) of each per-snapshot output folder older than its latest one
    minus `keep_days`; anything else in them (a leaderboard chart, a cache) stays."""
    pruned = 0
    for dated in (d for d in _dated_folders(data_dir).values() if d):
        cutoff = max(dated) - timedelta(days=keep_days)
        for day, folder in dated.items():
            if day < cutoff:
                shutil.rmtree(folder)
                pruned += 1
    return pruned


def _files(folder: Path) -> Iterator[Path]:
    """The files of a dated folder, without any being written (a hidden name: `.<name>.tmp`, `.<folder>.tmp/`)."""
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if not hidden and path.is_file() and not path.is_symlink():
            yield path


def compress_older_files(data_dir: Path) -> tuple[int, int]:
    """Gzip the large files of the kept `exports/` and `benchmarks/` folders older than the latest one (the text
    and numpy forms consumers' tools read: `triples.txt`, RecBole's `.kg`, LibKGE's splits, `y.npy`), as log
    rotation does: the latest snapshot stays as the tools read it, an older one costs a tenth. `<name>` becomes
    `<name>.gz` (`gunzip -k`; pandas reads it as it is). Parquet files are compressed already; the
    releases and the atlas are repos to publish and stay as they are. (files compressed, bytes saved)"""
    compressed = saved = 0
    done: dict[tuple[int, int], Path] = {}  # file → its compressed copy (RecBole's variants share their splits)
    roots = _dated_folders(data_dir)
    for dated in (roots.get(data_dir / name, {}) for name in COMPRESSED_FOLDERS):
        latest = max(dated, default=None)
        for folder in (folder for day, folder in dated.items() if day != latest):
            for path in _files(folder):
                stat = path.stat()
                if path.suffix in (".gz", ".parquet") or stat.st_size < COMPRESS_MIN_BYTES:
                    continue
                target = path.with_name(f"{path.name}.gz")
                partial = path.with_name(f".{target.name}.tmp")
                inode = (stat.st_dev, stat.st_ino)
                partial.unlink(missing_ok=True)  # left by a job stopped half way
                if inode in done:
                    os.link(done[inode], partial)
                else:
                    # mtime 0 and no name inside: the same bytes give the same file, which the links can share
                    with (
                        path.open("rb") as source,
                        partial.open("wb") as raw,
                        gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=raw, mtime=0) as sink,
                    ):
                        shutil.copyfileobj(source, sink, 1 << 20)
                partial.replace(target)
                done[inode] = target
                # bytes come free when a file's last name goes; a shared compressed copy cost once
                gz = target.stat()
                saved += (stat.st_size if stat.st_nlink == 1 else 0) - (gz.st_size if gz.st_nlink == 1 else 0)
                path.unlink()
                compressed += 1
    return compressed, saved


def link_identical_files(data_dir: Path) -> tuple[int, int]:
    """Hard-link the files of the kept dated output folders that hold the same bytes; (files linked, bytes freed).

    The same table is often the same file twice: an export's relation and the release's shard of it, a relation
    that did not change since yesterday, the atlas pictures in the Space's folder, the tracing splits' entity ids.
    Safe because no writer changes a file of a dated folder in place: each writes a new file and renames it (or a
    whole new folder), which leaves the other names of a linked file as they were."""
    # Candidates share a size and a file system (a folder may be a mount of its own: a link cannot cross it).
    candidates: dict[tuple[int, int], list[Path]] = {}
    for dated in _dated_folders(data_dir).values():
        for folder in dated.values():
            for path in _files(folder):
                stat = path.stat()
                candidates.setdefault((stat.st_dev, stat.st_size), []).append(path)
    linked = freed = 0
    for (_, size), paths in candidates.items():
        if size == 0 or len(paths) < 2:
            continue
        first: dict[bytes, Path] = {}
        digests: dict[tuple[int, int], bytes] = {}  # file → digest: a file linked earlier is read once
        for path in sorted(paths):
            stat = path.stat()
            inode = (stat.st_dev, stat.st_ino)
            if inode not in digests:
                with path.open("rb") as f:
                    digests[inode] = hashlib.file_digest(f, "blake2b").digest()
            kept = first.setdefault(digests[inode], path)
            if path.samefile(kept):
                continue
            partial = path.with_name(f".{path.name}.link")
            partial.unlink(missing_ok=True)  # left by a job stopped half way
            os.link(kept, partial)
            partial.replace(path)
            linked += 1
            freed += size if stat.st_nlink == 1 else 0
    return linked, freed


# Great Expectations keeps every validation result and its Data Docs page, one folder per run and suite.
GATE_RESULTS = ("gx/gx/uncommitted/validations", "gx/gx/uncommitted/data_docs/local_site/validations")


def prune_gate_results(data_dir: Path, keep_runs: int) -> int:
    """Keep each gate suite's last `keep_runs` validation results and Data Docs pages (run folders named by their
    UTC run time, so their names sort by age); the next gate run's Data Docs index lists what is left."""
    pruned = 0
    for root in (data_dir / r for r in GATE_RESULTS):
        for runs in root.glob("*/*") if root.is_dir() else ():
            for folder in sorted(p for p in runs.iterdir() if p.is_dir())[:-keep_runs]:
                shutil.rmtree(folder)
                pruned += 1
    return pruned


@dg.op
def prune_snapshot_outputs(
    context: dg.OpExecutionContext,
    storage_retention: dg.ResourceParam[Retention],
    warehouse: DuckDBResource,
    data_dir: dg.ResourceParam[Path],
) -> None:
    """Deletes benchmarks/atlas mart rows, dated output folders and gate results older than the latest snapshot
    minus the output retention, and raw snapshots older than the raw retention; the kg history is kept whole.
    Gzips the older kept exports' and benchmarks' large files and links the kept output files with the same
    bytes. Then rewrites the warehouse tables the deletes left mostly empty, and moves a warehouse grown past
    `LARGE_WAREHOUSE_ROWS` rows into larger blocks (release/blocks.py)."""
    keep, raw_days = storage_retention.output_days, storage_retention.raw_days
    with warehouse.get_connection() as con:
        rows = prune_snapshot_marts(con, keep)
        spans = prune_raw_history(con, raw_days) if raw_days else 0
        compacted = compact_tables(con)
    started = time.monotonic()
    if move_to_large_blocks(Path(warehouse.database), warehouse.connection_config, LARGE_WAREHOUSE_ROWS):
        context.log.info(
            f"the warehouse passed {LARGE_WAREHOUSE_ROWS:,} rows: copied into {LARGE_BLOCK_SIZE // 1024} KB blocks "
            f"in {time.monotonic() - started:.1f} s"
        )
    folders = prune_snapshot_folders(data_dir, keep)
    compressed, saved = compress_older_files(data_dir)
    linked, freed = link_identical_files(data_dir)
    gates = prune_gate_results(data_dir, keep + 1)
    context.log.info(
        f"kept the latest snapshot and {keep} days before it: {rows} mart rows, {folders} folders, "
        f"{gates} gate result folders pruned; {compressed} older output files gzipped ({saved / 1e6:.1f} MB saved), "
        f"{linked} linked to a kept file with the same bytes ({freed / 1e6:.1f} MB freed); raw: {spans} reference "
        "spans older than "
        + (f"{raw_days} days forgotten" if raw_days else "the latest snapshot kept (raw retention 0: all)")
        + f"; {len(compacted)} tables rewritten without their deleted rows ({', '.join(compacted) or 'none'})"
    )


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
    if pruned.runs:
        pruned.index_bytes = reclaim_event_index(context.instance)
    context.log.info(
        f"kept {storage_retention.days:g} days: pruned {pruned.runs} runs and {pruned.dbt_folders} dbt target "
        f"folders older than {cutoff:%Y-%m-%d %H:%M} UTC, {pruned.index_bytes / 1e6:.1f} MB given back by the "
        f"event index, in {time.monotonic() - started:.1f} s"
    )


# It deletes warehouse rows: one writer at a time, like the refresh runs (dagster.yaml's run queue).
@dg.job(tags={"hubkg/maintenance": "storage", **WAREHOUSE_TAG})
def maintenance_job() -> None:
    """Prunes Dagster's own storage (runs, event and compute logs), dbt's per-run artifacts, and per-snapshot
    outputs past their retention settings, gzipping the older kept exports' and benchmarks' large files and
    hard-linking the kept output files with the same bytes; rewrites warehouse tables the deletes left mostly empty,
    and moves a warehouse grown to Hub size into larger blocks once (release/blocks.py)."""
    prune_dagster_storage()
    prune_snapshot_outputs()


daily_maintenance = dg.ScheduleDefinition(
    name="daily_maintenance",
    job=maintenance_job,
    cron_schedule="30 5 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily: prune Dagster runs, event and compute logs and dbt target folders past their retention.",
)
