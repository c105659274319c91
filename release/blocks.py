"""DuckDB's block size for the warehouse and the serving copy, chosen by how many rows a file holds.

DuckDB fixes a file's block size when it creates the file, and every table (and every table a day's build
rewrites) takes whole blocks: at the default 256 KB the ~170 tables of a build made a 34 MB file of 33K rows (5 MB
at 16 KB) and each day added a block per table touched. So new files start with 16 KB blocks.

But DuckDB bit-packs integers and timestamps only in blocks of 64 KB or more, and it writes small blocks slowly.
At HuggingKG's size (perf/block_sizes.py, and PERFORMANCE.md "The warehouse's block size at Hub scale"):
- the serving copy (31.7M rows) takes 1,421 MB at 16 KB, 1,247 MB at 64 KB (the counters 40 → 25 bytes a row);
- the built warehouse (67M rows) 5,360 MB in use at 16 KB, 4,947 MB at 64 KB, and its `dbt build` took 133.9 s
  at 16 KB, 101.6 s at 64 KB (98.1 s at 256 KB).
A 5K-node world's serving copy (56K rows) takes 4.4 MB at 16 KB and 9.4 MB at 64 KB, its warehouse (239K rows)
16.4 MB and 23.8 MB: the 64 KB blocks' fixed cost is repaid from ≈ 1M rows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

BLOCK_SIZE = 16 * 1024
LARGE_BLOCK_SIZE = 64 * 1024
# The serving copy is written whole each run: it takes 64 KB blocks when it copies this many rows (the per-snapshot
# marts' latest snapshot, not the window the build keeps, or a 26K world would cross it).
LARGE_FILE_ROWS = 1_000_000
# The warehouse is created before the crawl knows the Hub's size, so it starts at 16 KB and moves once, past this
# many stored rows (a 26K-node world's day 0 holds ≈ 0.7M and adds ≈ 12K kg rows a day; HuggingKG's size 67M).
LARGE_WAREHOUSE_ROWS = 5_000_000


def stored_rows(con: duckdb.DuckDBPyConnection) -> int:
    """Rows stored in the connection's own database (DuckDB's estimate: deleted rows count until compacted)."""
    query = "SELECT coalesce(sum(estimated_size), 0) FROM duckdb_tables() WHERE database_name = current_database()"
    return int((con.execute(query).fetchone() or (0,))[0])


def block_size(con: duckdb.DuckDBPyConnection) -> int:
    query = "SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()"
    return int((con.execute(query).fetchone() or (0,))[0])


def move_to_large_blocks(path: Path, config: dict[str, Any], min_rows: int) -> bool:
    """Copy the database file at `path` (tables, views, macros, constraints) into a new file of 64 KB blocks and
    rename it over the old one, if it uses smaller blocks and holds at least `min_rows` rows; returns whether it
    moved. `config`: the connection's settings (DuckDB's memory limit). Nothing else may have the file open (the
    warehouse's writers run one at a time, and the maintenance job is one of them): a writer of the old file during
    the copy would lose its writes to the rename."""
    with duckdb.connect(str(path), config=config) as con:
        if block_size(con) >= LARGE_BLOCK_SIZE or stored_rows(con) < min_rows:
            return False
        (catalog,) = con.execute("SELECT current_database()").fetchone() or ("",)
        moving = path.with_name(f".{path.name}.moving")
        moving.unlink(missing_ok=True)
        con.execute(f"ATTACH '{moving}' AS moving (BLOCK_SIZE {LARGE_BLOCK_SIZE})")
        try:
            con.execute(f'COPY FROM DATABASE "{catalog}" TO moving')
        except BaseException:
            con.execute("DETACH moving")
            moving.unlink(missing_ok=True)
            raise
        con.execute("DETACH moving")
    # The old file's connection is closed (its WAL checkpointed and gone): the copy takes its place whole.
    os.replace(moving, path)
    return True
