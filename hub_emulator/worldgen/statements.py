"""What a repo body states, read the way the counting rules in WORLD_FORMAT.md define it.

Used by the generator to count relations of model and dataset bodies (generated and recorded alike) and
to derive the stated lineage of recorded bodies. The tests re-implement these rules independently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hub_emulator.worldgen.calibration import LINEAGE_RELATIONS, RELATIONS

SOURCES = ("tag3", "tag2", "cardData", "baseModels")


def as_list(value: Any) -> list[str]:
    """``str | [str] | None`` (how cards hold base_model and datasets) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)]


def infer_relation(body: dict[str, Any], n_parents: int) -> str:
    """The pipeline's documented rule when no relation is stated: merge > quantized > finetune."""
    if n_parents > 1:
        return "merge"
    config = body.get("config") or {}
    if body.get("gguf") or (isinstance(config, dict) and config.get("quantization_config")):
        return "quantized"
    return "finetune"


def _forms(body: dict[str, Any]) -> list[tuple[str, list[str], str | None]]:
    """(source, parents, explicit relation or None) for each lineage form present in ``body``."""
    tags = [t for t in body.get("tags") or [] if isinstance(t, str) and t.startswith("base_model:")]
    out: list[tuple[str, list[str], str | None]] = []
    for rel in LINEAGE_RELATIONS:
        parents = [t.split(":", 2)[2] for t in tags if t.count(":") >= 2 and t.split(":", 2)[1] == rel]
        if parents:
            out.append(("tag3", parents, rel))
    two = [t.split(":", 1)[1] for t in tags if t.count(":") == 1]
    if two:
        out.append(("tag2", two, None))
    card = body.get("cardData") or {}
    if isinstance(card, dict) and card.get("base_model"):
        rel = card.get("base_model_relation")
        out.append(("cardData", as_list(card["base_model"]), rel if rel in LINEAGE_RELATIONS else None))
    base_models = body.get("baseModels")
    if isinstance(base_models, dict):
        ids = [m["id"] for m in base_models.get("models") or [] if isinstance(m, dict) and "id" in m]
        rel = base_models.get("relation")
        out.append(("baseModels", ids, rel if rel in LINEAGE_RELATIONS else None))
    elif isinstance(base_models, list):
        ids = [m["id"] if isinstance(m, dict) else m for m in base_models]
        out.append(("baseModels", [i for i in ids if isinstance(i, str)], None))
    return out


def stated_lineage(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Distinct (base, relation, source) stated by a model body, the strongest form first.

    Forms rank tag3 > tag2 > cardData > baseModels; a base named by several forms is reported once, with
    the relation and source of the strongest. Unstated relations follow ``infer_relation``.
    """
    seen: dict[str, tuple[str, str]] = {}
    for source, parents, rel in sorted(_forms(body), key=lambda f: SOURCES.index(f[0])):
        relation = rel or infer_relation(body, len(parents))
        for base in parents:
            seen.setdefault(base, (relation, source))
    return [(base, rel, source) for base, (rel, source) in seen.items()]


def prefixed(tags: list[Any], prefix: str) -> list[str]:
    """Values of ``prefix:<value>`` tags, in order, without repeats."""
    return list(dict.fromkeys(t[len(prefix) :] for t in tags if isinstance(t, str) and t.startswith(prefix)))


@dataclass
class Tally:
    """Relation counts: present edges (both endpoints exist) and dangling ones, per HuggingKG relation."""

    relations: Counter[str] = field(default_factory=Counter)
    dangling: Counter[str] = field(default_factory=Counter)

    def add(self, relation: str, present: bool, n: int = 1) -> None:
        (self.relations if present else self.dangling)[relation] += n

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "relations": {r: self.relations[r] for r in RELATIONS},
            "dangling": {r: self.dangling[r] for r in RELATIONS if self.dangling[r]},
        }


def count_model(body: dict[str, Any], tally: Tally, datasets: set[str], papers: set[str], tasks: set[str]) -> None:
    """Count definedFor (pipeline_tag), trainedOrFineTunedOn (tags ∪ cardData) and cite (arxiv tags)."""
    if body.get("pipeline_tag"):
        tally.add("model_definedFor_task", body["pipeline_tag"] in tasks)
    tags = body.get("tags") or []
    card = body.get("cardData") or {}
    card_datasets = as_list(card.get("datasets")) if isinstance(card, dict) else []
    for ds in dict.fromkeys(prefixed(tags, "dataset:") + card_datasets):
        tally.add("model_trainedOrFineTunedOn_dataset", ds in datasets)
    for paper in prefixed(tags, "arxiv:"):
        tally.add("model_cite_paper", paper in papers)


def count_dataset(body: dict[str, Any], tally: Tally, papers: set[str], tasks: set[str]) -> None:
    """Count definedFor (``task_categories:`` tags) and cite (``arxiv:`` tags) of a dataset body."""
    tags = body.get("tags") or []
    for task in prefixed(tags, "task_categories:"):
        tally.add("dataset_definedFor_task", task in tasks)
    for paper in prefixed(tags, "arxiv:"):
        tally.add("dataset_cite_paper", paper in papers)
