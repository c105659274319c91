"""Loads a world directory (WORLD_FORMAT.md) into one compact, read-only representation.

Each entity is kept once, as the raw JSON bytes of its line, next to a small index (ids, sort keys,
social adjacency lists). Responses are projected from the raw bytes per request, so a world with
millions of lines costs roughly its file size in memory.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .keyset import MISSING, KeysetIndex

REPO_TYPES = ("model", "dataset", "space")
SORT_KEYS = {
    "model": ("createdAt", "lastModified", "downloads", "likes", "trendingScore"),
    "dataset": ("createdAt", "lastModified", "downloads", "likes", "trendingScore"),
    "space": ("createdAt", "lastModified", "likes", "trendingScore"),
}
# the values the Hub accepts for `expand`, in the order its 400 message lists them.
EXPAND_VALUES: dict[str, tuple[str, ...]] = {
    "model": (
        "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
        "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
        "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token", "model-index",
        "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings", "spaces", "tags",
        "transformersInfo", "trendingScore", "usedStorage", "widgetData",
    ),
    "dataset": (
        "author", "cardData", "citation", "createdAt", "description", "disabled", "downloads",
        "downloadsAllTime", "gated", "lastModified", "likes", "mainSize", "paperswithcode_id", "private",
        "resourceGroup", "sha", "siblings", "tags", "trendingScore", "usedStorage",
    ),
    "space": (
        "author", "cardData", "createdAt", "datasets", "disabled", "lastModified", "likes", "models",
        "private", "region", "resourceGroup", "runtime", "sdk", "sha", "siblings", "subdomain", "tags",
        "trendingScore", "usedStorage",
    ),
}  # fmt: skip
# Listing fields without `expand`/`full`. Models: (huggingface_hub#2460). Datasets and
# Spaces are unverified upstream; these mirror what the client's parsers read.
LIST_DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "model": (
        "_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
        "library_name", "createdAt", "modelId",
    ),
    "dataset": (
        "_id", "id", "author", "sha", "lastModified", "private", "gated", "disabled", "downloads", "likes",
        "tags", "createdAt", "description", "citation", "paperswithcode_id", "trendingScore",
    ),
    "space": ("_id", "id", "likes", "trendingScore", "private", "sdk", "tags", "createdAt"),
}  # fmt: skip
# Info (`/api/{type}s/{id}`) without `expand` returns the full body minus these expand-only keys.
INFO_EXPAND_ONLY: dict[str, frozenset[str]] = {
    "model": frozenset(
        [
            "downloadsAllTime",
            "gguf",
            "evalResults",
            "resourceGroup",
            "baseModels",
            "childrenModelCount",
            "trendingScore",
            "inferenceProviderMapping",
        ]
    ),
    "dataset": frozenset({"downloadsAllTime", "trendingScore", "resourceGroup", "mainSize"}),
    "space": frozenset({"trendingScore", "resourceGroup"}),
}
COLLECTION_SORTS = {"lastModified": "lastUpdated", "upvotes": "upvotes"}  # "trending" = file order


def _iso_to_epoch(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _sort_value(body: dict[str, Any], key: str) -> float:
    value = body.get(key)
    if value is None:
        return MISSING
    if isinstance(value, str):
        return _iso_to_epoch(value)
    return float(value)


def _jsonl(path: Path) -> Iterator[tuple[bytes, dict[str, Any]]]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        for line in handle:
            line = line.strip()
            if line:
                yield line, json.loads(line)


@dataclass
class RepoTable:
    """All repos of one type: raw bodies in file order plus id lookup and sort keys."""

    repo_type: str
    raws: list[bytes] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    by_id: dict[str, int] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    keyset: KeysetIndex | None = None

    def get(self, repo_id: str) -> bytes | None:
        index = self.by_id.get(repo_id)
        return None if index is None else self.raws[index]


@dataclass
class CollectionTable:
    raws: list[bytes] = field(default_factory=list)
    slugs: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    by_slug: dict[str, int] = field(default_factory=dict)
    keyset: KeysetIndex | None = None


@dataclass(frozen=True)
class Like:
    user: str
    repo_type: str
    repo_id: str
    created_at: str


class WorldStore:
    """Read-only view of a world directory."""

    def __init__(self, world_dir: Path) -> None:
        self.world_dir = world_dir
        self.repos = {t: self._load_repos(t) for t in REPO_TYPES}
        for rename in (obj for _, obj in _jsonl(world_dir / "renames.jsonl")):
            self.repos[rename["repo_type"]].renames[rename["old_id"]] = rename["new_id"]
        tasks = world_dir / "tasks.json"
        self.tasks: bytes = tasks.read_bytes().strip() if tasks.exists() else b"{}"
        self.papers = {obj["id"]: raw for raw, obj in _jsonl(world_dir / "papers.jsonl")}
        # Daily papers by the UTC day they were submitted on, in id order.
        self.daily_papers: dict[str, list[dict[str, Any]]] = {}
        for _, paper in sorted(_jsonl(world_dir / "papers.jsonl"), key=lambda row: row[1]["id"]):
            if paper.get("submittedOnDailyAt"):
                self.daily_papers.setdefault(paper["submittedOnDailyAt"][:10], []).append(paper)
        self.users = {sys.intern(obj["user"]): raw for raw, obj in _jsonl(world_dir / "users.jsonl")}
        self.orgs = {sys.intern(obj["name"]): raw for raw, obj in _jsonl(world_dir / "orgs.jsonl")}
        self.collections = self._load_collections()
        self.user_followers: dict[str, list[str]] = {}
        self.user_following: dict[str, list[str]] = {}
        self.org_followers: dict[str, list[str]] = {}
        for _, follow in _jsonl(world_dir / "follows.jsonl"):
            follower, followee = sys.intern(follow["follower"]), sys.intern(follow["followee"])
            if follow["followee_type"] == "org":
                self.org_followers.setdefault(followee, []).append(follower)
            else:
                self.user_followers.setdefault(followee, []).append(follower)
                self.user_following.setdefault(follower, []).append(followee)
        self.members: dict[str, list[tuple[str, str]]] = {}
        for _, member in _jsonl(world_dir / "members.jsonl"):
            self.members.setdefault(member["org"], []).append((sys.intern(member["user"]), member["role"]))
        self.likes_by_user: dict[str, list[Like]] = {}
        self.likers: dict[tuple[str, str], list[Like]] = {}
        for _, obj in _jsonl(world_dir / "likes.jsonl"):
            like = Like(sys.intern(obj["user"]), obj["repo_type"], sys.intern(obj["repo_id"]), obj["createdAt"])
            self.likes_by_user.setdefault(like.user, []).append(like)
            self.likers.setdefault((like.repo_type, like.repo_id), []).append(like)
        # Short user shapes, serialised on first use: a likers page names up to 1,000 users, and parsing each
        # user's full body per request made the emulator, not the client, the bottleneck at HuggingKG size.
        self._people: dict[str, bytes] = {}

    def _load_repos(self, repo_type: str) -> RepoTable:
        table = RepoTable(repo_type)
        sort_keys = SORT_KEYS[repo_type]
        keys = {name: array("d") for name in sort_keys}
        oids: list[str] = []
        for raw, body in _jsonl(self.world_dir / f"{repo_type}s.jsonl"):
            table.by_id[body["id"]] = len(table.raws)
            table.raws.append(raw)
            table.ids.append(body["id"])
            oids.append(body["_id"])
            for name in sort_keys:
                keys[name].append(_sort_value(body, name))
        table.keyset = KeysetIndex(oids, keys)
        return table

    def _load_collections(self) -> CollectionTable:
        table = CollectionTable()
        keys = {name: array("d") for name in COLLECTION_SORTS}
        for raw, body in _jsonl(self.world_dir / "collections.jsonl"):
            table.by_slug[body["slug"]] = len(table.raws)
            table.raws.append(raw)
            table.slugs.append(body["slug"])
            table.owners.append(sys.intern(body["owner"]["name"]))
            for name, field_name in COLLECTION_SORTS.items():
                keys[name].append(_sort_value(body, field_name))
        table.keyset = KeysetIndex(table.slugs, keys)
        return table

    def person_json(self, name: str) -> bytes:
        """The short user shape used by likers, followers and members, as JSON."""
        cached = self._people.get(name)
        if cached is None:
            raw = self.users.get(name)
            person = person_body(name, None if raw is None else json.loads(raw))
            cached = self._people[name] = json.dumps(person, separators=(",", ":"), ensure_ascii=False).encode()
        return cached


def person_body(name: str, user: dict[str, Any] | None) -> dict[str, Any]:
    """The short user shape of `name` (whose overview is `user`, None if not a user) in social lists."""
    if user is None:
        return {"user": name, "fullname": name, "avatarUrl": "", "type": "user", "isPro": False}
    person = {key: user[key] for key in ("_id", "user", "fullname", "avatarUrl") if key in user}
    person.update(type="user", isPro=bool(user.get("isPro", False)))
    return person
