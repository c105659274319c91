"""Raw layer: snapshot the Hub into DuckDB through the real `huggingface_hub` client.

Listings stream page by page; per-entity calls (collections, papers, likers, users and organisations) run from a
resumable queue. Every row keeps the Hub's JSON and is stamped with the snapshot date and the time it was seen;
whatever cannot be parsed or no longer exists is recorded in `raw.quarantine` with the reason.

A refresh (`HUBKG_REFRESH=incremental`, the default) reads the listings in full — they are cheap and carry every
repo's counters and commit — and reuses the previous snapshot's per-entity answers where nothing says they changed
(same likes counter, same collection entry, same follower count; see `crawler/entities.py`), re-reading
a rotating share of account overviews and likers lists (`HUBKG_REVALIDATE_SHARE`): some changes move no counter.
Reused rows keep the time they were observed.
Deleted repos simply are not listed: the graph's `kg_changes` records them as removed.
"""

import math
from collections.abc import Callable
from datetime import UTC, date, datetime

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import SNAPSHOT_DAYS, snapshot_of
from crawler import entities
from crawler.config import CrawlConfig
from crawler.listing import LISTINGS, ListingSpec, crawl_listing
from crawler.queue import (
    DrainLimits,
    FetchKind,
    QueueReport,
    drain,
    enqueue,
    ensure_tables,
    previous_snapshot,
    requests_spent,
)

RAW = dict(
    group_name="raw", kinds={"python", "duckdb"}, owners=["team:hubkg"], code_version="1", partitions_def=SNAPSHOT_DAYS
)


def previous_for(con, hub: dg.ResourceParam[CrawlConfig], snapshot: date) -> date | None:
    """The snapshot an incremental refresh reuses answers from (None: a full snapshot)."""
    return previous_snapshot(con, snapshot, len(LISTINGS)) if hub.refresh == "incremental" else None


def budget_left(con, hub: dg.ResourceParam[CrawlConfig], snapshot: date) -> int | None:
    """Requests the snapshot may still spend under `HUBKG_REQUEST_BUDGET` (None: no budget)."""
    return max(hub.request_budget - requests_spent(con, snapshot), 0) if hub.request_budget else None


def revalidation_budget(con, hub: dg.ResourceParam[CrawlConfig], previous: date | None, kind: str) -> int:
    """How many of the previous snapshot's `kind` answers a refresh re-reads although nothing says they changed
    (`HUBKG_REVALIDATE_SHARE` of them; none on a full snapshot)."""
    known = con.execute(
        "SELECT count(*) FROM raw.fetch_queue WHERE snapshot_date = ? AND kind = ?", [previous, kind]
    ).fetchone()[0]
    return math.ceil(known * hub.revalidate_share)


def _drain(
    con, client, hub: dg.ResourceParam[CrawlConfig], kind: FetchKind, snapshot: date, previous, log
) -> QueueReport:
    """Fetch the queued keys of `kind` within what is left of the snapshot's request budget."""
    budget = budget_left(con, hub, snapshot)
    return drain(con, client, kind, snapshot, DrainLimits(hub.workers, budget=budget, previous=previous), log=log)


def _queue_metadata(report: QueueReport, requests: int, budget: int) -> dict:
    done = report.fetched + report.missing + report.failed
    return {
        "requests_this_run": requests,
        f"{report.kind}_fetched": report.fetched,
        f"{report.kind}_rows": report.rows,
        "missing": report.missing,
        "failed": report.failed,
        "request_budget": budget or "none",
        # the budget ran out: keys answered by an older snapshot (stale) or not at all (deferred); kg_crawl_coverage
        "stale": report.stale,
        "deferred": report.deferred,
        # the last progress line's numbers (the run log has one every 10 s while it crawls)
        "keys_per_second": round(done / report.seconds, 2) if report.seconds else 0.0,
        "throttled_429": report.throttled,
    }


