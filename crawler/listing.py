"""Full listings of models, datasets and Spaces, streamed page by page into the raw layer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb

from crawler import store
from crawler.client import HubClient, MalformedPage
from crawler.config import CrawlConfig
from crawler.progress import CrawlProgress

# Explicit expand lists: the Hub's default fields differ per endpoint and omit lastModified/author/sha.
# Models ask for `config` because its quantization_config is lineage evidence (quantized children).
MODEL_EXPAND = (
    "author",
    "baseModels",
    "cardData",
    "config",
    "createdAt",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "gated",
    "gguf",
    "lastModified",
    "library_name",
    "likes",
    "pipeline_tag",
    "private",
    "safetensors",
    "sha",
    "tags",
    "trendingScore",
)
DATASET_EXPAND = (
    "author",
    "cardData",
    "citation",
    "createdAt",
    "description",
    "disabled",
    "downloads",
    "downloadsAllTime",
    "gated",
    "lastModified",
    "likes",
    "paperswithcode_id",
    "private",
    "sha",
    "tags",
    "trendingScore",
)
SPACE_EXPAND = (
    "author",
    "cardData",
    "createdAt",
    "datasets",
    "disabled",
    "lastModified",
    "likes",
    "models",
    "private",
    "runtime",
    "sdk",
    "sha",
    "tags",
    "trendingScore",
)


@dataclass(frozen=True)
class ListingSpec:
    """One repo family's listing endpoint and the fields we ask it for."""

    source: str  # raw table name
    path: str
    expand: tuple[str, ...]
    rank_by: str  # the sort used when the scope is limited to the top-N entities
    full_sort: str | None = "createdAt"  # the sort of a full walk (None: the endpoint's default order)
    key_field: str = "_id"  # stable identity, survives renames
    id_field: str = "id"
    author_param: str = "author"  # the query parameter that narrows the listing to one namespace
    family: str = ""  # the scope family (HUBKG_SCOPE_FAMILIES) it belongs to; default: its source

    def in_scope(self, config: CrawlConfig) -> bool:
        return (self.family or self.source) in config.scope_families

    def params(self, page_size: int, limited: bool) -> list[tuple[str, Any]]:
        # An immutable sort key (createdAt) keeps keyset cursors stable while the Hub changes mid-walk.
        sort = self.rank_by if limited else self.full_sort
        return [("limit", page_size), *([("sort", sort)] if sort else []), *(("expand", e) for e in self.expand)]

    def start_urls(self, base: str, page_size: int, limited: bool, authors: Sequence[str]) -> list[str]:
        """The first page of each walk: the whole listing, or one walk per author (namespace) in scope."""
        params = self.params(page_size, limited)
        walks = [[*params, (self.author_param, a)] for a in authors] if authors else [params]
        return [f"{base}?{urlencode(w)}" for w in walks]

    def walk_index(self, url: str, authors: Sequence[str]) -> int:
        """Which author's walk `url` (a first page or a Link to a later page) belongs to."""
        author = parse_qs(urlsplit(url).query).get(self.author_param, [None])[0]
        return authors.index(author) if author in authors else 0


LISTINGS = {
    "models": ListingSpec("models", "/api/models", MODEL_EXPAND, "downloads"),
    "datasets": ListingSpec("datasets", "/api/datasets", DATASET_EXPAND, "downloads"),
    "spaces": ListingSpec("spaces", "/api/spaces", SPACE_EXPAND, "likes"),
    # Collections have no creation sort; listings cut items to 4, so `raw/collections` fetches each in full.
    "collection_index": ListingSpec(
        "collection_index",
        "/api/collections",
        (),
        "upvotes",
        full_sort=None,
        key_field="slug",
        id_field="slug",
        author_param="owner",
        family="collections",
    ),
}


@dataclass
class ListingReport:
    source: str
    pages: int
    entities: int
    quarantined: int
    requests: int
    resumed: bool
    seconds: float
    throttled: int = 0  # 429 answers seen (and retried)


# Types the staging layer relies on. A value of another type is schema drift: the entity is kept (its raw JSON
# is intact and staging reads the field as null) and the drift is recorded, so nothing changes silently.
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "author": (str,),
    "createdAt": (str,),
    "lastModified": (str,),
    "downloads": (int,),
    "downloadsAllTime": (int,),
    "likes": (int,),
    "trendingScore": (int, float),
    "tags": (list,),
    "private": (bool,),
    "gated": (bool, str),
    "pipeline_tag": (str,),
    "library_name": (str,),
    "cardData": (dict,),
    "models": (list,),
    "datasets": (list,),
}
# Keys every listing returns besides the requested `expand` fields.
ALWAYS_RETURNED = {"_id", "id", "modelId", "slug"}


def _drift(item: dict[str, Any]) -> list[str]:
    return [
        f"{name} is {type(item[name]).__name__}"
        for name, types in FIELD_TYPES.items()
        if item.get(name) is not None
        and (not isinstance(item[name], types) or (isinstance(item[name], bool) and bool not in types))
    ]


Row = tuple[str, str, dict[str, Any]]  # (key, id, body)


