"""Per-entity crawls (details, likers, followers, members…) driven by a resumable work queue in DuckDB.

Keys to fetch are derived in SQL from what the snapshot already holds (e.g. every `arxiv:` tag → a paper), put
in `raw.fetch_queue`, and fetched in batches by a few threads within the pacing budget. Each batch's rows and its
queue updates commit together, so a killed crawl resumes with the keys still pending: no duplicates, no gaps.
A key the Hub answers 404 for (deleted between listing and detail, misspelled, private) is marked `missing` and
recorded in the quarantine with the reason. An incremental refresh first carries forward the previous snapshot's
answers for the keys its rules vouch for (`_carry_forward`), so only the rest is fetched.

Under a request budget (`HUBKG_REQUEST_BUDGET`) keys are fetched most valuable first (`priority`: likes, upvotes,
mentions…). When the budget is spent, each key left keeps its previous answer marked `stale` (never vouched for
by a rule, so the next refresh asks again) or, with none, is `deferred`: recorded, counted, never silently lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import quote

import duckdb
import pyarrow as pa
from huggingface_hub.errors import HfHubHTTPError

from crawler import ids, store
from crawler.client import HubClient, MalformedPage
from crawler.progress import CrawlProgress

QUEUE = "fetch_queue"
# One row per queued key of a snapshot; only the newest snapshot is written, so its rows are per day (`__day`, keyed
# for `INSERT OR IGNORE` and the per-key updates) and older ones are folded into intervals like the raw references
# (`store.fold_spans`): a day adds span rows only for keys whose outcome, priority or cost changed.
QUEUE_COLUMNS = (
    ("kind", "VARCHAR NOT NULL"),
    ("key", "VARCHAR NOT NULL"),
    ("status", "VARCHAR NOT NULL"),  # pending | done | missing | failed | deferred
    ("priority", "DOUBLE DEFAULT 0"),  # value: fetched highest first
    ("requests", "INTEGER DEFAULT 0"),  # spent on it (0 = reused)
    ("stale", "BOOLEAN DEFAULT false"),  # reused unvouched (budget)
)
_NAMES = tuple(name for name, _ in QUEUE_COLUMNS)
_TYPED = ", ".join(f"{name} {sql_type}" for name, sql_type in QUEUE_COLUMNS)
QUEUE_DDL = f"""
CREATE TABLE IF NOT EXISTS raw.{QUEUE}__day (
    snapshot_date DATE NOT NULL, {_TYPED}, PRIMARY KEY (snapshot_date, kind, key)
);
{store.spans_ddl(QUEUE, _TYPED)}
CREATE VIEW IF NOT EXISTS raw.{QUEUE} AS
{store.folded_rows(QUEUE, ", ".join(f"s.{name}" for name in _NAMES))}
UNION ALL
SELECT snapshot_date, {", ".join(_NAMES)} FROM raw.{QUEUE}__day;
"""


def ensure_queue(con: duckdb.DuckDBPyConnection) -> None:
    """Create the queue's tables and view (`raw.fetch_queue`: every snapshot's rows), migrate a warehouse whose
    queue is one table of every snapshot's rows (in one transaction, every row kept; a column it lacks takes its
    default), and fold every snapshot but the newest."""
    con.execute(store.DDL)
    if store.table_type(con, QUEUE) == "BASE TABLE":
        with store.transaction(con):
            con.execute(f"ALTER TABLE raw.{QUEUE} RENAME TO {QUEUE}__before")
            con.execute(QUEUE_DDL)
            con.execute(f"INSERT INTO raw.{QUEUE}__day BY NAME SELECT * FROM raw.{QUEUE}__before")
            con.execute(f"DROP TABLE raw.{QUEUE}__before")
    else:
        con.execute(QUEUE_DDL)
    store.fold_older_days(con, QUEUE, lambda day: fold_day(con, day))


def fold_day(con: duckdb.DuckDBPyConnection, day: date) -> None:
    """Fold the queue rows of `day` into intervals (call within a transaction: `store.fold_older_days`)."""
    store.fold_spans(con, QUEUE, day, _NAMES)


def _day(con: duckdb.DuckDBPyConnection, snapshot: date) -> str:
    """The table holding `snapshot`'s queue rows, which may be written (refused once the snapshot is folded)."""
    return store.day_table(con, QUEUE, snapshot)


