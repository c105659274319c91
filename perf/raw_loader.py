"""Write a generated world's raw layer directly: the rows a full crawl of the emulator serving it would store.

    .venv/bin/python perf/raw_loader.py --world DIR --warehouse FILE [--snapshot YYYY-MM-DD] [--page-size 1000]

Measuring the later stages at 2x HuggingKG size needs a raw layer, and crawling one takes longer than a session
(≈ 6.3M requests). This loader builds the same rows without HTTP or pacing: each body comes from the emulator's
own response builders (`project`, `person_body`, `daily_paper_item`, `collection_listing_entry`, `readme`) and is
written through the crawler's own writers (`store.commit_page`, `queue.enqueue`, `queue._commit`), so the keys,
priorities, request counts, statuses and quarantine rows follow whatever the crawl does. Which keys are fetched is
decided by the crawl's own key SQL (`crawler/entities.py`), in the crawl's order (the raw assets' dependencies).

It streams: world files are read line by line or by DuckDB (`read_ndjson_objects`) into a scratch schema, and
per-entity answers are looked up batch by batch in SQL, so memory does not grow with the world. The per-entity
Python work of the listings, the users' short shape and the READMEs (a YAML dump per card, the largest) runs in a
pool of processes (`--workers`, default one per core), chunk by chunk, while this process — the one DuckDB writer —
writes the previous chunk. Only `observed_at` (and `crawl_state.updated_at`) differ from a crawl's, and the locator
of a listing quarantine row names the world file's line instead of the page URL. Full scope only (no
HUBKG_SCOPE_LIMIT / HUBKG_SCOPE_AUTHORS / budget); list pages are assumed capped at the emulator's default
`max_page_size` (1,000).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import entities, store  # noqa: E402
from crawler.client import text_file_body  # noqa: E402
from crawler.listing import LISTINGS, ListingSpec, _split_valid  # noqa: E402
from crawler.queue import (  # noqa: E402
    MISSING_REASON,
    FetchKind,
    _commit,
    _count_pending,
    _Outcome,
    _pending,
    enqueue,
    ensure_tables,
)
from hub_emulator.server.read_api import collection_listing_entry, daily_paper_item, project  # noqa: E402
from hub_emulator.server.readme import readme  # noqa: E402
from hub_emulator.server.world_store import _sort_value, person_body  # noqa: E402
from orchestration.settings import Settings  # noqa: E402
from release.blocks import BLOCK_SIZE, LARGE_BLOCK_SIZE, LARGE_WAREHOUSE_ROWS, move_to_large_blocks  # noqa: E402

SCRATCH = "raw_loader_world"  # dropped at the end
BATCH = 20000  # keys answered per transaction; rows per listing write
CHUNK = 5000  # lines or keys per pool task: even a 1% world's files spread over the processes
EMULATOR_MAX_PAGE = 1000  # the emulator's default `max_page_size`: caps every list page


def _raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            if line.strip():
                yield number, line


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pipelined(pool: Pool, work: Callable[[Any], Any], tasks: Iterable[Any], sink: Callable[[Any], object]) -> None:
    """`work` on each task in the pool's processes, results handed to `sink` (the one DuckDB writer, here) in the
    tasks' order. One task per process is in flight while the writer writes, so both cores work and memory holds
    only those tasks; `tasks` is drawn in this process (it may query the connection `sink` writes to)."""
    in_flight: deque[Any] = deque()
    for task in tasks:
        in_flight.append(pool.apply_async(work, (task,)))
        if len(in_flight) > pool._processes:  # type: ignore[attr-defined]  # the pool's size, as it was made
            sink(in_flight.popleft().get())
    while in_flight:
        sink(in_flight.popleft().get())


# -- listings ---------------------------------------------------------------------------------------------------


def _listing_body(spec: ListingSpec, body: dict[str, Any]) -> dict[str, Any]:
    """What the listing serves for one world body: the `expand` fields, or a collection's listing entry."""
    if spec.expand:
        return project(body, {"_id", "id", *spec.expand}, frozenset(), False)
    return collection_listing_entry(body)


LISTING_SCHEMA = pa.schema(
    [
        ("pos", pa.int64()),
        ("v", pa.float64()),
        ("key", pa.string()),
        ("id", pa.string()),
        ("body", pa.string()),
        ("counters", pa.string()),
    ]
)


