"""The raw layer of the build database: tables, crawl checkpoints and the quarantine.

Every raw row keeps the entity's JSON as the Hub sent it, stamped with the snapshot date and the time it was
observed. A listing page and its checkpoint are committed in one transaction, so a crash or kill mid-crawl
resumes from the last committed page with no duplicates and no gaps.

History grows with change, not with size: `raw.<source>` is a view over a narrow per-snapshot table of references
(`raw.<source>__refs`: key, id, the body's content hash) and the distinct bodies (`raw.<source>__bodies`, one row
per hash). A body the Hub sends again unchanged, or an answer an incremental crawl reuses, adds a reference, not a
copy. Fast counters (downloads, likes, trendingScore, upvotes) move every day on a large share of the Hub, so a
listing body is stored with them zeroed and their values go in the reference row (`counters`); the view puts them
back, so staging reads the same rows and values as when each row held its whole body.
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


# Top-level numeric fields of a listing body that tick daily; kept beside the body so a tick does not copy it.
COUNTER_FIELDS = ("downloads", "downloadsAllTime", "likes", "trendingScore", "upvotes")
LISTING_COLUMNS = (("page", "INTEGER"), ("key", "VARCHAR"), ("id", "VARCHAR"))  # key: `_id` for repos, slug…


def raw_table_ddl(source: str, columns: tuple[tuple[str, str], ...] = LISTING_COLUMNS) -> str:
    """The references and bodies of one raw source and the view staging reads (`snapshot_date, observed_at,
    <columns>, body`). The view also exposes the reference's `rowid`, which staging's dedup keys on."""
    names = ", ".join(f"r.{name}" for name, _ in columns)
    typed = ", ".join(f"{name} {sql_type} NOT NULL" for name, sql_type in columns)
    return f"""
    CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{source}__bodies (hash UHUGEINT NOT NULL, body JSON NOT NULL);
    CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{source}__refs (
        snapshot_date DATE NOT NULL,
        observed_at TIMESTAMPTZ NOT NULL,
        {typed},
        hash UHUGEINT NOT NULL,  -- md5 of the stored body text
        counters JSON  -- the listing's counters taken out of the body; null: the body is whole
    );
    CREATE VIEW IF NOT EXISTS {RAW_SCHEMA}.{source} AS
    SELECT r.snapshot_date, r.observed_at, {names},
        CASE WHEN r.counters IS NULL THEN b.body ELSE json_merge_patch(b.body, r.counters) END AS body,
        r.rowid AS rowid
    FROM {RAW_SCHEMA}.{source}__refs AS r JOIN {RAW_SCHEMA}.{source}__bodies AS b USING (hash)"""


def ensure_raw(
    con: duckdb.DuckDBPyConnection, source: str, columns: tuple[tuple[str, str], ...] = LISTING_COLUMNS
) -> None:
    """Create the source's tables and view; a warehouse of the earlier layout (one table of whole bodies per
    source) is migrated in one transaction, every snapshot kept."""
    con.execute(DDL)
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [RAW_SCHEMA, source],
    ).fetchone()
    if kind is None or kind[0] != "BASE TABLE":
        con.execute(raw_table_ddl(source, columns))
        return
    names = ", ".join(name for name, _ in columns)
    with transaction(con):
        con.execute(f"ALTER TABLE {RAW_SCHEMA}.{source} RENAME TO {source}__before")
        con.execute(raw_table_ddl(source, columns))
        old = f"{RAW_SCHEMA}.{source}__before"
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{source}__bodies SELECT md5_number(body::VARCHAR), any_value(body) "
            f"FROM {old} GROUP BY 1"
        )
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{source}__refs SELECT snapshot_date, observed_at, {names}, "
            f"md5_number(body::VARCHAR), NULL FROM {old}"
        )
        con.execute(f"DROP TABLE {old}")


def split_counters(body: Any) -> tuple[str, str | None]:
    """A listing body's stored text (counters zeroed, keys kept in place) and its counters as JSON (or None)."""
    if not isinstance(body, dict):
        return _dumps(body), None
    counters = {
        k: body[k]
        for k in COUNTER_FIELDS
        if isinstance(body.get(k), int | float) and not isinstance(body[k], bool) and body[k] != 0
    }
    if not counters:
        return _dumps(body), None
    return _dumps({k: (0 if k in counters else v) for k, v in body.items()}), _dumps(counters)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def append_rows(con: duckdb.DuckDBPyConnection, source: str, head: dict[str, Any], rows: pa.Table) -> None:
    """Append `rows` (columns: the source's own, `body` text, `counters` text or null) stamped with `head`
    (snapshot_date, observed_at…): a body not stored yet is stored once; every row becomes a reference."""
    con.register("incoming_rows", rows)
    try:
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{source}__bodies SELECT h, any_value(body)::JSON FROM "
            f"(SELECT md5_number(body) AS h, body FROM incoming_rows) "
            f"WHERE h NOT IN (SELECT hash FROM {RAW_SCHEMA}.{source}__bodies) GROUP BY h"
        )
        own = [name for name in rows.column_names if name not in ("body", "counters")]
        fixed = ", ".join(f"${i + 1} AS {name}" for i, name in enumerate(head))
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{source}__refs BY NAME SELECT {fixed}, {', '.join(own)}, "
            f"md5_number(body) AS hash, counters::JSON AS counters FROM incoming_rows",
            list(head.values()),
        )
    finally:
        con.unregister("incoming_rows")


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
    stored = [split_counters(body) for _, _, body in items]
    rows = pa.table(
        {
            "key": [key for key, _, _ in items],
            "id": [id_ for _, id_, _ in items],
            "body": [text for text, _ in stored],
            "counters": [counters for _, counters in stored],
        },
        schema=pa.schema([(name, pa.string()) for name in ("key", "id", "body", "counters")]),
    )
    with transaction(con):
        head = {"snapshot_date": snapshot, "observed_at": observed_at, "page": page_no}
        append_rows(con, source, head, rows)
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
        con.execute(f"DELETE FROM {RAW_SCHEMA}.{source}__refs WHERE snapshot_date = ?", [snapshot])
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