# A fetched answer's own columns in `raw.<kind>` (see `store.raw_table_ddl`): the key and the path variant used.
FETCHED_COLUMNS = (("key", "VARCHAR"), ("variant", "VARCHAR"))


@dataclass(frozen=True)
class FetchKind:
    """What to fetch for one key. `paths` are tried in order until one is not a 404 (a name can be a user or an
    org); the winning path's `variant` label is stored with the row. `reply` is the answer's shape: one JSON
    object, a Link-paged or page-numbered list (stored one row per item), or a `/resolve/` text file (stored as
    {text, bytes, truncated, commit})."""

    name: str
    paths: tuple[tuple[str, str], ...]  # (variant, path template with {key})
    reply: Literal["object", "link_pages", "numbered_pages", "text_file"] = "object"
    page_size: int = 1000
    key_rule: ids.IdRule | None = None  # what a key must look like (checked by `enqueue`, before any request)

    def url_for(self, template: str, key: str) -> str:
        # Keys are validated when queued; a dot segment or empty part here would make the URL name another resource.
        if any(part in ("", ".", "..") for part in key.split("/")):
            raise ValueError(f"refusing to request {key!r}: empty or dot path segment")
        return template.format(key=quote(key, safe="/"))


READ_AHEAD_BATCHES = 25
MISSING_REASON = "404: not found on the Hub (deleted, private or misspelled)"


@dataclass
class QueueReport:
    kind: str
    fetched: int = 0
    missing: int = 0
    failed: int = 0
    rows: int = 0
    requests: int = 0
    stale: int = 0  # the budget was spent: reused an older answer
    deferred: int = 0  # the budget was spent and no older answer exists
    seconds: float = 0.0
    throttled: int = 0  # 429 answers seen (and retried)


@dataclass
class _Outcome:
    key: str
    status: str
    variant: str = ""
    items: list[Any] | None = None
    reason: str = ""
    requests: int = 0


def _fetch_one(client: HubClient, kind: FetchKind, key: str) -> _Outcome:
    before = client.requests_of_this_thread()
    outcome = _ask(client, kind, key)
    outcome.requests = client.requests_of_this_thread() - before
    return outcome


def _ask(client: HubClient, kind: FetchKind, key: str) -> _Outcome:
    for variant, template in kind.paths:
        try:
            url = client.url(kind.url_for(template, key))
        except ValueError as exc:
            return _Outcome(key, "missing", reason=str(exc))
        try:
            items: list[Any]
            if kind.reply == "text_file":
                items = [client.get_text_file(url)]
            elif kind.reply == "link_pages":
                items = [item for page in client.iter_pages(url, [("limit", kind.page_size)]) for item in page.items]
            elif kind.reply == "numbered_pages":
                items = [item for page in client.iter_numbered_pages(url, kind.page_size) for item in page]
            else:
                items = [client.get_json(url)]
            return _Outcome(key, "done", variant, items)
        except HfHubHTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status == 404:
                continue
            return _Outcome(key, "failed", reason=f"HTTP {status}: {str(exc).splitlines()[0]}")
        except MalformedPage as exc:
            return _Outcome(key, "failed", reason=f"malformed response: {exc}")
    return _Outcome(key, "missing", reason=MISSING_REASON)


def ensure_tables(con: duckdb.DuckDBPyConnection, kinds: tuple[FetchKind, ...]) -> None:
    """Create the queue and every kind's table, so key discovery can read tables not crawled yet."""
    ensure_queue(con)
    for kind in kinds:
        store.ensure_raw(con, kind.name, FETCHED_COLUMNS)


