"""The transform alone: `dbt build` of one snapshot on a copy of a crawled warehouse, next to its floor.

    .venv/bin/python perf/dbt_build.py --warehouse <run dir>/hubkg.duckdb [--snapshot 2026-12-01] [--copy-to DIR]
        [--history N] [--show MODEL ...] [--keep FILE] [--threads N]

Copies the warehouse (the original is never written), runs the project's `dbt build` for the snapshot (default:
the latest whose model listing finished) under `/usr/bin/time`, and prints dbt's elapsed time, the process's wall
time, peak RSS and CPU use, the slowest nodes from `run_results.json`, and the transform floor
(`pipeline_stages.py`: read every raw table once, write every output table once) measured on the built copy.
`--history N` first gives the copy's marts N earlier snapshots (copies of the built one's rows), as a warehouse has
after N more days: a build should cost the same whatever history it keeps. `--show` also prints the named models'
times (to compare one model's change between two runs); `--keep` keeps the built copy (to compare two builds'
tables) and its `run_results.json` beside it. `--threads` runs that many dbt nodes at once instead of the
profile's 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
from pipeline_stages import SERVED_SCHEMAS, base_tables, timed, transform_floor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assets.dbt import DBT_EXECUTABLE, DBT_PROJECT  # noqa: E402
from crawler.store import refresh_views  # noqa: E402

SLOWEST = 15


def latest_snapshot(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        query = "SELECT max(snapshot_date) FROM raw.crawl_state WHERE source = 'models' AND done"
        return con.execute(query).fetchone()[0].isoformat()


def add_history(warehouse: Path, snapshot: str, days: int) -> None:
    """Copy the `snapshot` rows of every mart as the `days` snapshots before it."""
    with duckdb.connect(str(warehouse)) as con:
        marts = [(s, t) for s, t, columns in base_tables(con, SERVED_SCHEMAS) if "snapshot_date" in columns]
        for schema, table in marts:
            for back in range(1, days + 1):
                con.execute(
                    f'INSERT INTO {schema}."{table}" SELECT * REPLACE (snapshot_date - {back} AS snapshot_date) '
                    f'FROM {schema}."{table}" WHERE snapshot_date = ?',
                    [snapshot],
                )
    print(f"history: {len(marts)} marts given {days} earlier snapshots")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--snapshot", default=None)
    parser.add_argument("--copy-to", type=Path, default=None, help="directory for the copy (default: a temp dir)")
    parser.add_argument("--history", type=int, default=0, help="earlier snapshots to give the marts first")
    parser.add_argument("--show", nargs="*", default=[], help="models whose time to print besides the slowest")
    keep = "where to keep the built copy (and FILE.run_results.json)"
    parser.add_argument("--keep", type=Path, default=None, help=keep)
    parser.add_argument("--threads", type=int, default=None, help="dbt nodes run at once (default: the profile's)")
    args = parser.parse_args()
    snapshot = args.snapshot or latest_snapshot(args.warehouse)
    if args.copy_to:
        args.copy_to.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.copy_to) as work:
        copy = Path(work) / "hubkg.duckdb"
        shutil.copyfile(args.warehouse, copy)
        with duckdb.connect(str(copy)) as con:
            refresh_views(con)  # a raw layer an earlier version loaded gets the columns staging reads
        if args.history:
            add_history(copy, snapshot, args.history)
        env = {**os.environ, "HUBKG_DUCKDB_PATH": str(copy), "HUBKG_DATA_DIR": work}
        command = [DBT_EXECUTABLE, "build", "--quiet", "--vars", json.dumps({"snapshot_date": snapshot})]
        command += ["--project-dir", str(DBT_PROJECT.project_dir), "--profiles-dir", str(DBT_PROJECT.profiles_dir)]
        command += ["--target-path", f"{work}/target", "--log-path", f"{work}/logs"]
        if args.threads:
            command += ["--threads", str(args.threads)]
        wall, rss, cpu = timed(command, env)
        run = json.loads((Path(work) / "target" / "run_results.json").read_text())
        results, elapsed = run["results"], run["elapsed_time"]
        failed = [r["unique_id"] for r in results if r["status"] not in ("success", "pass")]
        nodes = sorted(((r["execution_time"], r["unique_id"]) for r in results), reverse=True)
        floor = transform_floor(copy, snapshot)
        if args.keep:
            shutil.copyfile(copy, args.keep)
            shutil.copyfile(Path(work) / "target" / "run_results.json", args.keep.with_suffix(".run_results.json"))
    print(f"snapshot {snapshot}: {len(results)} nodes, {len(failed)} not passed {failed[:5]}")
    print(f"dbt build: dbt elapsed {elapsed:.1f} s, process wall {wall:.1f} s, peak RSS {rss:,.0f} MiB")
    print(f"CPU {cpu:.1f} s: {cpu / wall:.2f} of the {os.cpu_count()} cores busy on average")
    models = sum(t for t, u in nodes if u.startswith("model."))
    tests = sum(t for t, u in nodes if u.startswith("test."))
    print(f"node time: models {models:.1f} s, tests {tests:.1f} s ({args.threads or 'profile'} threads)")
    for seconds, node in nodes[:SLOWEST]:
        print(f"  {seconds:6.1f} s  {node}")
    for seconds, node in nodes:
        if node.startswith("model.") and node.rsplit(".", 1)[1] in args.show:
            print(f"  shown: {seconds:6.1f} s  {node}")
    print(f"floor {floor:.1f} s; dbt elapsed / floor = {elapsed / floor:.1f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
