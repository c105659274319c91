"""The serving copy's block size follows its size: small blocks for a small world's many small tables, 64 KB ones
(where DuckDB bit-packs integers) once it holds a million rows — the rows it holds, not the window of snapshots
the build keeps."""

from pathlib import Path

import duckdb
import pytest

from release.blocks import BLOCK_SIZE, LARGE_BLOCK_SIZE, LARGE_FILE_ROWS
from release.serving import refresh_serving_copy, serving_path

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(("rows", "block_size"), [(50_000, BLOCK_SIZE), (LARGE_FILE_ROWS, LARGE_BLOCK_SIZE)])
def test_the_copy_takes_the_block_size_of_its_size(tmp_path: Path, rows: int, block_size: int) -> None:
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        con.execute("CREATE SCHEMA kg; CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE kg.models__counters AS SELECT md5_number(i::VARCHAR) AS row_hash, DATE '2026-12-01' AS "
            f"snapshot_date, (i * 7919) % 1000003 AS downloads FROM range({rows}) t(i)"
        )
        con.execute(f"CREATE TABLE raw.models__spans AS SELECT i FROM range({LARGE_FILE_ROWS}) t(i)")  # not served
        # a per-snapshot mart keeps a window of snapshots, the copy its latest: 1.2M rows kept, 400K copied
        con.execute("CREATE SCHEMA atlas")
        con.execute(
            "CREATE TABLE atlas.atlas_nodes AS SELECT DATE '2026-12-01' - (i % 3)::INTEGER AS snapshot_date, i "
            "FROM range(1200000) t(i)"
        )
        counts = refresh_serving_copy(con, tmp_path, "run")
    assert counts == {"atlas.atlas_nodes": 400_000, "kg.models__counters": rows}
    with duckdb.connect(str(serving_path(tmp_path)), read_only=True) as served:
        assert served.execute("SELECT block_size FROM pragma_database_size()").fetchone() == (block_size,)
        served.execute(f"ATTACH '{tmp_path / 'build.duckdb'}' AS build (READ_ONLY)")
        for table in ("kg.models__counters", "atlas.atlas_nodes"):  # the same rows, compared in SQL (1M of them)
            built = f"(SELECT * FROM build.{table} WHERE snapshot_date = DATE '2026-12-01')"
            for a, b in ((table, built), (built, table)):
                assert served.execute(f"SELECT count(*) FROM (FROM {a} EXCEPT ALL FROM {b})").fetchone() == (0,)
        compressions = {
            c
            for (c,) in served.execute(
                "SELECT DISTINCT compression FROM pragma_storage_info('kg.models__counters') "
                "WHERE column_name = 'downloads' AND segment_type = 'BIGINT'"
            ).fetchall()
        }
    # the point of the large blocks: counters bit-packed, not stored as 8 bytes each
    assert ("BitPacking" in compressions) == (block_size == LARGE_BLOCK_SIZE)
