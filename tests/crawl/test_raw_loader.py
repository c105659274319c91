"""The perf raw loader writes the raw layer a real crawl writes: same rows in every raw table (fetch times aside),
so the later stages measured on a loaded raw layer are measured on what a crawl would have given them."""

from datetime import date
from pathlib import Path

import duckdb

from hub_emulator.server import HubEmulator
from perf.raw_loader import load_raw
from tests.crawl.conftest import SNAPSHOT, snapshot_raw

# Fetch times, and the storage position of a reference (raw views expose it for staging's dedup; the loader
# writes in its own order)
FETCH_TIMES = ("observed_at", "updated_at", "rowid", "ref_id")
# The folded history of references (crawler/store.py): empty while a warehouse holds one snapshot
FOLDED = ("__spans", "__stamps", "__folded")


def _raw_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT table_name, list(column_name ORDER BY ordinal_position) FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_schema = 'raw' GROUP BY ALL",
        [catalog],
    ).fetchall()
    return dict(rows)


def test_loaded_raw_layer_equals_a_crawl(crawl_world: Path, tmp_path: Path) -> None:
    with HubEmulator(crawl_world, tmp_path / "hub") as hub:
        # A small page size: several pages per listing, so page numbers are compared too.
        assert snapshot_raw(hub.url, tmp_path / "crawl", page_size=200).success
    with duckdb.connect(str(tmp_path / "loaded.duckdb")) as con:
        load_raw(con, crawl_world, date.fromisoformat(SNAPSHOT), page_size=200)
    con = duckdb.connect()
    con.execute(f"ATTACH '{tmp_path / 'crawl' / 'hubkg.duckdb'}' AS crawled (READ_ONLY)")
    con.execute(f"ATTACH '{tmp_path / 'loaded.duckdb'}' AS loaded (READ_ONLY)")
    tables = _raw_tables(con, "crawled")
    assert _raw_tables(con, "loaded") == tables
    assert {"models", "collection_index", "fetch_queue", "crawl_state", "principals", "likers"} <= tables.keys()
    for table, columns in tables.items():
        # Bodies compared as text: the loader serialises them exactly as the crawl does.
        kept = ", ".join(f'"{c}"::VARCHAR' for c in columns if c not in FETCH_TIMES)
        crawled, loaded = (f"SELECT {kept} FROM {db}.raw.{table}" for db in ("crawled", "loaded"))
        count = con.execute(f"SELECT count(*) FROM crawled.raw.{table}").fetchone()[0]
        only_crawled = con.execute(f"SELECT count(*) FROM ({crawled} EXCEPT ALL {loaded})").fetchone()[0]
        only_loaded = con.execute(f"SELECT count(*) FROM ({loaded} EXCEPT ALL {crawled})").fetchone()[0]
        assert (only_crawled, only_loaded) == (0, 0), f"raw.{table}: {count} crawled rows"
        empty_ok = table == "quarantine" or table.endswith(FOLDED)
        assert count > 0 or empty_ok, f"raw.{table} is empty: the comparison proves nothing"
