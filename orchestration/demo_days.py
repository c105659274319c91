"""Play several daily snapshots of a mutating world through the whole pipeline and print, per day, what each cost:
requests to the Hub, wall time, bytes on disk per directory (DAGSTER_HOME included) and rows added per layer.

    .venv/bin/hubkg demo --days 10 --churn 0.01 --nodes 3000           # what `hubkg demo --days` runs
    .venv/bin/python -m orchestration.demo_days --days 10 --nodes 26000 --json out.json

Day 0 serves the world (generated with `--nodes`, or `--world`); each later day serves the previous day mutated by
`hub_emulator mutate` with structural `--churn` and `--counter-drift`. Snapshot dates end today, one per day, each
run through `orchestration.launch` exactly as `hubkg demo` runs one, then the daily `maintenance_job` with
`--retention` days (as the daily schedule would). The data directory and DAGSTER_HOME are fresh folders under
`--work` (default: a temporary folder), so the figures are this run's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from hub_emulator.worldgen.generate import generate_world
from hub_emulator.worldgen.mutate import COUNTER_DRIFT, mutate_world
from orchestration.emulator_process import pipeline_environment, running_emulator
from orchestration.settings import PROJECT_ROOT, Settings

DBT_TARGET = PROJECT_ROOT / "dbt_project" / "target"

LAYERS = ("raw", "staging", "intermediate", "kg", "benchmarks", "atlas")


@dataclass
class Day:
    snapshot: str
    requests: int
    seconds: float
    bytes: dict[str, int] = field(default_factory=dict)  # directory → bytes on disk after the day
    rows: dict[str, int] = field(default_factory=dict)  # layer → rows stored in its base tables after the day
    kg_changes: int = 0
    kg_written: dict[str, int] = field(default_factory=dict)  # kg rows the build inserted or updated, by kind
    warehouse_free: int = 0  # bytes of the DuckDB file in free blocks (reused by later writes)


def du(path: Path, seen: set[tuple[int, int]] | None = None) -> int:
    """Bytes of the files under `path`, a hard-linked file once (as `du` counts them): with `seen` shared by several
    calls, once across them, in the first that finds it."""
    seen = set() if seen is None else seen
    total = 0
    for stat in (p.stat() for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()):
        if (stat.st_dev, stat.st_ino) not in seen:
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_size
    return total


def directory_bytes(data: Path, dagster_home: Path) -> dict[str, int]:
    """Bytes on disk per directory; a file linked into several directories (maintenance links output files with
    the same bytes) counts once, in the first in name order, so the directories add up to what the disk holds."""
    seen: set[tuple[int, int]] = set()
    sizes = {p.name: du(p, seen) for p in sorted(data.iterdir()) if p.name != "emulator"}
    sizes["DAGSTER_HOME"] = du(dagster_home)
    # dbt's per-invocation artifacts (manifest, run results) live in the project (pruned by maintenance_job); in a
    # checkout where nothing else runs dbt meanwhile, their growth is this run's
    sizes["dbt_target"] = du(DBT_TARGET)
    return sizes


def kg_rows_written(con: duckdb.DuckDBPyConnection, day: date | str) -> dict[str, int]:
    """Every kg row a build of `day` inserted or updated, by kind: `history` (interval rows opened or closed that
    day), `counters` (narrow counter rows opened or closed), `bookkeeping` (the day's row in each model's
    `__snapshots` table: one per kg model, whatever the size or the change) and `change_log` (kg_changes' rows
    where it is still stored, as before its first build in the view layout; a view writes none)."""
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'kg' AND table_type = 'BASE TABLE' "
        "AND table_catalog = current_database()"
    ).fetchall()
    written = {"history": 0, "counters": 0, "bookkeeping": 0, "change_log": 0}
    kinds = {"history": "history", "counters": "counters", "snapshots": "bookkeeping"}
    for (table,) in tables:
        kind = "change_log" if table == "kg_changes" else kinds.get(table.rpartition("__")[2])
        if kind is None:
            raise ValueError(f"kg.{table} is not an interval, counters or snapshots table: count its rows here")
        opened = "valid_from" if kind == "history" else "snapshot_date"
        closed = " OR valid_to = $1" if kind in ("history", "counters") else ""
        condition = f"{opened} = $1{closed}"
        written[kind] += con.execute(f'SELECT count(*) FROM kg."{table}" WHERE {condition}', [day]).fetchall()[0][0]
    return written


def warehouse_figures(warehouse: Path, day: Day) -> None:
    """Fill `day`'s rows stored per layer (base tables: what takes the disk), kg_changes and kg rows written, and
    the DuckDB file's free bytes."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, sum(estimated_size) FROM duckdb_tables() WHERE database_name = current_database() "
            "GROUP BY 1"
        ).fetchall()
        day.rows = dict.fromkeys(LAYERS, 0) | {schema: int(n) for schema, n in tables if schema in LAYERS}
        changes = con.execute("SELECT count(*) FROM kg.kg_changes WHERE snapshot_date = ?", [day.snapshot]).fetchall()
        day.kg_changes = int(changes[0][0])
        day.kg_written = kg_rows_written(con, day.snapshot)
        ((block_size, free_blocks),) = con.execute(
            "SELECT block_size, free_blocks FROM pragma_database_size() WHERE database_name = current_database()"
        ).fetchall()
        day.warehouse_free = int(block_size) * int(free_blocks)