def build_listing_asset(spec: ListingSpec) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", spec.source],
        description=(
            f"Every entity of `GET {spec.path}` (Link-paged, explicit `expand`), one row per entity per snapshot "
            "with the raw JSON. Resumes an unfinished crawl of the snapshot from its last committed page."
        ),
        **RAW,
    )
    def _listing(context: dg.AssetExecutionContext, hub: dg.ResourceParam[CrawlConfig], warehouse: DuckDBResource):
        snapshot = snapshot_of(context)
        client = hub.client()
        with warehouse.get_connection() as con:
            report = crawl_listing(con, client, spec, snapshot, hub, log=context.log.info)
            rows = con.execute(f"SELECT count(*) FROM raw.{spec.source} WHERE snapshot_date = ?", [snapshot])
            total = rows.fetchone()[0]
        return dg.MaterializeResult(
            metadata={
                "snapshot_date": str(snapshot),
                "rows": dg.MetadataValue.int(total),
                "pages": report.pages,
                "quarantined": report.quarantined,
                "requests_this_run": client.requests,
                "rate_limit_waits": client.pacer.waits,
                "rate_limit_wait_seconds": round(client.pacer.waited_seconds, 1),
                "resumed": report.resumed,
                "seconds": round(report.seconds, 2),
                # the last progress line's numbers (the run log has one every 10 s while it crawls)
                "pages_per_second": round(report.pages / report.seconds, 2) if report.seconds else 0.0,
                "throttled_429": report.throttled,
            }
        )

    return _listing


def build_queue_asset(
    kind: FetchKind,
    keys_sql: str,
    deps: list[str],
    description: str,
    unchanged_sql: str | Callable[[int], str] | None = None,
) -> dg.AssetsDefinition:
    """A per-entity crawl; with `unchanged_sql`, an incremental refresh reuses the previous answers it vouches for
    (a function of the revalidation budget: it vouches for all but that many of them)."""

    @dg.asset(key=["raw", kind.name], deps=[dg.AssetKey(["raw", d]) for d in deps], description=description, **RAW)
    def _queue(context: dg.AssetExecutionContext, hub: dg.ResourceParam[CrawlConfig], warehouse: DuckDBResource):
        snapshot = snapshot_of(context)
        client = hub.client()
        with warehouse.get_connection() as con:
            ensure_tables(con, entities.ALL_KINDS)
            previous = previous_for(con, hub, snapshot)
            revalidate = revalidation_budget(con, hub, previous, kind.name) if callable(unchanged_sql) else 0
            unchanged = unchanged_sql(revalidate) if callable(unchanged_sql) else unchanged_sql
            planned = enqueue(con, snapshot, kind.name, keys_sql, previous, unchanged, kind.key_rule)
            report = _drain(con, client, hub, kind, snapshot, previous, context.log.info)
        return dg.MaterializeResult(
            metadata={
                "snapshot_date": str(snapshot),
                "reused_from": str(previous) if previous else "none (full)",
                "queued": planned.to_fetch,
                "invalid_keys_quarantined": planned.invalid,
                "carried_forward": planned.carried,
                "revalidated_budget": revalidate,
                **_queue_metadata(report, client.requests, hub.request_budget),
            }
        )

    return _queue


ACCOUNT_KINDS = (entities.PRINCIPALS, *(kind for kind, _, _ in entities.SOCIAL))


