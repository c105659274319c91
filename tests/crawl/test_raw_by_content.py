"""Raw stores a body only when it changed: a three-day run of a small mutating world reads exactly what the
earlier layout (a whole copy of every body per snapshot) held, while storing each distinct body once; counters
ride in the narrow reference rows; a warehouse of the earlier layout migrates with every snapshot intact."""

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from crawler import store
from crawler.queue import FETCHED_COLUMNS, ensure_queue
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


def _columns(con: duckdb.DuckDBPyConnection, source: str) -> tuple[tuple[str, str], ...]:
    paged = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = ? "
        "AND column_name = 'page'",
        [f"{source}__day"],
    ).fetchone()[0]
    return store.LISTING_COLUMNS if paged else FETCHED_COLUMNS


def test_folded_intervals_read_the_same_and_grow_with_change(warehouse: Path, tmp_path: Path) -> None:
    """Fold the first two days into intervals (a later run does it when it opens the tables): every day still
    reads the same, and day 2 wrote span rows only for the references that changed."""
    copy = tmp_path / "folded.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        sources = raw_sources(con)
        before = {s: con.execute(f"SELECT * EXCLUDE (rowid) FROM raw.{s} ORDER BY ALL").fetchall() for s in sources}
        for source in sources:
            # the third crawl folded day 0, and day 1 of the sources it opened again; the newest stays per day
            store.fold_history(con, source, _columns(con, source))
            folded = con.execute(f"SELECT snapshot_date::VARCHAR FROM raw.{source}__folded ORDER BY 1").fetchall()
            assert folded == [(DAYS[0],), (DAYS[1],)], source
            assert con.execute(f"SELECT DISTINCT snapshot_date::VARCHAR FROM raw.{source}__day").fetchall() == [
                (DAYS[2],)
            ]
        for source in sources:
            after = con.execute(f"SELECT * EXCLUDE (rowid) FROM raw.{source} ORDER BY ALL").fetchall()
            assert after == before[source], source
        opened = dict(
            con.execute("SELECT valid_from, count(*) FROM raw.models__spans GROUP BY 1").fetchall()  # type: ignore[arg-type]
        )
        day1 = con.execute("SELECT count(*) FROM raw.models__refs WHERE snapshot_date = ?", [DAYS[1]]).fetchone()[0]
        # 1% structural churn, no counter drift: a few percent of the references move (pages shift too)
        assert 0 < opened[date.fromisoformat(DAYS[1])] < 0.1 * day1, (opened, day1)
        # an older snapshot cannot be written into closed intervals
        with pytest.raises(ValueError, match="not newer than its folded history"):
            store.day_table(con, "models", date.fromisoformat(DAYS[1]))
    assert fingerprints(copy) == json.loads(BEFORE.read_text())


def test_raw_retention_forgets_old_snapshots_and_their_bodies_only(warehouse: Path, tmp_path: Path) -> None:
    """`store.forget_before` (the maintenance job's raw retention): the snapshots before the cutoff are gone from
    every raw view, with the span rows and bodies only they used; every later snapshot reads the same rows."""
    copy = tmp_path / "forgotten.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        sources = [*raw_sources(con), "fetch_queue"]
        for source in raw_sources(con):
            store.fold_history(con, source, _columns(con, source))
        ensure_queue(con)
        read = {s: f"SELECT * EXCLUDE (rowid) FROM raw.{s} WHERE snapshot_date >= ? ORDER BY ALL" for s in sources}
        read["fetch_queue"] = "SELECT * FROM raw.fetch_queue WHERE snapshot_date >= ? ORDER BY ALL"
        kept = {s: con.execute(read[s], [DAYS[1]]).fetchall() for s in sources}
        bodies = con.execute("SELECT count(*) FROM raw.models__bodies").fetchone()[0]
        assert store.forget_before(con, date.fromisoformat(DAYS[1])) > 0
        for source in sources:
            assert con.execute(read[source], [DAYS[0]]).fetchall() == kept[source], source  # nothing before DAYS[1]
        # day 0's bodies that no later snapshot uses are gone; every body a kept reference uses is there
        assert con.execute("SELECT count(*) FROM raw.models__bodies").fetchone()[0] < bodies
        assert con.execute(
            "SELECT count(*) FROM raw.models__refs r ANTI JOIN raw.models__bodies b USING (hash)"
        ).fetchone() == (0,)


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
        # staging parses the two stored parts apart (dbt_project/macros/json_fields.sql, merged_body)
        parts = con.execute("SELECT stored_body, counters FROM raw.models WHERE key = 'k1' LIMIT 1").fetchone()
        assert (json.loads(parts[0]), json.loads(parts[1])) == (json.loads(text), json.loads(counters or ""))