def run_day(world: Path, snapshot: str, data: Path, dagster_home: Path) -> tuple[int, float]:
    """One `hubkg_refresh` run of `snapshot` against `world`; returns (GET requests served, wall seconds)."""
    log = data / "emulator" / f"requests-{snapshot}.jsonl"
    started = time.monotonic()
    with running_emulator(world, data / "emulator", log=log) as url:
        # the run `hubkg demo` launches: the refresh job of one partition, recorded in DAGSTER_HOME
        command = [sys.executable, "-m", "orchestration.launch", "--partition", snapshot]
        env = pipeline_environment(url, dagster_home) | {"HUBKG_DATA_DIR": str(data)}
        output = data.parent / "logs" / f"day-{snapshot}.log"  # beside the data: not counted in its bytes
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as sink:
            result = subprocess.run(command, env=env, cwd=PROJECT_ROOT, stdout=sink, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"the run of {snapshot} failed (exit {result.returncode}); its log: {output}")
    requests = sum('"GET"' in line for line in log.read_text(encoding="utf-8").splitlines())
    return requests, time.monotonic() - started


def run_maintenance(data: Path, dagster_home: Path, keep: int) -> None:
    """The daily `maintenance_job`, run in this process against the day's instance and warehouse, keeping `keep`
    simulated days: the runs (and dbt target folders) of the `keep` latest days, the outputs of the latest snapshot
    and the `keep` before it; raw as the settings say (`HUBKG_RAW_RETENTION_DAYS`). The days here are minutes
    apart, so the Dagster retention is given in the wall time since the oldest run kept."""
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from orchestration.maintenance import Retention, maintenance_job

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_run_records(dg.RunsFilter(job_name="hubkg_refresh"), limit=keep + 1)
        oldest_kept = runs[keep - 1].create_timestamp if len(runs) > keep else None
        days = (datetime.now(UTC) - oldest_kept).total_seconds() / 86400 + 1e-5 if oldest_kept else float(keep)
        resources = {
            "storage_retention": Retention(days, keep, Settings().raw_retention_days),
            "warehouse": DuckDBResource(database=str(data / "hubkg.duckdb")),
            "data_dir": data,
        }
        assert maintenance_job.execute_in_process(instance=instance, resources=resources).success


def play(
    days: int, churn: float, counter_drift: float, nodes: int, world: Path | None, work: Path, keep: int = 7
) -> list[Day]:
    """Play `days` daily snapshots, each followed by the maintenance job keeping `keep` days; prints each day's
    line as it finishes and returns them all."""
    data, dagster_home = work / "data", work / "dagster_home"
    data.mkdir(parents=True, exist_ok=True)
    today = datetime.now(UTC).date()
    if world is None:
        world = work / "world-0"
        generate_world(world, nodes=nodes, seed=25)
    played: list[Day] = []
    for n in range(days):
        if n:
            mutate_world(world, work / f"world-{n}", churn, seed=n, counter_drift=counter_drift)
            world = work / f"world-{n}"
        snapshot = (today - timedelta(days=days - 1 - n)).isoformat()
        requests, seconds = run_day(world, snapshot, data, dagster_home)
        run_maintenance(data, dagster_home, keep)  # as the daily schedule does
        day = Day(snapshot, requests, seconds, directory_bytes(data, dagster_home))
        warehouse_figures(data / "hubkg.duckdb", day)
        played.append(day)
        print_day(day, played[0], played[-2] if n else None)
    return played


def print_day(day: Day, first: Day, before: Day | None) -> None:
    total = sum(day.bytes.values())
    added = total - sum(before.bytes.values()) if before else total
    grown = {k: v - (before.bytes.get(k, 0) if before else 0) for k, v in day.bytes.items()}
    rows = {k: v - (before.rows.get(k, 0) if before else 0) for k, v in day.rows.items()}
    print(
        f"{day.snapshot}: {day.requests:,} requests, {day.seconds:,.1f} s, {total / 1e6:,.1f} MB on disk "
        f"(+{added / 1e6:,.2f} MB = {100 * added / max(sum(first.bytes.values()), 1):.1f}% of day 0), "
        f"kg_changes {day.kg_changes:,}, kg rows written {sum(day.kg_written.values()):,} "
        f"({', '.join(f'{k} {v:,}' for k, v in day.kg_written.items())}), "
        f"warehouse free blocks {day.warehouse_free / 1e6:,.2f} MB",
        flush=True,
    )
    print("    bytes added: " + ", ".join(f"{k} {v / 1e6:+.2f} MB" for k, v in grown.items()), flush=True)
    print("    rows added:  " + ", ".join(f"{k} {v:+,}" for k, v in rows.items()), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.demo_days", description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--work", type=Path, help="folder for the worlds, data and DAGSTER_HOME (kept)")
    parser.add_argument("--json", type=Path, help="write every day's figures here")
    args = parser.parse_args(argv)
    return run(args)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--days", type=int, default=3, help="daily snapshots to play")
    parser.add_argument("--churn", type=float, default=0.01, help="structural share of the world changed per day")
    parser.add_argument("--counter-drift", type=float, default=COUNTER_DRIFT, help="share whose downloads move")
    parser.add_argument("--nodes", type=int, default=3000, help="size of the generated day-0 world")
    parser.add_argument(
        "--retention",
        type=int,
        default=7,
        help="days of Dagster runs and of per-snapshot outputs the maintenance job keeps after each day (default: "
        "the settings' default, 7)",
    )


def run(args: argparse.Namespace) -> int:
    """Play the days of `args` (see `add_arguments`; `work`, `json` and `world` optional)."""
    work = getattr(args, "work", None)
    with tempfile.TemporaryDirectory(prefix="hubkg-days-") as tmp:
        played = play(
            args.days,
            args.churn,
            args.counter_drift,
            args.nodes,
            getattr(args, "world", None),
            work or Path(tmp),
            args.retention,
        )
    if getattr(args, "json", None):
        args.json.write_text(json.dumps([asdict(d) for d in played], indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    sys.exit(main())
