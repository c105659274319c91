"""Rows and bytes of the crawl's bookkeeping (`raw.fetch_queue`) per day of a mutating world, crawled over HTTP by
the raw assets only (`tests.crawl.conftest.snapshot_raw`, incremental refresh).

    .venv/bin/python -m perf.crawl_bookkeeping --nodes 5000 --days 4 --work W --json out.json

Day 0 is a generated world (seed 25), each later day `mutate_world` of the one before (churn 0.01, the default
counter drift). After each day's crawl: `CHECKPOINT`, then per table of the fetch queue (whatever its layout) the
rows it stores and its 16 KB blocks (`pragma_storage_info`), the queue rows of the day as readers see them, and
the file's blocks in use (`pragma_database_size`), of which the blocks no table's column holds (indexes, free).
"""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb

from hub_emulator.server import HubEmulator
from hub_emulator.worldgen.generate import generate_world
from hub_emulator.worldgen.mutate import mutate_world
from tests.crawl.conftest import snapshot_raw

FIRST_DAY = date(2026, 11, 22)


# A table's blocks: each segment's block and any it spills into (constant segments have none: -1).
BLOCKS = (
    "SELECT count(DISTINCT b) FROM (SELECT block_id AS b FROM pragma_storage_info($1) WHERE block_id >= 0 "
    "UNION ALL SELECT unnest(additional_block_ids) FROM pragma_storage_info($1))"
)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def measure(warehouse: Path, snapshot: date) -> dict[str, object]:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CHECKPOINT")
        block = _one(con, "SELECT block_size FROM pragma_database_size()")
        used = _one(con, "SELECT used_blocks FROM pragma_database_size()")
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
        held = 0
        queue: dict[str, dict[str, int]] = {}
        for schema, name in tables:
            blocks = _one(con, BLOCKS, [f"{schema}.{name}"])
            held += blocks
            if schema == "raw" and name.startswith("fetch_queue"):
                queue[name] = {"rows": _one(con, f"SELECT count(*) FROM raw.{name}"), "bytes": blocks * block}
        return {
            "day": snapshot.isoformat(),
            "queue_rows_of_day": _one(con, "SELECT count(*) FROM raw.fetch_queue WHERE snapshot_date = ?", [snapshot]),
            "queue_tables": queue,
            "queue_rows_stored": sum(t["rows"] for t in queue.values()),
            "queue_bytes": sum(t["bytes"] for t in queue.values()),
            "used_bytes": used * block,
            "unattributed_bytes": (used - held) * block,  # indexes and free-listed blocks (tables may share blocks)
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--days", type=int, default=4, help="days after day 0")
    parser.add_argument("--churn", type=float, default=0.01)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    world = args.work / "day0"
    generate_world(world, nodes=args.nodes, seed=25)
    results = []
    for day in range(args.days + 1):
        if day:
            following = args.work / f"day{day}"
            mutate_world(world, following, args.churn, seed=day)
            world = following
        snapshot = FIRST_DAY + timedelta(days=day)
        with HubEmulator(world, args.work / f"hub-{day}") as hub:
            assert snapshot_raw(hub.url, args.work / "data", snapshot.isoformat()).success
        results.append(measure(args.work / "data" / "hubkg.duckdb", snapshot))
        print(json.dumps(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