@pytest.mark.fast
def test_views_of_an_earlier_version_gain_the_stored_parts(tmp_path: Path) -> None:
    """A warehouse whose views predate `stored_body`/`counters` gets them before dbt reads it (`refresh_views`)."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store.ensure_raw(con, "models")
        store.ensure_raw(con, "likers", FETCHED_COLUMNS)
        text, counters = store.split_counters({"id": "a/b", "downloads": 7})
        rows = pa.table({"key": ["k1"], "id": ["a/b"], "body": [text], "counters": [counters]})
        store.append_rows(
            con, "models", {"snapshot_date": date(2026, 1, 1), "observed_at": datetime.now(UTC), "page": 1}, rows
        )
        con.execute(
            "CREATE OR REPLACE VIEW raw.models AS SELECT r.snapshot_date, r.observed_at, r.page, r.key, r.id, "
            "CASE WHEN r.counters IS NULL THEN b.body ELSE json_merge_patch(b.body, r.counters) END AS body, "
            "r.ref_id AS rowid FROM raw.models__refs AS r JOIN raw.models__bodies AS b USING (hash)"
        )
        assert store.refresh_views(con) == ["likers", "models"]
        got = con.execute("SELECT body, stored_body, counters FROM raw.models").fetchone()
        assert [json.loads(v) for v in got] == [{"id": "a/b", "downloads": 7}, json.loads(text), {"downloads": 7}]


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
        after = con.execute("SELECT * EXCLUDE (rowid, stored_body, counters) FROM raw.likers ORDER BY ALL").fetchall()
        assert after == before
        assert con.execute("SELECT count(*) FROM raw.likers__bodies").fetchone()[0] == 5
        store.ensure_raw(con, "likers", FETCHED_COLUMNS)  # a second run finds it migrated
        assert con.execute("SELECT count(*) FROM raw.likers__refs").fetchone()[0] == 15


@pytest.mark.fast
def test_a_warehouse_of_per_day_references_migrates_and_folds(tmp_path: Path) -> None:
    """The layout before intervals: `raw.models__refs` a table of one reference row per entity per snapshot."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute(store.DDL)
        con.execute(
            "CREATE TABLE raw.models__bodies (hash UHUGEINT NOT NULL, body JSON NOT NULL); "
            "CREATE TABLE raw.models__refs (snapshot_date DATE NOT NULL, observed_at TIMESTAMPTZ NOT NULL, "
            "page INTEGER NOT NULL, key VARCHAR NOT NULL, id VARCHAR NOT NULL, hash UHUGEINT NOT NULL, counters JSON); "
            "CREATE VIEW raw.models AS SELECT r.snapshot_date, r.observed_at, r.page, r.key, r.id, "
            "CASE WHEN r.counters IS NULL THEN b.body ELSE json_merge_patch(b.body, r.counters) END AS body, "
            "r.rowid AS rowid FROM raw.models__refs AS r JOIN raw.models__bodies AS b USING (hash)"
        )
        con.execute(
            "INSERT INTO raw.models__bodies SELECT md5_number(b), b::JSON FROM "
            "(SELECT DISTINCT json_object('id', 'm' || i) AS b FROM range(4) t(i))"
        )
        for n, day in enumerate(DAYS):
            # day n: models 0..3 but model n, model 0's downloads tick, every page moves on day 2
            con.execute(
                "INSERT INTO raw.models__refs SELECT ?, ?::TIMESTAMPTZ + INTERVAL (p) MINUTE, p, 'k' || i, 'm' || i, "
                "md5_number(json_object('id', 'm' || i)::VARCHAR), "
                "CASE WHEN i = 0 THEN json_object('downloads', ?) END "
                "FROM (SELECT i, CASE WHEN ? = 2 THEN i // 2 + 1 ELSE i // 2 END AS p FROM range(4) t(i) WHERE i <> ?)",
                [day, day, n + 1, n, n],
            )
        before = con.execute("SELECT * FROM raw.models ORDER BY ALL").fetchall()
        store.ensure_raw(con, "models")
        as_sent = "SELECT * EXCLUDE (rowid, stored_body, counters) FROM raw.models ORDER BY ALL"
        after = con.execute(as_sent).fetchall()
        assert after == [row[:-1] for row in before]
        assert con.execute("SELECT count(*) FROM raw.models__folded").fetchone()[0] == 2  # the newest stays per day
        # day 0 opens models 1-3; day 1 closes model 1 (gone) and opens model 0 (new): models 2-3 write nothing
        spans = con.execute("SELECT key, valid_from::VARCHAR, valid_to::VARCHAR FROM raw.models__spans ORDER BY ALL")
        assert spans.fetchall() == [
            ("k0", DAYS[1], None),
            ("k1", DAYS[0], DAYS[1]),
            ("k2", DAYS[0], None),
            ("k3", DAYS[0], None),
        ]
        store.ensure_raw(con, "models")  # a second run finds it migrated
        assert con.execute(as_sent).fetchall() == after
        # the newest snapshot (perhaps interrupted) is still per day: a rerun may add to it; a folded one refuses
        assert store.day_table(con, "models", date.fromisoformat(DAYS[2])) == "raw.models__day"
        with pytest.raises(ValueError, match="not newer than its folded history"):
            store.day_table(con, "models", date.fromisoformat(DAYS[1]))