def _listing_chunk(task: tuple[str, str, list[tuple[int, bytes]]]) -> tuple[pa.Table, list[dict[str, Any]]]:
    """One chunk of a listing's world lines as `listing_rows` rows (the served body as the crawl stores it:
    counters apart), and the quarantine rows the crawl's checks give its entities. Runs in a pool process."""
    source, locator, lines = task
    spec = LISTINGS[source]
    served = [(number, _listing_body(spec, json.loads(line))) for number, line in lines]
    positions = {body.get(spec.key_field): number for number, body in served}
    good, bad = _split_valid(spec, locator, [body for _, body in served])
    stored = [store.split_counters(body) for _, _, body in good]
    rows = pa.table(
        {
            "pos": [positions[key] for key, _, _ in good],
            "v": [_sort_value(body, spec.full_sort) if spec.full_sort else None for _, _, body in good],
            "key": [key for key, _, _ in good],
            "id": [id_ for _, id_, _ in good],
            "body": [text for text, _ in stored],
            "counters": [counters for _, counters in stored],
        },
        schema=LISTING_SCHEMA,
    )
    return rows, bad


def _stage_listing(con: duckdb.DuckDBPyConnection, pool: Pool, path: Path, spec: ListingSpec) -> list[dict[str, Any]]:
    """Stream one listing's world file into temp table `listing_rows` (line, sort value, key, id, stored body,
    counters), chunks served in the pool; returns the quarantine rows."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE listing_rows "
        "(pos BIGINT, v DOUBLE, key VARCHAR, id VARCHAR, body VARCHAR, counters VARCHAR)"
    )
    quarantined: list[dict[str, Any]] = []

    def insert(result: tuple[pa.Table, list[dict[str, Any]]]) -> None:
        rows, bad = result
        quarantined.extend(bad)
        con.register("chunk_rows", rows)
        con.execute("INSERT INTO listing_rows SELECT * FROM chunk_rows")
        con.unregister("chunk_rows")

    chunks = _chunks(_raw_lines(path), CHUNK) if path.exists() else iter(())
    tasks = ((spec.source, f"{path}?lines={chunk[0][0]}-{chunk[-1][0]}", chunk) for chunk in chunks)
    _pipelined(pool, _listing_chunk, tasks, insert)
    return quarantined


def load_listing(
    con: duckdb.DuckDBPyConnection, pool: Pool, world: Path, spec: ListingSpec, snapshot: date, page_size: int
) -> int:
    """Every entity of one listing on the page the full walk serves it on (sort `full_sort` as the keyset orders
    it: value descending, missing last, ties by key; else file order), then its finished checkpoint."""
    store.ensure_raw(con, spec.source)
    quarantined = _stage_listing(con, pool, world / f"{spec.path.removeprefix('/api/')}.jsonl", spec)
    order = "isnan(v) OR v IS NULL, v DESC, key" if spec.full_sort else "pos"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE paged_rows AS SELECT row_number() OVER (ORDER BY "
        f"{order}) - 1 AS n, n // ? + 1 AS page, key, id, body, counters FROM listing_rows",
        [page_size],
    )
    ((count,),) = con.execute("SELECT count(*) FROM paged_rows").fetchall()
    entities_ = int(count)
    # through the crawl's own writer (bodies by content, counters in the references), a batch at a time
    head = {"snapshot_date": snapshot, "observed_at": datetime.now(UTC)}
    for start in range(0, entities_, BATCH):
        batch = con.sql(
            f"SELECT page, key, id, body, counters FROM paged_rows WHERE n >= {start} AND n < {start + BATCH} "
            "ORDER BY n"
        ).to_arrow_table()
        store.append_rows(con, spec.source, head, batch)
    con.execute("DROP TABLE paged_rows")
    pages = max(1, math.ceil(entities_ / page_size))  # an empty listing is one empty page
    state = store.CrawlState(next_url=None, pages=pages, entities=entities_, requests=pages, done=True)
    store.commit_page(con, snapshot, spec.source, pages, [], quarantined, state)
    con.execute("DROP TABLE listing_rows")
    return entities_


# -- the world as scratch tables --------------------------------------------------------------------------------

WORLD_TABLES = {
    # table: (file, columns extracted from each line `json`)
    "models": ("models.jsonl", "json ->> 'id' AS id"),
    "datasets": ("datasets.jsonl", "json ->> 'id' AS id"),
    "spaces": ("spaces.jsonl", "json ->> 'id' AS id"),
    "collections": ("collections.jsonl", "json ->> 'slug' AS id"),
    "papers": ("papers.jsonl", "json ->> 'id' AS id, json ->> 'submittedOnDailyAt' AS daily"),
    "users": ("users.jsonl", "json ->> 'user' AS id"),
    "orgs": ("orgs.jsonl", "json ->> 'name' AS id"),
    "follows": (
        "follows.jsonl",
        "json ->> 'follower' AS follower, json ->> 'followee' AS followee, json ->> 'followee_type' AS followee_type",
    ),
    "members": ("members.jsonl", "json ->> 'org' AS org, json ->> 'user' AS member, json ->> 'role' AS role"),
    "likes": (
        "likes.jsonl",
        "json ->> 'user' AS liker, json ->> 'repo_type' AS repo_type, json ->> 'repo_id' AS repo_id, "
        "json ->> 'createdAt' AS created_at",
    ),
}


def load_world_tables(con: duckdb.DuckDBPyConnection, pool: Pool, world: Path) -> None:
    """The world's files as tables of the scratch schema (each line kept verbatim in `json`), and `people`: the
    short user shape social lists serve for each user."""
    con.execute(f"DROP SCHEMA IF EXISTS {SCRATCH} CASCADE; CREATE SCHEMA {SCRATCH}")
    for table, (file, columns) in WORLD_TABLES.items():
        path = world / file
        source = (
            f"read_ndjson_objects('{path}', maximum_object_size = 268435456)"
            if path.exists() and path.stat().st_size
            else "(SELECT NULL::JSON AS json WHERE false)"
        )
        con.execute(f"CREATE TABLE {SCRATCH}.{table} AS SELECT json, {columns} FROM {source}")
    con.execute(f"CREATE TABLE {SCRATCH}.people (id VARCHAR, person VARCHAR)")

    def insert(people: pa.Table) -> None:
        con.register("people_chunk", people)
        con.execute(f"INSERT INTO {SCRATCH}.people SELECT * FROM people_chunk")
        con.unregister("people_chunk")

    users = world / "users.jsonl"
    _pipelined(pool, _people_chunk, _chunks(_raw_lines(users), CHUNK) if users.exists() else iter(()), insert)


def _people_chunk(lines: list[tuple[int, bytes]]) -> pa.Table:
    """The short user shape social lists serve, for a chunk of `users.jsonl` lines. Runs in a pool process."""
    users = [json.loads(line) for _, line in lines]
    return pa.table(
        {
            "id": [user["user"] for user in users],
            "person": [json.dumps(person_body(user["user"], user), ensure_ascii=False) for user in users],
        }
    )


# -- per-entity answers ------------------------------------------------------------------------------------------

Answer = Callable[[duckdb.DuckDBPyConnection, list[str]], list[_Outcome]]


def _by_key(con: duckdb.DuckDBPyConnection, sql: str, keys: list[str]) -> dict[str, list[Any]]:
    """Rows of `sql` (first column the key, `$keys` the batch) grouped by key, in the query's order."""
    grouped: dict[str, list[Any]] = {}
    for key, *rest in con.execute(sql, {"keys": keys}).fetchall():
        grouped.setdefault(key, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return grouped


def _missing(key: str, requests: int = 1) -> _Outcome:
    return _Outcome(key, "missing", reason=MISSING_REASON, requests=requests)


def _objects(table: str, variant: str) -> Answer:
    """Keys answered by one world line each (`GET` of one object): a collection, a paper."""

    def answer(con: duckdb.DuckDBPyConnection, keys: list[str]) -> list[_Outcome]:
        found = _by_key(con, f"SELECT id, json FROM {SCRATCH}.{table} WHERE id IN (SELECT unnest($keys))", keys)
        return [
            _Outcome(k, "done", variant, [json.loads(found[k][0])], requests=1) if k in found else _missing(k)
            for k in keys
        ]

    return answer


def _tasks(world: Path) -> Answer:
    def answer(con: duckdb.DuckDBPyConnection, keys: list[str]) -> list[_Outcome]:
        path = world / "tasks.json"
        catalog = json.loads(path.read_text()) if path.exists() else {}
        return [_Outcome(k, "done", "catalog", [catalog], requests=1) for k in keys]

    return answer


def _principals(con: duckdb.DuckDBPyConnection, keys: list[str]) -> list[_Outcome]:
    """A name is asked as a user, then (after a 404) as an organisation."""
    users = _by_key(con, f"SELECT id, json FROM {SCRATCH}.users WHERE id IN (SELECT unnest($keys))", keys)
    orgs = _by_key(con, f"SELECT id, json FROM {SCRATCH}.orgs WHERE id IN (SELECT unnest($keys))", keys)
    out = []
    for key in keys:
        if key in users:
            out.append(_Outcome(key, "done", "user", [json.loads(users[key][0])], requests=1))
        elif key in orgs:
            out.append(_Outcome(key, "done", "org", [json.loads(orgs[key][0])], requests=2))
        else:
            out.append(_missing(key, requests=2))
    return out


def _pages(items: int) -> int:
    """Requests a Link-paged list of `items` costs (all such kinds ask 1,000 a page, the emulator's cap too): an
    empty list is one empty page."""
    return max(1, math.ceil(items / min(EMULATOR_MAX_PAGE, entities.LIKERS.page_size)))


def _lists(exists_sql: str, items_sql: str, variant: str, item: Callable[[Any], Any]) -> Answer:
    """Keys answered by a Link-paged list: `exists_sql` yields the keys the Hub knows (else 404), `items_sql`
    (key, value) per item in the world's order; `item` turns a value into the served item."""

    def answer(con: duckdb.DuckDBPyConnection, keys: list[str]) -> list[_Outcome]:
        known = _by_key(con, exists_sql, keys)
        items = _by_key(con, items_sql, keys)
        return [
            _Outcome(k, "done", variant, [item(v) for v in items.get(k, [])], requests=_pages(len(items.get(k, []))))
            if k in known
            else _missing(k)
            for k in keys
        ]

    return answer


def _person(value: Any) -> Any:
    return json.loads(value[0]) if value[0] else person_body(value[1], None)


def _member(value: Any) -> Any:
    return {**_person(value[:2]), "role": value[2]}


def _like(value: Any) -> Any:
    return {"createdAt": value[0], "repo": {"name": value[1], "type": value[2]}}


KEYS = "(SELECT unnest($keys) AS key)"
REPO_KEYS = (
    "SELECT k.key, 1 FROM "
    + KEYS
    + " AS k JOIN ("
    + " UNION ALL ".join(f"SELECT '{t}/' || id AS key FROM {SCRATCH}.{t}" for t in entities.REPO_SOURCES)
    + ") AS r USING (key)"
)
LIKERS = _lists(
    REPO_KEYS,
    f"SELECT l.repo_type || 's/' || l.repo_id AS key, p.person, l.liker FROM {SCRATCH}.likes AS l "
    f"LEFT JOIN {SCRATCH}.people AS p ON p.id = l.liker "
    f"WHERE l.repo_type || 's/' || l.repo_id IN (SELECT unnest($keys))",
    "repo",
    _person,
)


def _in(table: str) -> str:
    return f"SELECT id, 1 FROM {SCRATCH}.{table} WHERE id IN (SELECT unnest($keys))"


def _followers(followee_type: str, table: str) -> Answer:
    return _lists(
        _in(table),
        f"SELECT f.followee, p.person, f.follower FROM {SCRATCH}.follows AS f "
        f"LEFT JOIN {SCRATCH}.people AS p ON p.id = f.follower "
        f"WHERE f.followee_type = '{followee_type}' AND f.followee IN (SELECT unnest($keys))",
        followee_type,
        _person,
    )


MEMBERS = _lists(
    _in("orgs"),
    f"SELECT m.org, p.person, m.member, m.role FROM {SCRATCH}.members AS m "
    f"LEFT JOIN {SCRATCH}.people AS p ON p.id = m.member WHERE m.org IN (SELECT unnest($keys))",
    "org",
    _member,
)
USER_LIKES = _lists(
    _in("users"),
    f"SELECT liker, created_at, repo_id, repo_type FROM {SCRATCH}.likes WHERE liker IN (SELECT unnest($keys))",
    "user",
    _like,
)


def _daily_papers(con: duckdb.DuckDBPyConnection, keys: list[str]) -> list[_Outcome]:
    """A day's papers in id order, read page by page (100 a page) until a short page."""
    page = entities.DAILY_PAPERS.page_size
    papers = _by_key(
        con,
        f"SELECT substr(daily, 1, 10) AS day, json FROM {SCRATCH}.papers "
        f"WHERE substr(daily, 1, 10) IN (SELECT unnest($keys)) ORDER BY id",
        keys,
    )
    return [
        _Outcome(
            k, "done", "day", [daily_paper_item(json.loads(p)) for p in papers.get(k, [])],
            requests=len(papers.get(k, [])) // page + 1,
        )
        for k in keys
    ]  # fmt: skip


README_BODIES = (
    f"SELECT id, json, 'model' FROM {SCRATCH}.models WHERE id IN (SELECT unnest($keys)) UNION ALL "
    f"SELECT 'datasets/' || id, json, 'dataset' FROM {SCRATCH}.datasets "
    f"WHERE 'datasets/' || id IN (SELECT unnest($keys))"
)


def _readme_outcomes(task: tuple[int, list[tuple[str, str, str]]]) -> list[_Outcome]:
    """Each repo's README.md as one ranged read of its first `max_bytes` (a repo without one answers 404), from
    (key, world body, repo type) — empty body and type for a key the world lacks. Runs in a pool process: the
    card's YAML dump is the loader's largest Python cost."""
    max_bytes, rows = task
    out = []
    for key, raw, repo_type in rows:
        body = json.loads(raw) if raw else {}
        data = readme(repo_type, body) if body else None
        if data is None:
            out.append(_missing(key))
        else:
            card = text_file_body(data[:max_bytes], len(data), body["sha"])
            out.append(_Outcome(key, "done", "card", [card], requests=1))
    return out


def load_readmes(con: duckdb.DuckDBPyConnection, pool: Pool, snapshot: date, max_bytes: int) -> int:
    """Settle every README key (most valuable first, chunk by chunk, as `answer_all` does batch by batch), the cards
    built in the pool while this process writes the previous chunk."""
    kind = entities.READMES
    planned = enqueue(con, snapshot, kind.name, entities.README_KEYS)
    keys = _pending(con, snapshot, kind.name, _count_pending(con, snapshot, kind.name))

    def task(batch: list[str]) -> tuple[int, list[tuple[str, str, str]]]:
        bodies = _by_key(con, README_BODIES, batch)
        return max_bytes, [(k, *(bodies[k][0] if k in bodies else ("", ""))) for k in batch]

    tasks = (task(keys[start : start + CHUNK]) for start in range(0, len(keys), CHUNK))
    _pipelined(pool, _readme_outcomes, tasks, lambda outcomes: _commit(con, snapshot, kind, outcomes))
    return planned.total


def answer_all(con: duckdb.DuckDBPyConnection, snapshot: date, kind: FetchKind, answer: Answer) -> int:
    """Settle every pending key of `kind`, most valuable first, batch by batch (as `queue.drain` does)."""
    keys_done = 0
    while keys := _pending(con, snapshot, kind.name, BATCH):
        _commit(con, snapshot, kind, answer(con, keys))
        keys_done += len(keys)
    return keys_done


def _enqueue_and_answer(
    con: duckdb.DuckDBPyConnection, snapshot: date, kind: FetchKind, keys_sql: str, answer: Answer
) -> int:
    planned = enqueue(con, snapshot, kind.name, keys_sql)
    answer_all(con, snapshot, kind, answer)
    return planned.total


def load_accounts(con: duckdb.DuckDBPyConnection, snapshot: date) -> int:
    """Names resolved as user else org, then their social lists, round after round until nothing new (the
    `accounts` asset's loop). Returns the number of rounds."""
    socials = {
        entities.USER_FOLLOWERS.name: _followers("user", "users"),
        entities.ORG_FOLLOWERS.name: _followers("org", "orgs"),
        entities.ORG_MEMBERS.name: MEMBERS,
    }
    rounds = 0
    while True:
        rounds += 1
        names = _enqueue_and_answer(con, snapshot, entities.PRINCIPALS, entities.PRINCIPAL_KEYS, _principals)
        lists = sum(
            _enqueue_and_answer(con, snapshot, kind, keys_sql, socials[kind.name])
            for kind, keys_sql, _ in entities.SOCIAL
        )
        if names == 0 and lists == 0:
            return rounds


def load_raw(
    con: duckdb.DuckDBPyConnection,
    world: Path,
    snapshot: date,
    page_size: int = 1000,
    readme_max_bytes: int = 65536,
    log: Callable[[str], None] = print,
    workers: int | None = None,
) -> dict[str, float]:
    """The raw layer of a full crawl of `world` for `snapshot` (the settings' defaults for page size and README
    bytes), stage by stage in the raw assets' dependency order. Returns seconds per step. The per-entity Python
    work of the listings and READMEs runs in `workers` processes (default: one per core)."""
    # spawn, not fork: this process holds a DuckDB connection and its threads
    with multiprocessing.get_context("spawn").Pool(workers or os.cpu_count() or 1) as pool:
        return _load_raw(con, pool, world, snapshot, page_size, readme_max_bytes, log)


def _load_raw(
    con: duckdb.DuckDBPyConnection,
    pool: Pool,
    world: Path,
    snapshot: date,
    page_size: int,
    readme_max_bytes: int,
    log: Callable[[str], None],
) -> dict[str, float]:
    seconds: dict[str, float] = {}
    started = time.monotonic()

    def lap(step: str) -> None:
        nonlocal started
        seconds[step] = round(time.monotonic() - started, 2)
        log(f"raw loader: {step} in {seconds[step]:.1f} s")
        started = time.monotonic()

    ensure_tables(con, entities.ALL_KINDS)
    # Not resumable (a listing's rows are written before its checkpoint): a warehouse is loaded once, from empty.
    if con.execute("SELECT count(*) FROM raw.crawl_state WHERE snapshot_date = ?", [snapshot]).fetchone()[0]:
        raise ValueError(f"the warehouse already holds raw rows of snapshot {snapshot}: load into a fresh one")
    for spec in LISTINGS.values():
        load_listing(con, pool, world, spec, snapshot, page_size)
    lap("listings")
    load_world_tables(con, pool, world)
    lap("world tables")
    steps: list[tuple[FetchKind, str, Answer]] = [
        (entities.TASKS, entities.TASK_KEYS, _tasks(world)),
        (entities.COLLECTIONS, entities.COLLECTION_KEYS, _objects("collections", "collection")),
        (entities.LIKERS, entities.LIKER_KEYS, LIKERS),
        (entities.DAILY_PAPERS, entities.DAILY_PAPER_KEYS, _daily_papers),
        (entities.PAPERS, entities.PAPER_KEYS, _objects("papers", "paper")),
    ]
    for kind, keys_sql, answer in steps:
        _enqueue_and_answer(con, snapshot, kind, keys_sql, answer)
        lap(kind.name)
    rounds = load_accounts(con, snapshot)
    lap(f"accounts ({rounds} rounds)")
    _enqueue_and_answer(con, snapshot, entities.USER_LIKES, entities.USER_LIKE_KEYS, USER_LIKES)
    lap("user_likes")
    load_readmes(con, pool, snapshot, readme_max_bytes)
    lap("readmes")
    con.execute(f"DROP SCHEMA {SCRATCH} CASCADE")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--snapshot", type=date.fromisoformat, default=date.today())
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--readme-max-bytes", type=int, default=65536)
    parser.add_argument("--workers", type=int, default=None, help="processes for the Python work (default: cores)")
    args = parser.parse_args()
    args.warehouse.parent.mkdir(parents=True, exist_ok=True)
    # capped as the pipeline's connections are (HUBKG_DUCKDB_MEMORY_LIMIT)
    config = {"default_block_size": str(BLOCK_SIZE), "memory_limit": Settings().duckdb_buffer_limit}
    with duckdb.connect(str(args.warehouse), config=config) as con:
        load_raw(con, args.world, args.snapshot, args.page_size, args.readme_max_bytes, workers=args.workers)
    # as the daily maintenance moves a warehouse of this size (release/blocks.py)
    started = time.monotonic()
    if move_to_large_blocks(args.warehouse, config, LARGE_WAREHOUSE_ROWS):
        print(f"raw loader: moved into {LARGE_BLOCK_SIZE // 1024} KB blocks in {time.monotonic() - started:.1f} s")
    # CPU seconds of the writer (this process, DuckDB's threads included) and of the pool: on a shared machine the
    # wall time says little, the writer's share says how much of the work is left on the one serial path
    own, pool = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    writer, workers = own.ru_utime + own.ru_stime, pool.ru_utime + pool.ru_stime
    print(f"raw loader: CPU {writer:.1f} s in the writer, {workers:.1f} s in the pool")
    return 0


if __name__ == "__main__":
    sys.exit(main())
