"""Real Hub responses embedded verbatim in the sample world.

``hub_emulator/samples/recorded/hub_api_records.jsonl`` holds records copied unchanged from
``shared/hub-samples`` (see the PROVENANCE.md next to it): the newest full ``model_info`` body per model
``_id``, the ``/api/tasks`` body and the 307 redirects of renamed models. Refresh it with
``python -m hub_emulator.worldgen.recorded <api_get_responses.jsonl>``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RECORDED_DIR = Path(__file__).resolve().parents[1] / "samples" / "recorded"
RECORDS_FILE = RECORDED_DIR / "hub_api_records.jsonl"
# Namespaces of the recorded models that are personal accounts; all others are organisations.
RECORDED_USERS = frozenset({"alefiury", "dandelin", "jonatasgrosman", "sshleifer"})
MODEL_INFO_PREFIX = "/api/models/"


@dataclass(frozen=True)
class Recorded:
    """What the sample world takes from the recordings."""

    models: list[dict[str, Any]]
    tasks: dict[str, Any]
    renames: list[tuple[str, str]]  # (old id, current id) of models

    def authors(self) -> dict[str, str]:
        """Namespace -> ``user`` | ``org`` for every recorded model author."""
        return {m["author"]: "user" if m["author"] in RECORDED_USERS else "org" for m in self.models if m.get("author")}


def _is_model_info(rec: dict[str, Any]) -> bool:
    path = urlsplit(rec["uri"])
    return (
        rec["status"] == 200
        and path.path.startswith(MODEL_INFO_PREFIX)
        and not path.query
        and isinstance(rec.get("body"), dict)
        and "tags" in rec["body"]
        and "sha" in rec["body"]
    )


def select_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records the sample world uses, unchanged: newest model_info per ``_id``, tasks, redirects."""
    newest: dict[str, tuple[str, int, dict[str, Any]]] = {}
    tasks: dict[str, Any] | None = None
    redirects: dict[str, dict[str, Any]] = {}
    for k, rec in enumerate(records):
        path = urlsplit(rec["uri"])
        if _is_model_info(rec):
            key = rec["body"]["_id"]
            if key not in newest or (rec["source_commit_date"], k) >= newest[key][:2]:
                newest[key] = (rec["source_commit_date"], k, rec)
        elif rec["status"] == 200 and path.path == "/api/tasks":
            tasks = rec
        elif rec["status"] == 307 and path.path.startswith(MODEL_INFO_PREFIX) and not path.query:
            redirects.setdefault(path.path, rec)
    chosen = [rec for _, _, rec in sorted(newest.values(), key=lambda v: v[1])]
    return chosen + ([tasks] if tasks else []) + list(redirects.values())


def load(path: Path = RECORDS_FILE) -> Recorded:
    """Read the embedded records; older names of the same ``_id`` become renames."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    models = [r["body"] for r in records if _is_model_info(r)]
    tasks = next(r["body"] for r in records if urlsplit(r["uri"]).path == "/api/tasks")
    current = {m["id"] for m in models}
    renames = []
    for r in records:
        if r["status"] == 307:
            old = urlsplit(r["uri"]).path[len(MODEL_INFO_PREFIX) :]
            new = r["response_headers"]["location"].split("?")[0][len(MODEL_INFO_PREFIX) :]
            if new in current:
                renames.append((old, new))
    return Recorded(models, tasks, renames + _same_id_renames(records, current))


def _same_id_renames(records: list[dict[str, Any]], current: set[str]) -> list[tuple[str, str]]:
    """Bodies served under an old name with the same ``_id`` as a newer body (``gpt2`` -> ``openai-community/gpt2``).

    ``select_records`` keeps only the newest body per ``_id``, so the source file is needed to see the
    old names; they are listed next to the records file.
    """
    aliases = RECORDED_DIR / "aliases.json"
    if not aliases.exists():
        return []
    return [(old, new) for old, new in json.loads(aliases.read_text()).items() if new in current and old not in current]


def main(argv: list[str] | None = None) -> int:
    """Copy the used records from a hub-samples ``api_get_responses.jsonl`` into the package."""
    source = Path((argv or sys.argv[1:])[0])
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    chosen = select_records(records)
    RECORDED_DIR.mkdir(parents=True, exist_ok=True)
    with RECORDS_FILE.open("w", encoding="utf-8") as out:
        for rec in chosen:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    ids = {r["body"]["_id"]: r["body"]["id"] for r in chosen if _is_model_info(r)}
    aliases = {r["body"]["id"]: ids[r["body"]["_id"]] for r in records if _is_model_info(r)}
    aliases = {old: new for old, new in sorted(aliases.items()) if old != new}
    (RECORDED_DIR / "aliases.json").write_text(json.dumps(aliases, indent=1) + "\n")
    print(f"wrote {len(chosen)} records to {RECORDS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
