"""A small generated world with hostile entities planted where each kind of bad input enters the crawl.

One world, one pipeline run, many cases: every planted entity names the outcome HubKG documents for it, and the
tests read that outcome from the one run (`conftest.hostile_run`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hub_emulator.worldgen.generate import generate_world

# Free text that would drive a terminal, hide itself, run in a Markdown renderer or a template engine.
HOSTILE_TEXT = "\x1b]0;pwned\x07\x1b[31mRED\x1b[0m \u202eevil\u202c <script>alert(1)</script> {{ config }}"
TEXT_MARKERS = ("\x1b", "\x07", "\u202e", "{{")


@dataclass(frozen=True)
class Planted:
    """One bad input: where it enters, what it is, and the quarantine reason that proves it was caught."""

    case: str
    where: str
    source: str  # raw.quarantine.source
    reason: str  # a substring of the quarantine reason


LISTING_CASES = {
    # case: (changes to a copy of a model line, planted, expected reason)
    "id_dot_segments": ({"id": "evil/..", "modelId": "evil/.."}, "invalid repo id"),
    "id_sql_fragment": ({"id": "x'); DROP TABLE kg.models; --", "modelId": "x"}, "invalid repo id"),
    "id_path_traversal": ({"id": "a/../../admin"}, "invalid repo id"),
    "id_empty_part": ({"id": "lonely/"}, "invalid repo id"),
    "object_id_not_hex": ({"_id": "../../x"}, "invalid object id"),
    "downloads_1e30": ({"downloads": 1e30}, "downloads out of range"),
    "downloads_huge_int": ({"downloads": 10**30}, "downloads out of range"),
    "likes_negative": ({"likes": -3}, "likes out of range"),
}


def _model_lines(world: Path) -> list[dict]:
    return [json.loads(line) for line in (world / "models.jsonl").read_text(encoding="utf-8").splitlines()]


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def build(world: Path) -> dict[str, object]:
    """Generate the world and plant the cases; returns what the tests need to find them."""
    generate_world(world, nodes=300, seed=3)
    models = _model_lines(world)
    template = next(m for m in models if m.get("cardData"))
    planted: list[Planted] = []
    for number, (case, (changes, reason)) in enumerate(sorted(LISTING_CASES.items())):
        bad = {**template, "_id": f"{number:024x}", "id": f"hostile/{case}", **changes}
        models.append(bad)
        planted.append(Planted(case, "listing id" if "id" in case else "counter", "models", reason))
    # Ids and keys that enter through bodies: an author name and an arXiv tag become request keys.
    models.append({**template, "_id": "f" * 24, "id": "hostile/bad-keys", "author": "../admin",
                   "tags": [*template.get("tags", []), "arxiv:../../etc/passwd"]})  # fmt: skip
    planted += [
        Planted("author_dot_segments", "body key", "principals", "invalid account name"),
        Planted("arxiv_tag_traversal", "body key", "papers", "invalid arXiv id"),
    ]
    # One id under two internal ids: the pair is quarantined, the rest builds.
    twin = models[1]
    models.append({**twin, "_id": "e" * 24})
    planted.append(Planted("duplicate_id_pair", "listing id", "models", "more than one internal id"))
    _write(world / "models.jsonl", models)
    # Free text republished as data: a collection title, a user's full name, a paper title.
    for name, field in (("collections.jsonl", "title"), ("users.jsonl", "fullname"), ("papers.jsonl", "title")):
        rows = [json.loads(line) for line in (world / name).read_text(encoding="utf-8").splitlines()]
        for row in rows:
            row[field] = HOSTILE_TEXT
        _write(world / name, rows)
    return {"planted": planted, "duplicate_id": twin["id"], "clean_model": models[0]["id"]}
