"""The raw layer of the build database: tables, crawl checkpoints and the quarantine.

Every raw row keeps the entity's JSON as the Hub sent it, stamped with the snapshot date and the time it was
observed. A listing page and its checkpoint are committed in one transaction, so a crash or kill mid-crawl
resumes from the last committed page with no duplicates and no gaps.

History grows with change, not with size: `raw.<source>` is a view over the references (`raw.<source>__refs`: key,
id, the body's content hash, per snapshot) and the distinct bodies (`raw.<source>__bodies`, one row per hash). A body
the Hub sends again unchanged, or an answer an incremental crawl reuses, adds a reference, not a copy. Fast counters
(downloads, likes, trendingScore, upvotes) move every day on a large share of the Hub, so a listing body is stored
with them zeroed and their values go in the reference (`counters`); the view puts them back (`body`), so readers see
the same rows and values as when each row held its whole body. Staging reads the two parts apart (`stored_body`,
`counters`) and takes each counter from the reference: the same values, without re-serialising every body.

References are themselves kept as validity intervals: the newest snapshot's are rows of `__day` (it may still be
written: a resumed crawl, a rerun), and every older snapshot is folded into `__spans` (valid_from, valid_to) when the
source's tables are next opened: a day writes span rows only for references that appeared, changed or disappeared.
A listing's `observed_at` is the time its page was committed, new every day, so it lives in `__stamps` (snapshot,
page); `__folded` lists the snapshots the spans hold. `raw.<source>__refs` is the view giving every snapshot's
references, so the folding is invisible to what reads raw.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
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
    """The tables of one raw source and the views staging reads (`raw.<source>`: `snapshot_date, observed_at,
    <columns>, body, rowid, stored_body, counters`; staging's dedup keys on the rowid, unique within a snapshot)."""
    raw = f"{RAW_SCHEMA}.{source}"
    names = ", ".join(f"r.{name}" for name, _ in columns)
    span_names = ", ".join(f"s.{name}" for name, _ in columns)
    typed = ", ".join(f"{name} {sql_type} NOT NULL" for name, sql_type in columns)
    paged = _paged(columns)
    stamp = "coalesce(s.observed_at, p.observed_at)" if paged else "s.observed_at"
    stamps = f"LEFT JOIN {raw}__stamps AS p ON p.snapshot_date = f.snapshot_date AND p.page = s.page" if paged else ""
    stamps_table = (
        f"CREATE TABLE IF NOT EXISTS {raw}__stamps (snapshot_date DATE NOT NULL, page INTEGER NOT NULL, "
        "observed_at TIMESTAMPTZ NOT NULL);"
        if paged
        else ""
    )
    spans = spans_ddl(
        source,
        "observed_at TIMESTAMPTZ, "  # null: its page's stamp of each snapshot (`__stamps`)
        f"{typed}, hash UHUGEINT NOT NULL, counters JSON",
    )
    refs = f"{stamp} AS observed_at, {span_names}, s.hash, s.counters, s.rowid * 2 AS ref_id"
    return f"""
    CREATE TABLE IF NOT EXISTS {raw}__bodies (hash UHUGEINT NOT NULL, body JSON NOT NULL);
    CREATE TABLE IF NOT EXISTS {raw}__day (
        snapshot_date DATE NOT NULL,
        observed_at TIMESTAMPTZ NOT NULL,
        {typed},
        hash UHUGEINT NOT NULL,  -- md5 of the stored body text
        counters JSON  -- the listing's counters taken out of the body; null: the body is whole
    );
    {spans}
    {stamps_table}
    CREATE VIEW IF NOT EXISTS {raw}__refs AS
    {folded_rows(source, refs, stamps)}
    UNION ALL
    SELECT r.snapshot_date, r.observed_at, {names}, r.hash, r.counters, r.rowid * 2 + 1 FROM {raw}__day AS r;
    {raw_view_ddl(source, columns)}"""


def raw_view_ddl(source: str, columns: tuple[tuple[str, str], ...]) -> str:
    """`raw.<source>`: `body` is the body as the Hub sent it; `stored_body` and `counters` are its two stored parts,
    which staging parses apart (merging them first would parse and re-serialise every listing body once more)."""
    raw = f"{RAW_SCHEMA}.{source}"
    names = ", ".join(f"r.{name}" for name, _ in columns)
    return f"""CREATE OR REPLACE VIEW {raw} AS
    SELECT r.snapshot_date, r.observed_at, {names},
        CASE WHEN r.counters IS NULL THEN b.body ELSE json_merge_patch(b.body, r.counters) END AS body,
        r.ref_id AS rowid, b.body AS stored_body, r.counters
    FROM {raw}__refs AS r JOIN {raw}__bodies AS b USING (hash)"""


def refresh_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Re-create every raw source's view as this code defines it, so a warehouse an earlier version wrote gives
    staging the columns it reads before any crawl has opened its sources again; the tables are not touched.
    Returns the sources."""
    found = con.execute(
        "SELECT left(d.table_name, -5), list((c.column_name, c.data_type) ORDER BY c.column_index) "
        "FROM duckdb_tables() AS d JOIN duckdb_tables() AS b "
        "ON b.schema_name = d.schema_name AND b.table_name = left(d.table_name, -5) || '__bodies' "
        "JOIN duckdb_columns() AS c ON c.table_oid = d.table_oid "
        "WHERE d.schema_name = ? AND d.database_name = current_database() AND b.database_name = current_database() "
        "AND suffix(d.table_name, '__day') "
        "AND c.column_name NOT IN ('snapshot_date', 'observed_at', 'hash', 'counters') GROUP BY 1 ORDER BY 1",
        [RAW_SCHEMA],
    ).fetchall()
    with transaction(con):
        for source, columns in found:
            con.execute(raw_view_ddl(source, tuple(columns)))
    return [source for source, _ in found]


def spans_ddl(table: str, typed: str) -> str:
    """The interval tables of `raw.<table>`: `__spans` (each distinct row with the folded snapshots it held in,
    `typed` its columns' definitions) and `__folded` (the snapshots folded)."""
    return f"""
    CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table}__spans (
        valid_from DATE NOT NULL,
        valid_to DATE,  -- the first folded snapshot without it; null: in the latest folded one
        {typed}
    );
    CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{table}__folded (snapshot_date DATE NOT NULL);  -- no key: it costs blocks
    """


def folded_rows(table: str, select: str, joins: str = "") -> str:
    """A query giving `snapshot_date, <select>` for every folded snapshot of `raw.<table>` (spans as `s`)."""
    raw = f"{RAW_SCHEMA}.{table}"
    return f"""SELECT f.snapshot_date, {select} FROM {raw}__spans AS s
    JOIN {raw}__folded AS f ON f.snapshot_date >= s.valid_from AND (s.valid_to IS NULL OR f.snapshot_date < s.valid_to)
    {joins}"""


def _paged(columns: tuple[tuple[str, str], ...]) -> bool:
    return any(name == "page" for name, _ in columns)


def table_type(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [RAW_SCHEMA, name],
    ).fetchone()
    return str(kind[0]) if kind else None


def ensure_raw(
    con: duckdb.DuckDBPyConnection, source: str, columns: tuple[tuple[str, str], ...] = LISTING_COLUMNS
) -> None:
    """Create the source's tables and views, migrate a warehouse of an earlier layout (one table of whole bodies
    per source, or one reference row per entity per snapshot) in one transaction with every snapshot kept, and
    fold every snapshot but the newest into intervals (`fold_history`)."""
    con.execute(DDL)
    raw = f"{RAW_SCHEMA}.{source}"
    if table_type(con, source) == "BASE TABLE":  # whole bodies per snapshot
        names = ", ".join(name for name, _ in columns)
        with transaction(con):
            con.execute(f"ALTER TABLE {raw} RENAME TO {source}__before")
            con.execute(raw_table_ddl(source, columns))
            old = f"{raw}__before"
            con.execute(
                f"INSERT INTO {raw}__bodies SELECT md5_number(body::VARCHAR), any_value(body) FROM {old} GROUP BY 1"
            )
            con.execute(
                f"INSERT INTO {raw}__day SELECT snapshot_date, observed_at, {names}, md5_number(body::VARCHAR), NULL "
                f"FROM {old} ORDER BY rowid"
            )
            con.execute(f"DROP TABLE {old}")
    elif table_type(con, f"{source}__refs") == "BASE TABLE":  # one reference row per entity per snapshot
        with transaction(con):
            con.execute(f"DROP VIEW {raw}")
            con.execute(f"ALTER TABLE {raw}__refs RENAME TO {source}__day")
            con.execute(raw_table_ddl(source, columns))
    else:
        con.execute(raw_table_ddl(source, columns))
    fold_history(con, source, columns)


def fold_history(
    con: duckdb.DuckDBPyConnection, source: str, columns: tuple[tuple[str, str], ...] = LISTING_COLUMNS
) -> int:
    """Fold every snapshot of the source's `__day` but the newest into `__spans` (`fold_older_days`)."""
    return fold_older_days(con, source, lambda day: _fold_day(con, source, columns, day))


def fold_older_days(con: duckdb.DuckDBPyConnection, table: str, fold_day: Callable[[date], None]) -> int:
    """Fold every snapshot of `raw.<table>__day` but the newest (which may still be written), oldest first, each
    in one transaction (a kill leaves each snapshot either folded or whole in `__day`). Returns how many."""
    days = con.execute(f"SELECT DISTINCT snapshot_date FROM {RAW_SCHEMA}.{table}__day ORDER BY 1").fetchall()
    for (day,) in days[:-1]:
        with transaction(con):
            fold_day(day)
    return max(len(days) - 1, 0)


def _fold_day(con: duckdb.DuckDBPyConnection, source: str, columns: tuple[tuple[str, str], ...], day: date) -> None:
    """Fold one snapshot of a raw source's references; a page committed at one time keeps its stamp once."""
    raw = f"{RAW_SCHEMA}.{source}"
    if _paged(columns):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE fold_stamps AS SELECT page, any_value(observed_at) AS observed_at "
            f"FROM {raw}__day WHERE snapshot_date = ? GROUP BY page HAVING count(DISTINCT observed_at) = 1",
            [day],
        )
        con.execute(f"INSERT INTO {raw}__stamps SELECT ?, page, observed_at FROM fold_stamps", [day])
        own = "CASE WHEN t.page IS NULL THEN r.observed_at END"
        stamped = "LEFT JOIN fold_stamps AS t ON t.page = r.page"
    else:
        own, stamped = "r.observed_at", ""
    tuple_cols = ("observed_at", *(name for name, _ in columns), "hash", "counters")
    rest = ", ".join(f"r.{c}" for c in tuple_cols[1:])
    fold_spans(
        con,
        source,
        day,
        tuple_cols,
        f"SELECT {own} AS observed_at, {rest}, r.rowid AS rid FROM {raw}__day AS r {stamped}",
    )
    con.execute("DROP TABLE IF EXISTS fold_stamps")


def fold_spans(
    con: duckdb.DuckDBPyConnection, table: str, day: date, tuple_cols: tuple[str, ...], rows_sql: str | None = None
) -> None:
    """Turn one snapshot's rows of `raw.<table>__day` into span changes: the open spans it no longer holds close on
    `day`, its rows no open span holds open on `day`; then the snapshot is listed folded and its rows leave `__day`.
    `rows_sql` selects the rows as `tuple_cols` and `rid` (their order) from `__day AS r` (default: as stored),
    filtered here on the snapshot. Rows are matched as a multiset (a list may hold one item twice)."""
    raw = f"{RAW_SCHEMA}.{table}"
    _older_than_history(con, table, day)
    rows_sql = rows_sql or f"SELECT {', '.join(f'r.{c}' for c in tuple_cols)}, r.rowid AS rid FROM {raw}__day AS r"
    partition = ", ".join(f"{c}::VARCHAR" if c == "counters" else c for c in tuple_cols)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE fold_new AS SELECT *, row_number() OVER (PARTITION BY {partition} "
        f"ORDER BY rid) AS n FROM ({rows_sql} WHERE r.snapshot_date = ?)",
        [day],
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE fold_open AS SELECT {', '.join(tuple_cols)}, rowid AS rid, "
        f"row_number() OVER (PARTITION BY {partition} ORDER BY rowid) AS n FROM {raw}__spans WHERE valid_to IS NULL"
    )
    # JSON compares as text; every other column by value (null = null: a row is the same row)
    same = " AND ".join(
        f"a.{c}::VARCHAR IS NOT DISTINCT FROM b.{c}::VARCHAR"
        if c == "counters"
        else f"a.{c} IS NOT DISTINCT FROM b.{c}"
        for c in tuple_cols
    )
    con.execute(
        f"UPDATE {raw}__spans SET valid_to = ? WHERE rowid IN "
        f"(SELECT a.rid FROM fold_open AS a ANTI JOIN fold_new AS b ON {same} AND a.n = b.n)",
        [day],
    )
    con.execute(
        f"INSERT INTO {raw}__spans (valid_from, {', '.join(tuple_cols)}) "
        f"SELECT ?, {', '.join(f'a.{c}' for c in tuple_cols)} "
        f"FROM fold_new AS a ANTI JOIN fold_open AS b ON {same} AND a.n = b.n ORDER BY a.rid",
        [day],
    )
    con.execute(f"INSERT INTO {raw}__folded VALUES (?)", [day])
    con.execute(f"DELETE FROM {raw}__day WHERE snapshot_date = ?", [day])
    con.execute("DROP TABLE fold_new; DROP TABLE fold_open")


def _older_than_history(con: duckdb.DuckDBPyConnection, source: str, snapshot: date) -> None:
    """Refuse a snapshot the folded history already holds or follows: its intervals are closed."""
    row = con.execute(f"SELECT max(snapshot_date) FROM {RAW_SCHEMA}.{source}__folded").fetchone()
    latest = row[0] if row else None
    if latest is not None and snapshot <= latest:
        raise ValueError(
            f"raw.{source}: snapshot {snapshot} is not newer than its folded history (up to {latest}): writing it "
            "would rewrite history (crawl into a fresh warehouse to rebuild an older day)"
        )


def forget_before(con: duckdb.DuckDBPyConnection, cutoff: date) -> int:
    """Raw retention: forget every folded snapshot before `cutoff` (the kg history keeps what was built from them).
    Per table, in one transaction: the spans that ended by then, those snapshots' `__folded` and `__stamps` rows,
    and the bodies no reference left uses. Spans still valid on `cutoff` stay, so every later snapshot reads the
    same rows. Returns the span rows deleted."""
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_catalog = "
        "current_database() AND table_name LIKE '%\\_\\_spans' ESCAPE '\\' ORDER BY 1",
        [RAW_SCHEMA],
    ).fetchall()
    forgotten = 0
    for (spans,) in tables:
        table = spans.removesuffix("__spans")
        raw = f"{RAW_SCHEMA}.{table}"
        with transaction(con):
            (deleted,) = con.execute(f"DELETE FROM {raw}__spans WHERE valid_to <= ?", [cutoff]).fetchone() or (0,)
            con.execute(f"DELETE FROM {raw}__folded WHERE snapshot_date < ?", [cutoff])
            if table_type(con, f"{table}__stamps"):
                con.execute(f"DELETE FROM {raw}__stamps WHERE snapshot_date < ?", [cutoff])
            if table_type(con, f"{table}__bodies"):
                con.execute(
                    f"DELETE FROM {raw}__bodies WHERE hash NOT IN "
                    f"(SELECT hash FROM {raw}__spans UNION ALL SELECT hash FROM {raw}__day)"
                )
        forgotten += int(deleted)
    return forgotten


def day_table(con: duckdb.DuckDBPyConnection, source: str, snapshot: date) -> str:
    """The table new references of `snapshot` go to (`__day`), after checking the snapshot is not folded yet."""
    _older_than_history(con, source, snapshot)
    return f"{RAW_SCHEMA}.{source}__day"


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
            f"INSERT INTO {day_table(con, source, head['snapshot_date'])} BY NAME SELECT {fixed}, {', '.join(own)}, "
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
        con.execute(f"DELETE FROM {day_table(con, source, snapshot)} WHERE snapshot_date = ?", [snapshot])
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
