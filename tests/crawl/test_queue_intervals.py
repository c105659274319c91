"""The crawl's queue (`raw.fetch_queue`) is kept as intervals like the raw references: over a three-day run every
reader gets, for every snapshot, what it got while that snapshot was the newest and still held per day (its rows,
the request ledger, dbt's `kg_crawl_coverage`); a warehouse whose queue is one table of every snapshot's rows
migrates on first open; a fold is one transaction."""

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pytest

from crawler import store
from crawler.queue import QUEUE, ensure_queue, fold_day, requests_spent
from tests.crawl.raw_fingerprint import DAYS, three_days
from tests.support import run_dbt

QUEUE_ROWS = "SELECT * FROM raw.fetch_queue WHERE snapshot_date = ? ORDER BY ALL"
COVERAGE = "SELECT * FROM kg.kg_crawl_coverage ORDER BY ALL"  # the latest snapshot built
COVERAGE_AS_OF = "SELECT * FROM kg.kg_crawl_coverage__as_of(?::DATE) ORDER BY ALL"


@dataclass
class Seen:
    """What the readers got for each snapshot at the end of its own crawl (per-day rows, not folded)."""

    warehouse: Path = Path()
    rows: dict[str, list[tuple]] = field(default_factory=dict)
    spent: dict[str, int] = field(default_factory=dict)
    coverage: dict[str, list[tuple]] = field(default_factory=dict)


def _build_coverage(warehouse: Path, work: Path, snapshot: str, rebuild: bool = False) -> list[tuple]:
    """Build the snapshot's kg_crawl_coverage (from the queue through stg_fetch_queue) and return its rows."""
    variables = {"snapshot_date": snapshot} | ({"rebuild_history": True} if rebuild else {})
    run_dbt("build", warehouse, work / snapshot, "stg_fetch_queue kg_crawl_coverage", variables)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(COVERAGE).fetchall()


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> Seen:
    work = tmp_path_factory.mktemp("queue-intervals")
    out = Seen()

    def record(warehouse: Path, snapshot: str) -> None:
        out.coverage[snapshot] = _build_coverage(warehouse, work / "before", snapshot)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert con.execute(f"SELECT DISTINCT snapshot_date::VARCHAR FROM raw.{QUEUE}__day").fetchall() == [
                (snapshot,)
            ]
            out.rows[snapshot] = con.execute(QUEUE_ROWS, [snapshot]).fetchall()
        with duckdb.connect(str(warehouse)) as con:
            out.spent[snapshot] = requests_spent(con, date.fromisoformat(snapshot))

    out.warehouse = three_days(work, after_day=record)
    return out


