"""Raw stores a body only when it changed: a three-day run of a small mutating world reads exactly what the
earlier layout (a whole copy of every body per snapshot) held, while storing each distinct body once; counters
ride in the narrow reference rows; a warehouse of the earlier layout migrates with every snapshot intact."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from crawler import store
from crawler.queue import FETCHED_COLUMNS
from tests.crawl.raw_fingerprint import DAYS, fingerprints, raw_sources, three_days

BEFORE = Path(__file__).with_name("raw_fingerprints_before.json")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return three_days(tmp_path_factory.mktemp("by-content"))


def test_staging_reads_what_the_earlier_layout_held_each_day(warehouse: Path) -> None:
    assert fingerprints(warehouse) == json.loads(BEFORE.read_text())


def test_unchanged_bodies_are_stored_once(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for source in raw_sources(con):
            refs, bodies = con.execute(
                f"SELECT (SELECT count(*) FROM raw.{source}__refs), (SELECT count(*) FROM raw.{source}__bodies)"
            ).fetchone()
            assert bodies <= refs, source
        # Three snapshots of a world where 1% changed a day: far fewer bodies than references.
        refs, bodies = con.execute(
            "SELECT (SELECT count(*) FROM raw.models__refs), (SELECT count(*) FROM raw.models__bodies)"
        ).fetchone()
        assert bodies < 0.5 * refs, (refs, bodies)
        # Counters left the bodies: a model whose downloads moved keeps one body.
        moved = con.execute(
            "SELECT count(*) FROM (SELECT key FROM raw.models__refs GROUP BY key "
            "HAVING count(DISTINCT counters) > 1 AND count(DISTINCT hash) = 1)"
        ).fetchone()[0]
        assert moved > 0


@pytest.mark.fast
def test_counters_leave_the_body_and_come_back(tmp_path: Path) -> None:
    body = {"id": "a/b", "downloads": 12, "likes": 0, "trendingScore": 1.5e-05, "private": False, "tags": ["x"]}
    text, counters = store.split_counters(body)
    assert json.loads(text) == {**body, "downloads": 0, "trendingScore": 0}
    assert json.loads(counters or "") == {"downloads": 12, "trendingScore": 1.5e-05}
    assert store.split_counters({"id": "a/b", "likes": None}) == ('{"id":"a/b","likes":null}', None)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store.ensure_raw(con, "models")
        rows = pa.table({"key": ["k1", "k2"], "id": ["a/b", "a/c"], "body": [text, text], "counters": [counters, None]})
        head = {"snapshot_date": date(2026, 1, 1), "observed_at": datetime.now(UTC), "page": 1}
        store.append_rows(con, "models", head, rows)
        store.append_rows(con, "models", head | {"snapshot_date": date(2026, 1, 2)}, rows)
        assert con.execute("SELECT count(*) FROM raw.models__bodies").fetchone()[0] == 1
        got = con.execute("SELECT key, body FROM raw.models WHERE snapshot_date = '2026-01-02' ORDER BY key").fetchall()
        assert [json.loads(b) for _, b in got] == [body, {**body, "downloads": 0, "trendingScore": 0}]


@pytest.mark.fast
def test_a_warehouse_of_the_earlier_layout_migrates_every_snapshot(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute(
            "CREATE SCHEMA raw; CREATE TABLE raw.likers (snapshot_date DATE NOT NULL, observed_at TIMESTAMPTZ NOT "
            "NULL, key VARCHAR NOT NULL, variant VARCHAR NOT NULL, body JSON NOT NULL)"
        )
        for day in DAYS:
            con.execute(
                "INSERT INTO raw.likers SELECT ?, now(), 'models/a/b', 'likers', json_object('user', 'u' || i) "
                "FROM range(5) t(i)",
                [day],
            )
        before = con.execute("SELECT * FROM raw.likers ORDER BY ALL").fetchall()
        store.ensure_raw(con, "likers", FETCHED_COLUMNS)
        after = con.execute("SELECT * EXCLUDE (rowid) FROM raw.likers ORDER BY ALL").fetchall()
        assert after == before
        assert con.execute("SELECT count(*) FROM raw.likers__bodies").fetchone()[0] == 5
        store.ensure_raw(con, "likers", FETCHED_COLUMNS)  # a second run finds it migrated
        assert con.execute("SELECT count(*) FROM raw.likers__refs").fetchone()[0] == 15
