"""What a complete snapshot of a world must contain, read straight from the world's files."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from orchestration.hub.listing import LISTINGS


def lines(world: Path, name: str) -> Iterator[dict[str, Any]]:
    with (world / name).open(encoding="utf-8") as rows:
        for line in rows:
            yield json.loads(line)


def listed_bodies(world: Path, source: str) -> dict[str, dict]:
    """{_id: body as the listing serves it}: `_id`, `id` and the fields the crawler asks for."""
    keep = {"_id", "id", *LISTINGS[source].expand}
    return {b["_id"]: {k: v for k, v in b.items() if k in keep} for b in lines(world, f"{source}.jsonl")}


def expected_edges(world: Path) -> dict[str, set[tuple]]:
    return {
        "likes": {(f"{r['repo_type']}s/{r['repo_id']}", r["user"]) for r in lines(world, "likes.jsonl")},
        "like_times": {(r["user"], r["repo_type"], r["repo_id"], r["createdAt"]) for r in lines(world, "likes.jsonl")},
        "follows": {(r["followee"], r["follower"]) for r in lines(world, "follows.jsonl")},
        "members": {(r["org"], r["user"]) for r in lines(world, "members.jsonl")},
    }


def cited_papers(world: Path) -> set[str]:
    existing = {p["id"] for p in lines(world, "papers.jsonl")}
    cited = {
        tag.removeprefix("arxiv:")
        for source in ("models", "datasets", "spaces")
        for body in lines(world, f"{source}.jsonl")
        for tag in body.get("tags") or []
        if tag.startswith("arxiv:")
    }
    cited |= {
        item["id"] for c in lines(world, "collections.jsonl") for item in c.get("items", []) if item["type"] == "paper"
    }
    return cited & existing
