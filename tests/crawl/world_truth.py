"""What a complete snapshot of a world must contain, read straight from the world's files."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.listing import LISTINGS
from hub_emulator.server.readme import readme


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


def expected_papers(world: Path, snapshot: str) -> set[str]:
    """Papers a snapshot finds: cited by a repo, contained in a collection, or submitted to the daily page by
    the snapshot's day."""
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
    existing = {p["id"] for p in lines(world, "papers.jsonl")}
    return (cited & existing) | {paper for _, paper in expected_daily_papers(world, snapshot)}


def expected_daily_papers(world: Path, snapshot: str) -> set[tuple[str, str]]:
    """(day, arXiv id) of every paper submitted to the daily page by the snapshot's day."""
    submitted = (((p.get("submittedOnDailyAt") or "")[:10], p["id"]) for p in lines(world, "papers.jsonl"))
    return {(day, paper) for day, paper in submitted if day and day <= snapshot}


def expected_readmes(world: Path, max_bytes: int) -> dict[str, tuple[str, int, bool]]:
    """{Hub path: (text of the first `max_bytes`, full size, cut?)} for every model with card data and every
    dataset: the READMEs a complete snapshot reads."""
    out = {}
    for source, prefix in (("models", ""), ("datasets", "datasets/")):
        for body in lines(world, f"{source}.jsonl"):
            if source == "models" and not isinstance(body.get("cardData"), dict):
                continue
            data = readme(source[:-1], body)
            assert data is not None, f"{body['id']} has card data but no README"
            # a cut inside a UTF-8 character drops that character
            text = data[:max_bytes].decode("utf-8", errors="ignore")
            out[prefix + body["id"]] = (text, len(data), len(data) > max_bytes)
    return out
