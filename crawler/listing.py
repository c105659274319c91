"""Full listings of models, datasets and Spaces, streamed page by page into the raw layer."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import duckdb

from crawler import ids, store
from crawler.client import HubClient, MalformedPage, parse_json, split_array
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
    key_rule: ids.IdRule = ids.OBJECT_ID
    id_rule: ids.IdRule = ids.REPO

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
        key_rule=ids.COLLECTION_SLUG,
        id_rule=ids.COLLECTION_SLUG,
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


# Counters a JSON number can overflow: a value outside [0, 2^63) cannot be stored as BIGINT and would become NULL.
COUNTERS = ("downloads", "downloadsAllTime", "likes")
MAX_COUNTER = 2**63 - 1
# One entity's JSON beyond this is no real Hub entity (cards are read separately, capped): it is quarantined whole.
MAX_ENTITY_CHARS = 4 * 1024 * 1024
# Stands for an element of a salvaged page that did not parse (quarantined on its own already).
_UNPARSED = object()


def _entity_problem(spec: ListingSpec, item: Any, page_chars: int) -> str | None:
    """Why `item` cannot be kept at all (None: it can)."""
    if not isinstance(item, dict):
        return "entity is not a JSON object"
    if not isinstance(item.get(spec.key_field), str) or not isinstance(item.get(spec.id_field), str):
        return f"missing or non-string {spec.key_field}/{spec.id_field}"
    if problem := spec.key_rule.problem(item[spec.key_field]) or spec.id_rule.problem(item[spec.id_field]):
        return problem
    for name in COUNTERS:
        value = item.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and not 0 <= value <= MAX_COUNTER:
            return f"{name} out of range: {value!r} (a count is an integer in [0, 2^63))"
    # Measured only when the page is big enough to hold such an entity: serialising every entity twice is not free.
    if page_chars > MAX_ENTITY_CHARS and len(json.dumps(item, ensure_ascii=False)) > MAX_ENTITY_CHARS:
        return f"entity larger than {MAX_ENTITY_CHARS:,} characters of JSON"
    return None


def _split_valid(
    spec: ListingSpec, url: str, items: list[Any], page_chars: int = 0
) -> tuple[list[Row], list[dict[str, Any]]]:
    """Keep entities that carry valid keys and counters as `(key, id, body)`; the rest become quarantine rows with
    the reason. Kept entities with drifted field types, and fields nobody asked for, are recorded too."""
    good, bad = [], []
    unknown: set[str] = set()
    for index, item in enumerate(items):
        if item is _UNPARSED:
            continue
        if problem := _entity_problem(spec, item, page_chars):
            bad.append(store.quarantine_row(spec.source, f"{url}#{index}", problem, item))
            continue
        good.append((item[spec.key_field], item[spec.id_field], item))
        if drift := _drift(item):
            reason = f"schema drift (entity kept): {', '.join(drift)}"
            bad.append(store.quarantine_row(spec.source, f"{url}#{index}", reason, item))
        if spec.expand:
            unknown |= item.keys() - set(spec.expand) - ALWAYS_RETURNED
    if unknown:
        reason = f"unknown fields (kept in raw JSON): {', '.join(sorted(unknown))}"
        bad.append(store.quarantine_row(spec.source, url, reason, sorted(unknown)))
    return good, bad


def _salvage(spec: ListingSpec, exc: MalformedPage) -> tuple[list[Row], list[dict[str, Any]], str | None]:
    """A page that does not parse as a whole (one entity nested 200,000 deep, a NaN, a cut-off body): each element
    is parsed on its own, the ones that fail are quarantined with their reason and the rest are kept."""
    items: list[Any] = []
    elements = split_array(exc.body)
    reason = f"page kept entity by entity: {exc.reason}" if elements else exc.reason
    bad = [store.quarantine_row(spec.source, exc.url, reason, exc.body)]
    for index, text in enumerate(elements):
        try:
            items.append(parse_json(text))
        except ValueError as error:
            items.append(_UNPARSED)
            bad.append(store.quarantine_row(spec.source, f"{exc.url}#{index}", str(error), text))
    good, invalid = _split_valid(spec, exc.url, items, len(exc.body))
    return good, bad + invalid, exc.next_url


def _first_url(
    con: duckdb.DuckDBPyConnection,
    client: HubClient,
    spec: ListingSpec,
    snapshot: date,
    starts: list[str],
    log: Callable[[str], None],
) -> tuple[store.CrawlState, str]:
    """Where the walk starts: its first page, or the page after the last committed one of an unfinished crawl.
    The resume point is re-rooted on the configured endpoint (it may have changed since, and a stored URL never
    chooses the host); one that is not a page of this listing is unusable, so the walk restarts from scratch."""
    state = store.load_state(con, snapshot, spec.source)
    fresh = store.CrawlState(next_url=None, pages=0, entities=0, requests=0, done=False)
    if state is None:
        return fresh, starts[0]
    resume = client.relative(state.next_url or "")
    if urlsplit(resume).path != spec.path:
        reason = f"resume point is not a page of {spec.path}: the snapshot's {spec.source} walk restarts"
        log(f"{spec.source}: {reason}")
        store.restart_listing(
            con, snapshot, spec.source, store.quarantine_row(spec.source, "crawl_state", reason, state.next_url)
        )
        return fresh, starts[0]
    log(f"{spec.source}: resuming at page {state.pages + 1} ({state.entities} entities committed)")
    return state, client.url(resume)


def _read_page(client: HubClient, spec: ListingSpec, url: str) -> tuple[list[Row], list[dict[str, Any]], str | None]:
    """One page's kept entities, quarantine rows and next URL; a page that cannot be read is quarantined whole."""
    try:
        page = client.get_page(url)
    except MalformedPage as exc:
        return _salvage(spec, exc)
    good, bad = _split_valid(spec, page.url, page.items, page.chars)
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
        store.quarantine_duplicate_ids(con, snapshot, spec.source)  # a kill may have come between the two commits
        log(f"{spec.source}: snapshot {snapshot} is complete already ({previous.entities} entities)")
        return ListingReport(spec.source, previous.pages, previous.entities, 0, 0, True, 0.0)
    if not spec.in_scope(config):
        state = store.CrawlState(next_url=None, pages=0, entities=0, requests=0, done=True)
        store.commit_page(con, snapshot, spec.source, 0, [], [], state)
        log(f"{spec.source}: out of scope (HUBKG_SCOPE_FAMILIES): nothing listed")
        return ListingReport(spec.source, 0, 0, 0, 0, False, 0.0)
    limit, authors = config.scope_limit, config.scope_authors
    starts = spec.start_urls(client.url(spec.path), config.page_size, limit > 0, authors)
    state, first = _first_url(con, client, spec, snapshot, starts, log)
    url: str | None = first
    later_walks = starts[spec.walk_index(first, authors) + 1 :]
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
            # Stored relative to the endpoint: a resume after an endpoint change goes to the new one.
            state.next_url, state.done = (client.relative(next_url) if next_url else None), next_url is None
            store.commit_page(con, snapshot, spec.source, state.pages, good, bad, state)
            quarantined += len(bad)
            url = next_url
            progress.update(
                state.pages,
                f"{state.entities:,} entities, {quarantined:,} quarantined, rate budget left {client.pacer.remaining}",
            )
    quarantined += store.quarantine_duplicate_ids(con, snapshot, spec.source)
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