@dataclass(frozen=True)
class Planned:
    """What `enqueue` did with the keys it was given."""

    carried: int  # answered by the previous snapshot and reused (incremental refresh)
    to_fetch: int  # queued for a request
    invalid: int = 0  # keys that break their id rule: quarantined, never requested

    @property
    def total(self) -> int:
        return self.carried + self.to_fetch


def enqueue(
    con: duckdb.DuckDBPyConnection,
    snapshot: date,
    kind: str,
    keys_sql: str,
    previous: date | None = None,
    unchanged_sql: str | None = None,
    key_rule: ids.IdRule | None = None,
) -> Planned:
    """Queue every key `keys_sql` yields (columns `key`, `priority`; `?` = the snapshot date) not queued yet, with
    the sum of its priorities (a key may come from several rows: a paper cited by many repos). With a `previous`
    snapshot, the keys `unchanged_sql` vouches for are carried forward instead of fetched. Keys that break
    `key_rule` are quarantined with the reason (once per snapshot) and never queued."""
    params = [snapshot] * keys_sql.count("?")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE wanted_keys AS SELECT key, coalesce(sum(priority), 0) AS priority "
        f"FROM ({keys_sql}) WHERE key IS NOT NULL AND key <> '' GROUP BY key",
        params,
    )
    invalid = _quarantine_invalid(con, snapshot, kind, key_rule) if key_rule else 0
    carried = _carry_forward(con, snapshot, previous, kind, unchanged_sql) if previous and unchanged_sql else 0
    queue = _day(con, snapshot)
    count = f"SELECT count(*) FROM {queue} WHERE snapshot_date = ? AND kind = ?"
    before = con.execute(count, [snapshot, kind]).fetchall()[0][0]
    con.execute(
        f"INSERT OR IGNORE INTO {queue} (snapshot_date, kind, key, status, priority) "
        "SELECT ?, ?, key, 'pending', priority FROM wanted_keys",
        [snapshot, kind],
    )
    after = con.execute(count, [snapshot, kind]).fetchall()[0][0]
    con.execute("DROP TABLE wanted_keys")
    return Planned(carried, after - before, invalid)


# Quarantine locators are cut: a hostile "name" can be megabytes long.
MAX_LOCATOR_CHARS = 500


def _quarantine_invalid(con: duckdb.DuckDBPyConnection, snapshot: date, kind: str, rule: ids.IdRule) -> int:
    """Move the keys of `wanted_keys` that break `rule` to the quarantine (with the reason, once per snapshot)."""
    with store.transaction(con):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE invalid_keys AS SELECT key, reason FROM "
            f"(SELECT key, {rule.sql_problem('key')} AS reason FROM wanted_keys) WHERE reason IS NOT NULL"
        )
        con.execute(
            "INSERT INTO raw.quarantine SELECT $1, now(), $2, left(i.key, $3), i.reason, NULL FROM invalid_keys AS i "
            "WHERE NOT EXISTS (SELECT 1 FROM raw.quarantine AS q WHERE q.snapshot_date = $1 AND q.source = $2 "
            "AND q.locator = left(i.key, $3))",
            [snapshot, kind, MAX_LOCATOR_CHARS],
        )
        con.execute("DELETE FROM wanted_keys WHERE key IN (SELECT key FROM invalid_keys)")
        invalid = con.execute("SELECT count(*) FROM invalid_keys").fetchone()
        con.execute("DROP TABLE invalid_keys")
    return int(invalid[0]) if invalid else 0


def previous_snapshot(con: duckdb.DuckDBPyConnection, snapshot: date, listings: int) -> date | None:
    """The latest earlier snapshot whose `listings` listings all finished: what an incremental refresh reuses."""
    con.execute(store.DDL)
    latest: date | None = con.execute(
        "SELECT max(snapshot_date) FROM (SELECT snapshot_date FROM raw.crawl_state WHERE snapshot_date < ? "
        "GROUP BY snapshot_date HAVING bool_and(done) AND count(*) = ?)",
        [snapshot, listings],
    ).fetchall()[0][0]
    return latest


