"""Read endpoints served from the static world: listings, info, social, papers."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from .http_types import (
    Request,
    Response,
    decode_cursor,
    encode_cursor,
    entry_not_found,
    error_response,
    file_response,
    json_response,
    paged_response,
    raw_json_response,
    repo_not_found,
    revision_not_found,
)
from .readme import readme
from .routing import REPO_ID, REPO_TYPE, RESOLVE, Route, group, repo_type_of, route
from .world_store import (
    EXPAND_VALUES,
    INFO_EXPAND_ONLY,
    LIST_DEFAULT_FIELDS,
    SORT_KEYS,
    RepoTable,
    WorldStore,
)

# Page sizes when the client sends no `limit` (the Hub's own defaults are undocumented or smaller;
# clients that care send `limit`). Always capped by the emulator's `max_page_size`.
DEFAULT_REPO_PAGE = 100
DEFAULT_COLLECTION_PAGE = 10  # OpenAPI default for /api/collections
DEFAULT_MEMBER_PAGE = 500  # OpenAPI default for /api/organizations/{o}/members
DEFAULT_SOCIAL_PAGE = 100
DEFAULT_DAILY_PAGE, MAX_DAILY_PAGE = 50, 100  # /api/daily_papers `limit`
COLLECTION_LISTING_ITEMS = 4


class BadRequest(ValueError):
    """A query the Hub would reject with 400; the message becomes the error body."""


def project(body: dict[str, Any], fields: set[str] | None, drop: frozenset[str], blobs: bool) -> dict[str, Any]:
    """Keep `fields` (None = all but `drop`); siblings carry only `rfilename` unless `blobs=true`."""
    if fields is None:
        out = {k: v for k, v in body.items() if k not in drop}
    else:
        out = {k: v for k, v in body.items() if k in fields}
    if not blobs and isinstance(out.get("siblings"), list):
        out["siblings"] = [{"rfilename": s["rfilename"]} for s in out["siblings"]]
    return out


def parse_expand(req: Request, repo_type: str) -> set[str] | None:
    """Requested expand keys plus `_id`/`id`, None when absent; unknown values → the Hub's 400 message."""
    values = req.params("expand")
    if not values:
        return None
    allowed = EXPAND_VALUES[repo_type]
    if any(v not in allowed for v in values):
        raise BadRequest(f'"expand" must be one of [{", ".join(allowed)}]')
    return {"_id", "id", *values}


def page_limit(req: Request, default: int, maximum: int) -> int:
    raw = req.param("limit")
    if raw is None:
        return min(default, maximum)
    try:
        limit = int(raw)
    except ValueError as exc:
        raise BadRequest('"limit" must be a number') from exc
    if limit < 1:
        raise BadRequest('"limit" must be greater than or equal to 1')
    return min(limit, maximum)


def offset_page(req: Request, items: Sequence[Any], default: int, maximum: int) -> tuple[Sequence[Any], str | None]:
    """Cursor paging over a static list (likers, followers, members, likes): cursor = next offset."""
    limit = page_limit(req, default, maximum)
    cursor = req.param("cursor")
    try:
        start = int(decode_cursor(cursor)["o"]) if cursor else 0
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequest("Invalid cursor") from exc
    end = start + limit
    return items[start:end], encode_cursor({"o": end}) if end < len(items) else None


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def collection_listing_entry(body: dict[str, Any]) -> dict[str, Any]:
    """A collection as `/api/collections` lists it: no `position`, only its first items."""
    body.pop("position", None)
    body["items"] = body.get("items", [])[:COLLECTION_LISTING_ITEMS]
    return body


def daily_paper_item(paper: dict[str, Any]) -> dict[str, Any]:
    """A DailyPaper item of `/api/daily_papers`: the paper without its linked repos, plus listing fields."""
    return {
        "paper": {k: v for k, v in paper.items() if not k.startswith(("linked", "numTotal"))},
        "publishedAt": paper["publishedAt"],
        "title": paper["title"],
        "summary": paper["summary"],
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{paper['id']}.png",
        "numComments": 0,
        "isAuthorParticipating": False,
    }


def _has_member(raw: bytes, key: str, value: str) -> bool:
    """`value in body[key]`, with a cheap byte pre-check so most misses skip JSON parsing."""
    if _dumps(value) not in raw:
        return False
    found = json.loads(raw).get(key) or []
    return value in found