def test_every_reader_gets_the_same_answers_once_folded(seen: Seen, tmp_path: Path) -> None:
    copy = tmp_path / "folded.duckdb"
    shutil.copy(seen.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        ensure_queue(con)  # what the next crawl does first: nothing left to fold but the newest, which stays
        folded = con.execute(f"SELECT snapshot_date::VARCHAR FROM raw.{QUEUE}__folded ORDER BY 1").fetchall()
        assert folded == [(DAYS[0],), (DAYS[1],)]
        for day in DAYS:
            assert con.execute(QUEUE_ROWS, [day]).fetchall() == seen.rows[day], day
            assert requests_spent(con, date.fromisoformat(day)) == seen.spent[day], day
        # the fold wrote spans only for rows that changed: day 1 reuses most of day 0's answers (`requests` 0)
        opened = dict(
            con.execute(f"SELECT valid_from::VARCHAR, count(*) FROM raw.{QUEUE}__spans GROUP BY 1").fetchall()
        )
        assert opened[DAYS[0]] == len(seen.rows[DAYS[0]])
        assert opened[DAYS[1]] <= len(seen.rows[DAYS[1]])
        # the newest snapshot stays writable (a resumed crawl, a rerun); a folded one refuses
        assert store.day_table(con, QUEUE, date.fromisoformat(DAYS[2])) == f"raw.{QUEUE}__day"
        with pytest.raises(ValueError, match="not newer than its folded history"):
            store.day_table(con, QUEUE, date.fromisoformat(DAYS[1]))
    # dbt rebuilds the coverage's history from the folded queue, oldest snapshot first: the same rows every day
    for n, day in enumerate(DAYS):
        assert _build_coverage(copy, tmp_path, day, rebuild=n == 0) == seen.coverage[day], day
        assert seen.coverage[day], day
    with duckdb.connect(str(copy), read_only=True) as con:
        for day in DAYS:
            assert con.execute(COVERAGE_AS_OF, [day]).fetchall() == seen.coverage[day], day


# The queue as every warehouse before the intervals held it: one table, a row per key per snapshot.
TODAYS_LAYOUT = """
CREATE SCHEMA raw;
CREATE TABLE raw.fetch_queue (snapshot_date DATE NOT NULL, kind VARCHAR NOT NULL, key VARCHAR NOT NULL,
    status VARCHAR NOT NULL, PRIMARY KEY (snapshot_date, kind, key));
ALTER TABLE raw.fetch_queue ADD COLUMN IF NOT EXISTS priority DOUBLE DEFAULT 0;
ALTER TABLE raw.fetch_queue ADD COLUMN IF NOT EXISTS requests INTEGER DEFAULT 0;
ALTER TABLE raw.fetch_queue ADD COLUMN IF NOT EXISTS stale BOOLEAN DEFAULT false;
"""


def _todays_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """Three days of a five-key queue: key n is missing on day n, fetched before day n and reused from then."""
    con = duckdb.connect(str(path))
    con.execute(TODAYS_LAYOUT)
    for n, day in enumerate(DAYS):
        con.execute(
            "INSERT INTO raw.fetch_queue SELECT ?, 'papers', 'k' || i, CASE WHEN i = ? THEN 'missing' ELSE 'done' END, "
            "i, CASE WHEN i < ? THEN 1 ELSE 0 END, i = 4 FROM range(5) t(i)",
            [day, n, n],
        )
    return con


@pytest.mark.fast
def test_a_warehouse_of_todays_layout_migrates_and_folds(tmp_path: Path) -> None:
    with _todays_warehouse(tmp_path / "w.duckdb") as con:
        before = con.execute("SELECT * FROM raw.fetch_queue ORDER BY ALL").fetchall()
        ensure_queue(con)
        assert con.execute("SELECT * FROM raw.fetch_queue ORDER BY ALL").fetchall() == before
        assert con.execute(f"SELECT count(*) FROM raw.{QUEUE}__folded").fetchone() == (2,)
        # day 0 opens all five; day 1 changes k0 (now reused: requests 0) and k1 (missing): 2 closed, 2 opened
        spans = con.execute(f"SELECT valid_from::VARCHAR, valid_to::VARCHAR, key FROM raw.{QUEUE}__spans ORDER BY ALL")
        assert spans.fetchall() == [
            (DAYS[0], DAYS[1], "k0"),
            (DAYS[0], DAYS[1], "k1"),
            (DAYS[0], None, "k2"),
            (DAYS[0], None, "k3"),
            (DAYS[0], None, "k4"),
            (DAYS[1], None, "k0"),
            (DAYS[1], None, "k1"),
        ]
        ensure_queue(con)  # a second open finds it migrated
        assert con.execute("SELECT * FROM raw.fetch_queue ORDER BY ALL").fetchall() == before
        # the newest snapshot is still per day and keyed: a rerun's `INSERT OR IGNORE` adds only new keys
        con.execute(
            f"INSERT OR IGNORE INTO raw.{QUEUE}__day (snapshot_date, kind, key, status) "
            "VALUES (?, 'papers', 'k0', 'pending'), (?, 'papers', 'k9', 'pending')",
            [DAYS[2], DAYS[2]],
        )
        assert con.execute("SELECT count(*) FROM raw.fetch_queue WHERE snapshot_date = ?", [DAYS[2]]).fetchone() == (6,)


@pytest.mark.fast
def test_a_fold_is_one_transaction(tmp_path: Path) -> None:
    """A fold that dies after writing its spans (a kill mid-way) leaves the snapshot whole in `__day`."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_queue(con)
        con.execute(
            f"INSERT INTO raw.{QUEUE}__day SELECT d::DATE, 'likers', 'k' || i, 'done', i, 1, false "
            "FROM unnest(?) t(d), range(3) r(i)",
            [list(DAYS)],
        )
        before = con.execute("SELECT * FROM raw.fetch_queue ORDER BY ALL").fetchall()

        def fold_then_die(day: date) -> None:
            fold_day(con, day)
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            store.fold_older_days(con, QUEUE, fold_then_die)
        assert con.execute(f"SELECT count(*) FROM raw.{QUEUE}__spans").fetchone() == (0,)
        assert con.execute(f"SELECT count(*) FROM raw.{QUEUE}__folded").fetchone() == (0,)
        assert con.execute(f"SELECT count(*) FROM raw.{QUEUE}__day").fetchone() == (9,)
        ensure_queue(con)  # the next open folds it
        assert con.execute(f"SELECT count(*) FROM raw.{QUEUE}__day").fetchone() == (3,)
        assert con.execute("SELECT * FROM raw.fetch_queue ORDER BY ALL").fetchall() == before