@dg.multi_asset(
    name="accounts",
    specs=[
        dg.AssetSpec(["raw", kind.name], deps=[dg.AssetKey(["raw", d]) for d in ("likers", "papers")], **RAW)
        for kind in ACCOUNT_KINDS
    ],
)
def accounts(context: dg.AssetExecutionContext, hub: dg.ResourceParam[CrawlConfig], warehouse: DuckDBResource):
    """Users and organisations (overviews), user followers, org followers and org members. No endpoint lists
    accounts, so names are discovered from authors, collection owners, likers, paper authors, followers and
    members, resolved as user else org, and their social lists read, until no new name appears."""
    snapshot = snapshot_of(context)
    client = hub.client()
    run_started = datetime.now(UTC)
    reports: dict[str, QueueReport] = {}
    carried: dict[str, int] = {}
    with warehouse.get_connection() as con:
        ensure_tables(con, entities.ALL_KINDS)
        previous = previous_for(con, hub, snapshot)
        revalidate = revalidation_budget(con, hub, previous, entities.PRINCIPALS.name)
        rounds = 0
        while True:
            rounds += 1
            names = enqueue(
                con,
                snapshot,
                entities.PRINCIPALS.name,
                entities.PRINCIPAL_KEYS,
                previous,
                entities.principals_unchanged(revalidate),
                entities.PRINCIPALS.key_rule,
            )
            carried[entities.PRINCIPALS.name] = carried.get(entities.PRINCIPALS.name, 0) + names.carried
            _merge(reports, _drain(con, client, hub, entities.PRINCIPALS, snapshot, previous, context.log.info))
            new_lists = 0
            for kind, keys_sql, unchanged_sql in entities.SOCIAL:
                lists = enqueue(con, snapshot, kind.name, keys_sql, previous, unchanged_sql, kind.key_rule)
                carried[kind.name] = carried.get(kind.name, 0) + lists.carried
                new_lists += lists.total
                _merge(reports, _drain(con, client, hub, kind, snapshot, previous, context.log.info))
            context.log.info(f"accounts round {rounds}: {names.total} new names, {new_lists} new social lists")
            if names.total == 0 and new_lists == 0:
                break
        users, orgs, stale, oldest = con.execute(
            "SELECT count(*) FILTER (variant = 'user'), count(*) FILTER (variant = 'org'), "
            "count(*) FILTER (observed_at < ?), min(observed_at) FROM raw.principals WHERE snapshot_date = ?",
            [run_started, snapshot],
        ).fetchone()
    for kind in ACCOUNT_KINDS:
        report = reports.get(kind.name, QueueReport(kind.name))
        extra = (
            {
                "users": users,
                "organizations": orgs,
                "discovery_rounds": rounds,
                "revalidated_budget": revalidate,
                # freshness: overviews reused from earlier snapshots, and the oldest observation in this one
                "accounts_observed_earlier": stale,
                "oldest_account_observation": oldest.isoformat() if oldest else "",
            }
            if kind is entities.PRINCIPALS
            else {}
        )
        yield dg.MaterializeResult(
            asset_key=["raw", kind.name],
            metadata={
                "snapshot_date": str(snapshot),
                "reused_from": str(previous) if previous else "none (full)",
                "carried_forward": carried.get(kind.name, 0),
                **extra,
                **_queue_metadata(report, client.requests, hub.request_budget),
            },
        )


def _merge(reports: dict[str, QueueReport], report: QueueReport) -> None:
    total = reports.setdefault(report.kind, QueueReport(report.kind))
    for counter in ("fetched", "missing", "failed", "rows", "requests", "stale", "seconds", "throttled"):
        setattr(total, counter, getattr(total, counter) + getattr(report, counter))
    total.deferred = report.deferred  # a count of the queue, not of one drain


listing_assets = [build_listing_asset(spec) for spec in LISTINGS.values()]
queue_assets = [
    build_queue_asset(entities.TASKS, entities.TASK_KEYS, [], "The task catalogue from `GET /api/tasks`."),
    build_queue_asset(
        entities.COLLECTIONS,
        entities.COLLECTION_KEYS,
        ["collection_index"],
        "Every listed collection in full (`GET /api/collections/{slug}`): listings cut items to 4.",
        entities.COLLECTION_UNCHANGED,
    ),
    build_queue_asset(
        entities.LIKERS,
        entities.LIKER_KEYS,
        list(entities.REPO_SOURCES),
        "Who likes each repo (`GET /api/{type}s/{id}/likers`, Link-paged), only for repos with likes > 0.",
        entities.likers_unchanged,
    ),
    build_queue_asset(
        entities.USER_LIKES,
        entities.USER_LIKE_KEYS,
        ["principals"],
        "When each user liked what (`GET /api/users/{u}/likes`, Link-paged), for users whose overview counts likes.",
        entities.USER_LIKES_UNCHANGED,
    ),
    build_queue_asset(
        entities.DAILY_PAPERS,
        entities.DAILY_PAPER_KEYS,
        [],
        "Each day's daily papers since the page began (`GET /api/daily_papers?date=`, page-numbered); a refresh "
        f"re-reads the last {entities.DAILY_PAPERS_TRAILING_DAYS} days.",
        entities.DAILY_PAPERS_UNCHANGED,
    ),
    build_queue_asset(
        entities.PAPERS,
        entities.PAPER_KEYS,
        [*entities.REPO_SOURCES, "collections", "daily_papers"],
        "Every paper cited by an `arxiv:` tag, contained in a collection or on a daily page "
        "(`GET /api/papers/{arxiv_id}`).",
        entities.PAPER_UNCHANGED,
    ),
    build_queue_asset(
        entities.READMES,
        entities.README_KEYS,
        ["models", "datasets"],
        "Card text: each dataset's and each carded model's README.md (`GET /{repo}/resolve/main/README.md`, one "
        "ranged request capped at HUBKG_README_MAX_BYTES), re-read on refresh only where the repo's `sha` moved.",
        entities.README_UNCHANGED,
    ),
]
raw_assets = [*listing_assets, *queue_assets, accounts]