def redirect_renamed(req: Request, table: RepoTable, repo_id: str) -> Response | None:
    """307 for an old id, like the Hub: relative `location`, query string kept, plain-text body."""
    new_id = table.renames.get(repo_id)
    if new_id is None:
        return None
    location = req.path.replace(f"/{quote(repo_id)}", f"/{quote(new_id)}", 1)
    if req.query_string:
        location += f"?{req.query_string}"
    body = f"Temporary Redirect. Redirecting to {location}".encode()
    return Response(307, body, {"Location": location, "Content-Type": "text/plain; charset=utf-8"})


class ReadApi:
    """Route handlers over one `WorldStore`."""

    def __init__(self, world: WorldStore, max_page_size: int) -> None:
        self.world = world
        self.max_page_size = max_page_size

    def routes(self) -> list[Route]:
        t = REPO_TYPE
        return [
            route("GET", "/api/tasks", lambda req, m: raw_json_response(self.world.tasks)),
            route("GET", f"/api/{t}", self._guard(self.list_repos)),
            route("GET", f"/api/{t}/{REPO_ID}/likers", self._guard(self.likers)),
            route("GET", f"/api/{t}/{REPO_ID}/revision/(?P<rev>[^/]+)", self._guard(self.repo_info)),
            route("GET", f"/api/{t}/{REPO_ID}", self._guard(self.repo_info)),
            route("GET", RESOLVE, self.resolve_file),
            route("GET", "/api/collections", self._guard(self.list_collections)),
            route("GET", "/api/collections/(?P<slug>[^/]+/[^/]+)", self.get_collection),
            route("GET", "/api/papers/(?P<id>[^/]+)", self.paper),
            route("GET", "/api/daily_papers", self._guard(self.daily_papers)),
            route("GET", "/api/users/(?P<name>[^/]+)/overview", self.user_overview),
            route("GET", "/api/organizations/(?P<name>[^/]+)/overview", self.org_overview),
            route("GET", "/api/users/(?P<name>[^/]+)/followers", self._guard(self.user_followers)),
            route("GET", "/api/users/(?P<name>[^/]+)/following", self._guard(self.user_following)),
            route("GET", "/api/users/(?P<name>[^/]+)/likes", self._guard(self.user_likes)),
            route("GET", "/api/organizations/(?P<name>[^/]+)/followers", self._guard(self.org_followers)),
            route("GET", "/api/organizations/(?P<name>[^/]+)/members", self._guard(self.org_members)),
        ]

    @staticmethod
    def _guard(
        handler: Callable[[Request, re.Match[str]], Response | None],
    ) -> Callable[[Request, re.Match[str]], Response | None]:
        def guarded(req: Request, match: re.Match[str]) -> Response | None:
            try:
                return handler(req, match)
            except BadRequest as exc:
                return error_response(400, str(exc))

        return guarded

    # -- repositories -------------------------------------------------------------------------------

    def list_repos(self, req: Request, match: re.Match[str]) -> Response:
        repo_type = repo_type_of(match)
        table = self.world.repos[repo_type]
        expand = parse_expand(req, repo_type)
        if expand is not None:
            fields: set[str] | None = expand
        elif req.param("full") in ("true", "True", "1"):
            fields = None
        else:
            fields = set(LIST_DEFAULT_FIELDS[repo_type])
        sort = req.param("sort")
        if sort is not None and sort not in SORT_KEYS[repo_type]:
            raise BadRequest(f'"sort" must be one of [{", ".join(SORT_KEYS[repo_type])}]')
        limit = page_limit(req, DEFAULT_REPO_PAGE, self.max_page_size)
        predicate = self._repo_predicate(req, table)
        assert table.keyset is not None
        try:
            indexes, next_cursor = table.keyset.page(sort, req.param("cursor"), limit, predicate)
        except ValueError as exc:
            raise BadRequest("Invalid cursor") from exc
        items = [_dumps(project(json.loads(table.raws[i]), fields, frozenset(), False)) for i in indexes]
        return paged_response(req, items, next_cursor)

    @staticmethod
    def _repo_predicate(req: Request, table: RepoTable) -> Callable[[int], bool] | None:
        author = req.param("author")
        search = (req.param("search") or "").lower()
        members = [("tags", tag) for tag in req.params("filter")]
        if table.repo_type == "space":
            members += [("models", m) for m in req.params("models")]
            members += [("datasets", d) for d in req.params("datasets")]
        if author is None and not search and not members:
            return None

        def predicate(index: int) -> bool:
            repo_id = table.ids[index]
            if author is not None and repo_id.split("/", 1)[0] != author:
                return False
            if search and search not in repo_id.lower():
                return False
            return all(_has_member(table.raws[index], key, value) for key, value in members)

        return predicate

    def _body_at(self, req: Request, match: re.Match[str], repo_type: str, revision: str) -> dict[str, Any] | Response:
        """The repo's body if `revision` is `main` or its commit; else the Hub's 307 (renamed) or 404 reply."""
        table = self.world.repos[repo_type]
        repo_id = group(match, "id")
        raw = table.get(repo_id)
        if raw is None:
            return redirect_renamed(req, table, repo_id) or repo_not_found()
        body = json.loads(raw)
        if revision not in ("main", body.get("sha")):
            return revision_not_found(revision)
        return body

    def repo_info(self, req: Request, match: re.Match[str]) -> Response:
        repo_type = repo_type_of(match)
        body = self._body_at(req, match, repo_type, group(match, "rev") if match.groupdict().get("rev") else "main")
        if isinstance(body, Response):
            return body
        expand = parse_expand(req, repo_type)
        drop = frozenset() if expand is not None else INFO_EXPAND_ONLY[repo_type]
        blobs = req.param("blobs") == "true"
        return json_response(project(body, expand, drop, blobs))

    def resolve_file(self, req: Request, match: re.Match[str]) -> Response:
        """World repos hold one downloadable file, README.md (derived from the body: `world/readme.py`)."""
        repo_type = repo_type_of(match) if match.groupdict().get("type") else "model"
        body = self._body_at(req, match, repo_type, group(match, "rev"))
        if isinstance(body, Response):
            return body
        path = group(match, "path")
        data = readme(repo_type, body) if path == "README.md" else None
        if data is None:
            response = entry_not_found(path)
            response.headers["X-Repo-Commit"] = body["sha"]
            return response
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # the git blob id the Hub's ETag is
        return file_response(req, data, f'"{blob}"', {"X-Repo-Commit": body["sha"]})

    def likers(self, req: Request, match: re.Match[str]) -> Response:
        repo_type = repo_type_of(match)
        table = self.world.repos[repo_type]
        repo_id = group(match, "id")
        if repo_id not in table.by_id:
            return redirect_renamed(req, table, repo_id) or repo_not_found()
        likes = self.world.likers.get((repo_type, repo_id), [])
        page, cursor = offset_page(req, likes, DEFAULT_SOCIAL_PAGE, self.max_page_size)
        return paged_response(req, [self.world.person_json(like.user) for like in page], cursor)

    # -- collections --------------------------------------------------------------------------------

    def list_collections(self, req: Request, match: re.Match[str]) -> Response:
        table = self.world.collections
        sort = req.param("sort", "trending")
        if sort not in ("trending", "lastModified", "upvotes"):
            raise BadRequest('"sort" must be one of [lastModified, trending, upvotes]')
        owners = set(req.params("owner"))
        items = [self._collection_item_key(item) for item in req.params("item")]
        query = (req.param("q") or "").lower()

        def predicate(index: int) -> bool:
            if owners and table.owners[index] not in owners:
                return False
            if not items and not query:
                return True
            body = json.loads(table.raws[index])
            if query and query not in f"{body.get('title', '')}\n{body.get('description') or ''}".lower():
                return False
            present = {(i.get("type"), i.get("id") or i.get("slug")) for i in body.get("items", [])}
            return all(item in present for item in items)

        limit = page_limit(req, DEFAULT_COLLECTION_PAGE, self.max_page_size)
        assert table.keyset is not None
        try:
            indexes, next_cursor = table.keyset.page(
                None if sort == "trending" else sort, req.param("cursor"), limit, predicate
            )
        except ValueError as exc:
            raise BadRequest("Invalid cursor") from exc
        out = [_dumps(collection_listing_entry(json.loads(table.raws[index]))) for index in indexes]
        return paged_response(req, out, next_cursor)

    @staticmethod
    def _collection_item_key(item: str) -> tuple[str, str]:
        kind, _, item_id = item.partition("/")
        if kind not in ("models", "datasets", "spaces", "papers", "collections") or not item_id:
            raise BadRequest(f"Invalid item: {item}")
        return kind[:-1], item_id

    def get_collection(self, req: Request, match: re.Match[str]) -> Response:
        index = self.world.collections.by_slug.get(group(match, "slug"))
        if index is None:
            return error_response(404, "Collection not found")
        return raw_json_response(self.world.collections.raws[index])

    # -- papers, users, organisations ---------------------------------------------------------------

    def paper(self, req: Request, match: re.Match[str]) -> Response:
        raw = self.world.papers.get(group(match, "id"))
        return error_response(404, "Paper not found") if raw is None else raw_json_response(raw)

    def daily_papers(self, req: Request, match: re.Match[str]) -> Response:
        """One day's daily papers (`date=YYYY-MM-DD`), page-numbered (`p` from 0, `limit` 1–100, default 50): a
        short or empty page ends the day. DailyPaper items: the paper without its linked repos, plus listing fields."""
        day = req.param("date")
        if day is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise BadRequest('"date" must be a date (YYYY-MM-DD)')
        limit = min(page_limit(req, DEFAULT_DAILY_PAGE, self.max_page_size), MAX_DAILY_PAGE)
        try:
            page = int(req.param("p", "0") or 0)
        except ValueError as exc:
            raise BadRequest('"p" must be a number') from exc
        papers = self.world.daily_papers.get(day, [])[page * limit : (page + 1) * limit]
        return json_response([daily_paper_item(paper) for paper in papers])

    def user_overview(self, req: Request, match: re.Match[str]) -> Response:
        raw = self.world.users.get(group(match, "name"))
        return error_response(404, "User not found") if raw is None else raw_json_response(raw)

    def org_overview(self, req: Request, match: re.Match[str]) -> Response:
        raw = self.world.orgs.get(group(match, "name"))
        return error_response(404, "Organization not found") if raw is None else raw_json_response(raw)

    def _people_page(self, req: Request, names: Sequence[str], default: int = DEFAULT_SOCIAL_PAGE) -> Response:
        page, cursor = offset_page(req, names, default, self.max_page_size)
        return paged_response(req, [self.world.person_json(name) for name in page], cursor)

    def user_followers(self, req: Request, match: re.Match[str]) -> Response:
        name = group(match, "name")
        if name not in self.world.users:
            return error_response(404, "User not found")
        return self._people_page(req, self.world.user_followers.get(name, []))

    def user_following(self, req: Request, match: re.Match[str]) -> Response:
        """Followed users only; followed orgs are visible through the org's followers."""
        name = group(match, "name")
        if name not in self.world.users:
            return error_response(404, "User not found")
        return self._people_page(req, self.world.user_following.get(name, []))

    def org_followers(self, req: Request, match: re.Match[str]) -> Response:
        name = group(match, "name")
        if name not in self.world.orgs:
            return error_response(404, "Organization not found")
        return self._people_page(req, self.world.org_followers.get(name, []))

    def org_members(self, req: Request, match: re.Match[str]) -> Response:
        name = group(match, "name")
        if name not in self.world.orgs:
            return error_response(404, "Organization not found")
        page, cursor = offset_page(req, self.world.members.get(name, []), DEFAULT_MEMBER_PAGE, self.max_page_size)
        members = [_dumps({**json.loads(self.world.person_json(u)), "role": role}) for u, role in page]
        return paged_response(req, members, cursor)

    def user_likes(self, req: Request, match: re.Match[str]) -> Response:
        name = group(match, "name")
        if name not in self.world.users:
            return error_response(404, "User not found")
        page, cursor = offset_page(req, self.world.likes_by_user.get(name, []), DEFAULT_SOCIAL_PAGE, self.max_page_size)
        items = [
            _dumps({"createdAt": like.created_at, "repo": {"name": like.repo_id, "type": like.repo_type}})
            for like in page
        ]
        return paged_response(req, items, cursor)
