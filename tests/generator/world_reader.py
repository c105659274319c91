"""An independent reading of a world directory, written from WORLD_FORMAT.md's counting rules.

Deliberately shares no code with the generator, so a bug in the generator's own counting shows up as a
mismatch here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RELS = ("adapter", "finetune", "quantized", "merge")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value or [] if isinstance(v, str)]


def _tag_values(tags: list[str], prefix: str) -> set[str]:
    return {t[len(prefix) :] for t in tags if t.startswith(prefix)}


def lineage_of(model: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """base -> (relation, source), forms ranked tag3 > tag2 > cardData > baseModels."""
    tags = model.get("tags") or []
    config = model.get("config") or {}
    quantized_evidence = bool(model.get("gguf")) or bool(config.get("quantization_config"))

    def infer(parents: list[str]) -> str:
        return "merge" if len(parents) > 1 else "quantized" if quantized_evidence else "finetune"

    found: dict[str, tuple[str, str]] = {}
    for tag in tags:
        parts = tag.split(":", 2)
        if parts[0] == "base_model" and len(parts) == 3 and parts[1] in RELS:
            found.setdefault(parts[2], (parts[1], "tag3"))
    two = [t.split(":", 1)[1] for t in tags if t.startswith("base_model:") and t.count(":") == 1]
    for base in two:
        found.setdefault(base, (infer(two), "tag2"))
    card = model.get("cardData") or {}
    card_bases = _strings(card.get("base_model"))
    for base in card_bases:
        found.setdefault(base, (card.get("base_model_relation") or infer(card_bases), "cardData"))
    bm = model.get("baseModels")
    if isinstance(bm, dict):
        ids = [m["id"] for m in bm["models"]]
        for base in ids:
            found.setdefault(base, (bm.get("relation") or infer(ids), "baseModels"))
    elif isinstance(bm, list):
        ids = [m["id"] for m in bm]
        for base in ids:
            found.setdefault(base, (infer(ids), "baseModels"))
    return found


@dataclass
class World:
    root: Path
    meta: dict[str, Any] = field(init=False)
    models: list[dict[str, Any]] = field(init=False)
    datasets: list[dict[str, Any]] = field(init=False)
    spaces: list[dict[str, Any]] = field(init=False)
    papers: list[dict[str, Any]] = field(init=False)
    collections: list[dict[str, Any]] = field(init=False)
    users: list[dict[str, Any]] = field(init=False)
    orgs: list[dict[str, Any]] = field(init=False)
    tasks: dict[str, Any] = field(init=False)
    likes: list[dict[str, Any]] = field(init=False)
    follows: list[dict[str, Any]] = field(init=False)
    members: list[dict[str, Any]] = field(init=False)
    renames: list[dict[str, Any]] = field(init=False)
    lineage: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        r = self.root
        self.meta = json.loads((r / "world.json").read_text())
        for name in (
            "models",
            "datasets",
            "spaces",
            "papers",
            "collections",
            "users",
            "orgs",
            "likes",
            "follows",
            "members",
            "renames",
        ):
            setattr(self, name, read_jsonl(r / f"{name}.jsonl"))
        self.tasks = json.loads((r / "tasks.json").read_text())
        self.lineage = read_jsonl(r / "truth" / "lineage.jsonl")

    def count(self) -> tuple[Counter[str], Counter[str]]:
        """(present, dangling) edge counts per relation, by the counting rules."""
        model_ids = {m["id"] for m in self.models}
        dataset_ids = {d["id"] for d in self.datasets}
        space_ids = {s["id"] for s in self.spaces}
        paper_ids = {p["id"] for p in self.papers}
        users = {u["user"] for u in self.users}
        orgs = {o["name"] for o in self.orgs}
        present: Counter[str] = Counter()
        dangling: Counter[str] = Counter()

        def add(rel: str, pairs: set[tuple[str, str]], tails: set[str]) -> None:
            for _, tail in pairs:
                (present if tail in tails else dangling)[rel] += 1

        lineage_pairs = {(e["base"], e["derived"]): e["relation"] for e in self.lineage}
        for (base, _), rel in lineage_pairs.items():
            (present if base in model_ids else dangling)[f"model_{rel}_model"] += 1
        self._count_repo_links(add, model_ids, dataset_ids, paper_ids)
        targets = {"model": model_ids, "dataset": dataset_ids, "space": space_ids, "paper": paper_ids}
        for c in self.collections:
            for kind, ids in targets.items():
                pairs = {(c["slug"], it["id"]) for it in c["items"] if it["type"] == kind}
                add(f"collection_contain_{kind}", pairs, ids)
            present[f"{'org' if c['owner']['type'] == 'org' else 'user'}_own_collection"] += 1
        for kind, repos in (("model", self.models), ("dataset", self.datasets), ("space", self.spaces)):
            for r in repos:
                owner = "user" if r["author"] in users else "org" if r["author"] in orgs else None
                (present if owner else dangling)[f"{owner or 'user'}_publish_{kind}"] += 1
        for p in self.papers:
            for user in {a["user"]["user"] for a in p["authors"] if "user" in a}:
                (present if user in users else dangling)["user_publish_paper"] += 1
        for kind, tails in (("model", model_ids), ("dataset", dataset_ids), ("space", space_ids)):
            add(f"user_like_{kind}", {(x["user"], x["repo_id"]) for x in self.likes if x["repo_type"] == kind}, tails)
        add(
            "user_follow_user",
            {(f["follower"], f["followee"]) for f in self.follows if f["followee_type"] == "user"},
            users,
        )
        add(
            "user_follow_org",
            {(f["follower"], f["followee"]) for f in self.follows if f["followee_type"] == "org"},
            orgs,
        )
        add("user_affiliatedWith_org", {(m["user"], m["org"]) for m in self.members}, orgs)
        return present, dangling

    def _count_repo_links(
        self,
        add: Callable[[str, set[tuple[str, str]], set[str]], None],
        model_ids: set[str],
        dataset_ids: set[str],
        paper_ids: set[str],
    ) -> None:
        """Tasks, training datasets and papers of models and datasets; models and datasets used by Spaces."""
        for m in self.models:
            mid, tags = m["id"], m.get("tags") or []
            if m.get("pipeline_tag"):
                add("model_definedFor_task", {(mid, m["pipeline_tag"])}, set(self.tasks))
            card = m.get("cardData") or {}
            trained = _tag_values(tags, "dataset:") | set(_strings(card.get("datasets")))
            add("model_trainedOrFineTunedOn_dataset", {(mid, d) for d in trained}, dataset_ids)
            add("model_cite_paper", {(mid, a) for a in _tag_values(tags, "arxiv:")}, paper_ids)
        for d in self.datasets:
            tags = d["tags"]
            add(
                "dataset_definedFor_task",
                {(d["id"], t) for t in _tag_values(tags, "task_categories:")},
                set(self.tasks),
            )
            add("dataset_cite_paper", {(d["id"], a) for a in _tag_values(tags, "arxiv:")}, paper_ids)
        for s in self.spaces:
            add("space_use_model", {(s["id"], m) for m in s["models"]}, model_ids)
            add("space_use_dataset", {(s["id"], d) for d in s["datasets"]}, dataset_ids)