def _split_valid(spec: ListingSpec, url: str, items: list[Any]) -> tuple[list[Row], list[dict[str, Any]]]:
    """Keep entities that carry their keys as `(key, id, body)`; the rest become quarantine rows with the reason.
    Kept entities with drifted field types, and fields nobody asked for, are recorded too."""
    good, bad = [], []
    unknown: set[str] = set()
    for index, item in enumerate(items):
        locator = f"{url}#{index}"
        if not isinstance(item, dict):
            bad.append(store.quarantine_row(spec.source, locator, "entity is not a JSON object", item))
        elif not isinstance(item.get(spec.key_field), str) or not isinstance(item.get(spec.id_field), str):
            reason = f"missing or non-string {spec.key_field}/{spec.id_field}"
            bad.append(store.quarantine_row(spec.source, locator, reason, item))
        else:
            good.append((item[spec.key_field], item[spec.id_field], item))
            if drift := _drift(item):
                reason = f"schema drift (entity kept): {', '.join(drift)}"
                bad.append(store.quarantine_row(spec.source, locator, reason, item))
            if spec.expand:
                unknown |= item.keys() - set(spec.expand) - ALWAYS_RETURNED
    if unknown:
        reason = f"unknown fields (kept in raw JSON): {', '.join(sorted(unknown))}"
        bad.append(store.quarantine_row(spec.source, url, reason, sorted(unknown)))
    return good, bad


def _first_url(
    con: duckdb.DuckDBPyConnection, spec: ListingSpec, snapshot: date, starts: list[str], log: Callable[[str], None]
) -> tuple[store.CrawlState, str | None]:
    """Where the walk starts: its first page, or the page after the last committed one of an unfinished crawl."""
    state = store.load_state(con, snapshot, spec.source)
    if state is None:
        return store.CrawlState(next_url=None, pages=0, entities=0, requests=0, done=False), starts[0]
    log(f"{spec.source}: resuming at page {state.pages + 1} ({state.entities} entities committed)")
    return state, state.next_url


def _read_page(client: HubClient, spec: ListingSpec, url: str) -> tuple[list[Row], list[dict[str, Any]], str | None]:
    """One page's kept entities, quarantine rows and next URL; a page that cannot be read is quarantined whole."""
    try:
        page = client.get_page(url)
    except MalformedPage as exc:
        return [], [store.quarantine_row(spec.source, exc.url, exc.reason, exc.body)], exc.next_url
    good, bad = _split_valid(spec, page.url, page.items)
    return good, bad, page.next_url


def crawl_listing(
    con: duckdb.DuckDBPyConnection,
    client: HubClient,
    spec: ListingSpec,
    snapshot: date,
    config: CrawlConfig,
    log: Callable[[str], None] = print,
) -> ListingReport:
    """Stream one listing into `raw.<source>` for `snapshot`; resume an unfinished crawl, never redo a finished one.
    A listing out of scope is recorded as complete and empty (the snapshot is whole, just narrower); with
    `scope_authors`, the listing is walked once per author, one walk after the other, resumable in the middle of any.
    With `scope_limit`, only the top entities by the family's rank are kept."""
    store.ensure_raw(con, spec.source)
    previous = store.load_state(con, snapshot, spec.source)
    if previous is not None and previous.done:
        log(f"{spec.source}: snapshot {snapshot} is complete already ({previous.entities} entities)")
        return ListingReport(spec.source, previous.pages, previous.entities, 0, 0, True, 0.0)
    if not spec.in_scope(config):
        state = store.CrawlState(next_url=None, pages=0, entities=0, requests=0, done=True)
        store.commit_page(con, snapshot, spec.source, 0, [], [], state)
        log(f"{spec.source}: out of scope (HUBKG_SCOPE_FAMILIES): nothing listed")
        return ListingReport(spec.source, 0, 0, 0, 0, False, 0.0)
    limit, authors = config.scope_limit, config.scope_authors
    starts = spec.start_urls(client.url(spec.path), config.page_size, limit > 0, authors)
    state, url = _first_url(con, spec, snapshot, starts, log)
    later_walks = starts[spec.walk_index(url, authors) + 1 :] if url else []
    # Pages planned: known only when the scope caps the listing (the Hub announces no totals).
    planned = -(-limit // config.page_size) if limit else None
    quarantined, requests_before = 0, client.requests
    with CrawlProgress(spec.source, planned, log, "pages") as progress:
        while url is not None:
            good, bad, next_url = _read_page(client, spec, url)
            if next_url is None and later_walks:
                next_url = later_walks.pop(0)
            if limit and state.entities + len(good) >= limit:
                good, next_url = good[: limit - state.entities], None
            state.pages += 1
            state.entities += len(good)
            state.requests += client.requests - requests_before
            requests_before = client.requests
            state.next_url, state.done = next_url, next_url is None
            store.commit_page(con, snapshot, spec.source, state.pages, good, bad, state)
            quarantined += len(bad)
            url = next_url
            progress.update(
                state.pages,
                f"{state.entities:,} entities, {quarantined:,} quarantined, rate budget left {client.pacer.remaining}",
            )
    elapsed = progress.seconds
    return ListingReport(
        spec.source,
        state.pages,
        state.entities,
        quarantined,
        state.requests,
        previous is not None,
        elapsed,
        progress.throttled,
    )
