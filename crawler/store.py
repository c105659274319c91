"""The raw layer of the build database: tables, crawl checkpoints and the quarantine.

Every raw row keeps the entity's JSON exactly as the Hub sent it, stamped with the snapshot date and the time
it was observed. A listing page and its checkpoint are committed in one transaction, so a crash or kill
mid-crawl resumes from the last committed page with no duplicates and no gaps.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pyarrow as pa

RAW_SCHEMA = "raw"
# Quarantined payloads are cut so one hostile 100 MB body cannot bloat the database.
QUARANTINE_PAYLOAD_CHARS = 10_000

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA};
CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.crawl_state (
    snapshot_date DATE NOT NULL,
    source VARCHAR NOT NULL,
    next_url VARCHAR,
    pages INTEGER NOT NULL,
    entities BIGINT NOT NULL,
    requests BIGINT NOT NULL,
    done BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (snapshot_date, source)
);
CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.quarantine (
    snapshot_date DATE NOT NULL,
    observed_at TIMESTAMPTZ NOT NULL,
    source VARCHAR NOT NULL,
    locator VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    payload VARCHAR
);
"""


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All of the block's writes or none: a kill or an error mid-way leaves the tables as they were."""
    con.execute("BEGIN")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def raw_table_ddl(source: str) -> str:
    return f"""
    CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{source} (
        snapshot_date DATE NOT NULL,
        observed_at TIMESTAMPTZ NOT NULL,
        page INTEGER NOT NULL,
        key VARCHAR NOT NULL,  -- the Hub's stable identity: `_id` for repos, `slug` for collections
        id VARCHAR NOT NULL,
        body JSON NOT NULL
    )"""


def ensure_raw(con: duckdb.DuckDBPyConnection, source: str) -> None:
    con.execute(DDL)
    con.execute(raw_table_ddl(source))


@dataclass
class CrawlState:
    next_url: str | None
    pages: int
    entities: int
    requests: int
    done: bool


def load_state(con: duckdb.DuckDBPyConnection, snapshot: date, source: str) -> CrawlState | None:
    row = con.execute(
        f"SELECT next_url, pages, entities, requests, done FROM {RAW_SCHEMA}.crawl_state "
        "WHERE snapshot_date = ? AND source = ?",
        [snapshot, source],
    ).fetchone()
    return CrawlState(*row) if row else None


def quarantine_row(source: str, locator: str, reason: str, payload: Any) -> dict[str, Any]:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return {"source": source, "locator": locator, "reason": reason, "payload": text[:QUARANTINE_PAYLOAD_CHARS]}


def commit_page(
    con: duckdb.DuckDBPyConnection,
    snapshot: date,
    source: str,
    page_no: int,
    items: list[tuple[str, str, dict[str, Any]]],
    quarantined: list[dict[str, Any]],
    state: CrawlState,
) -> None:
    """Write one page's `(key, id, body)` rows, its quarantine rows and the advanced checkpoint atomically."""
    observed_at = datetime.now(UTC)
    rows = pa.table(
        {
            "key": [key for key, _, _ in items],
            "id": [id_ for _, id_, _ in items],
            "body": [json.dumps(body, ensure_ascii=False, separators=(",", ":")) for _, _, body in items],
        },
        schema=pa.schema([("key", pa.string()), ("id", pa.string()), ("body", pa.string())]),
    )
    with transaction(con):
        con.register("page_rows", rows)
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{source} SELECT ?, ?, ?, key, id, body::JSON FROM page_rows",
            [snapshot, observed_at, page_no],
        )
        con.unregister("page_rows")
        for q in quarantined:
            con.execute(
                f"INSERT INTO {RAW_SCHEMA}.quarantine VALUES (?, ?, ?, ?, ?, ?)",
                [snapshot, observed_at, q["source"], q["locator"], q["reason"], q["payload"]],
            )
        con.execute(
            f"INSERT OR REPLACE INTO {RAW_SCHEMA}.crawl_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [snapshot, source, state.next_url, state.pages, state.entities, state.requests, state.done, observed_at],
        )


def restart_listing(con: duckdb.DuckDBPyConnection, snapshot: date, source: str, reason: dict[str, Any]) -> None:
    """Forget an unusable partial walk of `source` for `snapshot` (rows, quarantine, checkpoint) and record why."""
    with transaction(con):
        con.execute(f"DELETE FROM {RAW_SCHEMA}.{source} WHERE snapshot_date = ?", [snapshot])
        con.execute(f"DELETE FROM {RAW_SCHEMA}.quarantine WHERE snapshot_date = ? AND source = ?", [snapshot, source])
        con.execute(f"DELETE FROM {RAW_SCHEMA}.crawl_state WHERE snapshot_date = ? AND source = ?", [snapshot, source])
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.quarantine VALUES (?, ?, ?, ?, ?, ?)",
            [snapshot, datetime.now(UTC), source, reason["locator"], reason["reason"], reason["payload"]],
        )


def quarantine_duplicate_ids(con: duckdb.DuckDBPyConnection, snapshot: date, source: str) -> int:
    """Record every id of a finished listing that arrived under more than one stable key (`_id`): the pair cannot be
    told apart, so staging leaves both out. Idempotent (a resumed or re-checked listing records each id once)."""
    reason = "id listed under more than one internal id: the entities are left out of the graph"
    with transaction(con):
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.quarantine SELECT $1, now(), $2, id, "
            "$3 || ' (' || string_agg(DISTINCT key, ', ' ORDER BY key) || ')', NULL "
            f"FROM {RAW_SCHEMA}.{source} AS r WHERE snapshot_date = $1 GROUP BY id "
            f"HAVING count(DISTINCT key) > 1 AND NOT EXISTS (SELECT 1 FROM {RAW_SCHEMA}.quarantine AS q "
            "WHERE q.snapshot_date = $1 AND q.source = $2 AND q.locator = r.id AND starts_with(q.reason, $3))",
            [snapshot, source, reason],
        )
        found = con.execute(
            f"SELECT count(*) FROM {RAW_SCHEMA}.quarantine WHERE snapshot_date = ? AND source = ? "
            "AND starts_with(reason, ?)",
            [snapshot, source, reason],
        ).fetchone()
    return int(found[0]) if found else 0