def _carry_forward(
    con: duckdb.DuckDBPyConnection, snapshot: date, previous: date, kind: str, unchanged_sql: str
) -> int:
    """Reuse the previous snapshot's answer for every wanted key (temp table `wanted_keys`) that `unchanged_sql`
    vouches for (`$1` = snapshot, `$2` = previous), that was answered then (done or 404, not itself stale) and is
    not queued for this snapshot yet: its rows are copied with their original `observed_at` (staleness stays
    visible) and its outcome is queued as settled. Returns the number of keys carried."""
    queue = _day(con, snapshot)
    with store.transaction(con):
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE carried AS
            SELECT p.key, p.status, w.priority FROM raw.{QUEUE} AS p JOIN wanted_keys AS w USING (key)
            WHERE p.snapshot_date = $2 AND p.kind = $3 AND p.status IN ('done', 'missing') AND NOT p.stale
                AND p.key IN (SELECT key FROM ({unchanged_sql}))
                AND p.key NOT IN (SELECT key FROM {queue} WHERE snapshot_date = $1 AND kind = $3)
            """,
            [snapshot, previous, kind],
        )
        _copy_rows(con, kind, snapshot, previous, "carried")
        con.execute(
            f"INSERT INTO {queue} (snapshot_date, kind, key, status, priority) "
            "SELECT $1, $2, key, status, priority FROM carried",
            [snapshot, kind],
        )
        carried = int(con.execute("SELECT count(*) FROM carried").fetchall()[0][0])
        con.execute("DROP TABLE carried")
    return carried


def _copy_rows(con: duckdb.DuckDBPyConnection, kind: str, snapshot: date, previous: date, keys_table: str) -> None:
    """Reference the previous snapshot's rows of the keys in `keys_table` from `snapshot`, keeping `observed_at`:
    the bodies are not copied."""
    con.execute(
        f"INSERT INTO {store.day_table(con, kind, snapshot)} SELECT $1, r.observed_at, r.key, r.variant, r.hash, "
        f"r.counters FROM raw.{kind}__refs AS r WHERE r.snapshot_date = $2 "
        f"AND r.key IN (SELECT key FROM {keys_table}) ORDER BY r.ref_id",
        [snapshot, previous],
    )


def _commit(con: duckdb.DuckDBPyConnection, snapshot: date, kind: FetchKind, outcomes: list[_Outcome]) -> int:
    observed_at = datetime.now(UTC)
    rows = [(o.key, o.variant, json.dumps(item, ensure_ascii=False)) for o in outcomes for item in o.items or []]
    table = pa.table(
        {
            "key": [r[0] for r in rows],
            "variant": [r[1] for r in rows],
            "body": [r[2] for r in rows],
            "counters": pa.nulls(len(rows), pa.string()),
        },
        schema=pa.schema([(name, pa.string()) for name in ("key", "variant", "body", "counters")]),
    )
    statuses = pa.table(
        {
            "key": [o.key for o in outcomes],
            "status": [o.status for o in outcomes],
            "requests": pa.array([o.requests for o in outcomes], pa.int32()),
        }
    )
    try:
        with store.transaction(con):
            store.append_rows(con, kind.name, {"snapshot_date": snapshot, "observed_at": observed_at}, table)
            con.register("fetched_status", statuses)
            con.execute(
                f"UPDATE {_day(con, snapshot)} q SET status = s.status, requests = q.requests + s.requests "
                "FROM fetched_status s WHERE q.snapshot_date = ? AND q.kind = ? AND q.key = s.key",
                [snapshot, kind.name],
            )
            for o in outcomes:
                if o.status != "done":
                    con.execute(
                        "INSERT INTO raw.quarantine VALUES (?, ?, ?, ?, ?, NULL)",
                        [snapshot, observed_at, kind.name, o.key, o.reason],
                    )
    finally:
        con.unregister("fetched_status")
    return len(rows)


def requests_spent(con: duckdb.DuckDBPyConnection, snapshot: date) -> int:
    """Requests the snapshot has cost so far: its listing pages and every per-entity fetch, over all attempts."""
    ensure_queue(con)
    spent = con.execute(
        "SELECT (SELECT coalesce(sum(requests), 0) FROM raw.crawl_state WHERE snapshot_date = $1) "
        f"+ (SELECT coalesce(sum(requests), 0) FROM raw.{QUEUE} WHERE snapshot_date = $1)",
        [snapshot],
    ).fetchall()[0][0]
    return int(spent)


def _reopen(con: duckdb.DuckDBPyConnection, snapshot: date, kind: str) -> None:
    """Put back in the queue the keys an earlier attempt could not settle: failed ones, and those a spent budget
    left deferred or stale (whose reused rows are dropped here, so a fetch never adds to them)."""
    queue = _day(con, snapshot)
    with store.transaction(con):
        con.execute(
            f"DELETE FROM {store.day_table(con, kind, snapshot)} WHERE snapshot_date = $1 AND key IN "
            f"(SELECT key FROM {queue} WHERE snapshot_date = $1 AND kind = $2 AND stale)",
            [snapshot, kind],
        )
        con.execute(
            f"UPDATE {queue} SET status = 'pending', stale = false "
            "WHERE snapshot_date = ? AND kind = ? AND (stale OR status IN ('failed', 'deferred'))",
            [snapshot, kind],
        )


def _settle_unfetched(con: duckdb.DuckDBPyConnection, snapshot: date, kind: str, previous: date | None) -> int:
    """The budget is spent: each pending key reuses the previous snapshot's answer, marked stale, or becomes
    `deferred` when there is none. Returns the number of stale keys."""
    queue = _day(con, snapshot)
    with store.transaction(con):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE stale_keys AS SELECT p.key, p.status FROM raw.{QUEUE} AS p "
            f"JOIN {queue} AS q ON q.key = p.key AND q.kind = p.kind AND q.snapshot_date = $1 "
            "WHERE p.snapshot_date = $2 AND p.kind = $3 AND q.status = 'pending' AND p.status IN ('done', 'missing')",
            [snapshot, previous, kind],
        )
        if previous is not None:
            _copy_rows(con, kind, snapshot, previous, "stale_keys")
        con.execute(
            f"UPDATE {queue} AS q SET status = s.status, stale = true FROM stale_keys AS s "
            "WHERE q.snapshot_date = ? AND q.kind = ? AND q.key = s.key",
            [snapshot, kind],
        )
        con.execute(
            f"UPDATE {queue} SET status = 'deferred' WHERE snapshot_date = ? AND kind = ? AND status = 'pending'",
            [snapshot, kind],
        )
        stale = int(con.execute("SELECT count(*) FROM stale_keys").fetchall()[0][0])
        con.execute("DROP TABLE stale_keys")
    return stale


@dataclass(frozen=True)
class DrainLimits:
    """How a drain may spend: in parallel, in batches, within a request budget."""

    workers: int = 4
    batch: int = 200
    budget: int | None = None  # requests this drain may still spend (None: no limit)
    previous: date | None = None  # the snapshot whose answers the keys left over reuse when the budget is spent
    log_every_seconds: float = 10.0


def _pending(con: duckdb.DuckDBPyConnection, snapshot: date, kind: str, limit: int) -> list[str]:
    """Up to `limit` pending keys of `kind`, most valuable first."""
    rows = con.execute(
        f"SELECT key FROM {_day(con, snapshot)} WHERE snapshot_date = ? AND kind = ? AND status = 'pending' "
        "ORDER BY priority DESC, key LIMIT ?",
        [snapshot, kind, limit],
    )
    return [key for (key,) in rows.fetchall()]


def _count_pending(con: duckdb.DuckDBPyConnection, snapshot: date, kind: str, status: str = "pending") -> int:
    row = con.execute(
        f"SELECT count(*) FROM {_day(con, snapshot)} WHERE snapshot_date = ? AND kind = ? AND status = ?",
        [snapshot, kind, status],
    ).fetchone()
    return int(row[0]) if row else 0


def _fetch_batch(
    con: duckdb.DuckDBPyConnection,
    client: HubClient,
    kind: FetchKind,
    snapshot: date,
    pool: ThreadPoolExecutor,
    chunk: list[str],
    report: QueueReport,
) -> None:
    """Fetch `chunk` in parallel, commit its outcomes in one transaction and count them into `report`."""
    outcomes = list(pool.map(lambda k: _fetch_one(client, kind, k), chunk))
    report.rows += _commit(con, snapshot, kind, outcomes)
    report.requests += sum(o.requests for o in outcomes)
    report.fetched += sum(o.status == "done" for o in outcomes)
    report.missing += sum(o.status == "missing" for o in outcomes)
    report.failed += sum(o.status == "failed" for o in outcomes)


def _drain_batches(
    con: duckdb.DuckDBPyConnection,
    client: HubClient,
    kind: FetchKind,
    snapshot: date,
    limits: DrainLimits,
    report: QueueReport,
    progress: CrawlProgress,
) -> None:
    """Fetch pending keys batch by batch while the budget has room, reporting progress after each batch."""
    budget = limits.budget

    def room() -> int | None:
        return None if budget is None else budget - report.requests

    def has_room() -> bool:
        left = room()
        return left is None or left > 0

    with ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix=f"fetch-{kind.name}") as pool:
        # Read ahead many batches: each read scans the queue, which holds millions of keys at Hub scale.
        while has_room() and (keys := _pending(con, snapshot, kind.name, limits.batch * READ_AHEAD_BATCHES)):
            for start in range(0, len(keys), limits.batch):
                left = room()
                if left is not None and left <= 0:
                    break
                chunk = keys[start : start + limits.batch][:left]  # every key costs at least one request
                _fetch_batch(con, client, kind, snapshot, pool, chunk, report)
                progress.update(
                    report.fetched + report.missing + report.failed,
                    f"{report.rows:,} rows, {report.missing:,} missing, {report.failed:,} failed, "
                    f"rate budget left {client.pacer.remaining}",
                )


def drain(
    con: duckdb.DuckDBPyConnection,
    client: HubClient,
    kind: FetchKind,
    snapshot: date,
    limits: DrainLimits = DrainLimits(),
    log: Callable[[str], None] = print,
) -> QueueReport:
    """Fetch every pending key of `kind` for `snapshot`, most valuable first, committing batch by batch. Keys
    that failed in an earlier attempt (after all retries) are tried again; 404s stay `missing`. With a budget
    (requests this drain may still spend), the keys left when it is spent reuse the previous snapshot's answers
    as stale, or are deferred. A list's pages are never cut, so the last batch can overshoot by its extra pages."""
    budget = limits.budget
    if budget is None or budget > 0:
        _reopen(con, snapshot, kind.name)
    report = QueueReport(kind.name)
    planned = _count_pending(con, snapshot, kind.name)
    with CrawlProgress(kind.name, planned, log, "keys", limits.log_every_seconds) as progress:
        _drain_batches(con, client, kind, snapshot, limits, report, progress)
    report.seconds, report.throttled = progress.seconds, progress.throttled
    if budget is not None:
        report.stale = _settle_unfetched(con, snapshot, kind.name, limits.previous)
        report.deferred = _count_pending(con, snapshot, kind.name, "deferred")
        if report.stale or report.deferred:
            log(f"{kind.name}: budget spent; {report.stale} keys reuse older answers, {report.deferred} deferred")
    return report
