"""One real pipeline run (emulator → Dagster → DuckDB → dbt → atlas) on a small generated world into which a
lineage of known shape is planted, shared by the module's tests.

Planted (all by one existing user, ids `<user>/atlasplant-*`, `PLANTED_DOWNLOADS` each):
- a diamond: root R → A (finetune), R → B (adapter), A + B → M (merge), M → Q (quantized);
- a model D fine-tuned from a repo that does not exist (→ one placeholder node);
- a cycle X ⇄ Y (X created first, so the edge Y → X is the one dropped) with Z fine-tuned from Y.
"""

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from hub_emulator.worldgen.generate import generate_world
from tests.pipeline.conftest import PipelineRun, refresh_world

SNAPSHOT = "2026-11-15"
GHOST = "deleted-lab/atlasplant-gone-base"
# name: (created (2024-mm-dd), downloads, [(relation, parent name or full id)])
PLANTED: dict[str, tuple[str, int, list[tuple[str, str]]]] = {
    "R": ("01-01", 100, []),
    "A": ("02-01", 10, [("finetune", "R")]),
    "B": ("02-02", 20, [("adapter", "R")]),
    "M": ("03-01", 5, [("merge", "A"), ("merge", "B")]),
    "Q": ("04-01", 1, [("quantized", "M")]),
    "D": ("02-01", 7, [("finetune", GHOST)]),
    "X": ("01-10", 30, [("finetune", "Y")]),
    "Y": ("01-20", 40, [("finetune", "X")]),
    "Z": ("05-01", 2, [("finetune", "Y")]),
}


@dataclass
class AtlasBuild:
    world: Path
    run: PipelineRun
    owner: str

    def id(self, name: str) -> str:
        return name if "/" in name else f"{self.owner}/atlasplant-{name}"

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.run.settings.warehouse_path), read_only=True) as con:
            return con.execute(query, params or []).fetchall()


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def plant(world: Path) -> str:
    """Append the planted models to a generated world (tag3 lineage, no card); returns their owner."""
    models = _read(world / "models.jsonl")
    owner = _read(world / "users.jsonl")[0]["user"]
    template = next(m for m in models if "cardData" not in m and "baseModels" not in m and not m.get("gguf"))
    for k, (name, (day, downloads, parents)) in enumerate(PLANTED.items()):
        body = copy.deepcopy(template)
        model_id = f"{owner}/atlasplant-{name}"
        parent_ids = [p if "/" in p else f"{owner}/atlasplant-{p}" for _, p in parents]
        body.update(
            _id=f"{0xA71A5000 + k:08x}{'0' * 16}",
            id=model_id,
            modelId=model_id,
            author=owner,
            createdAt=f"2024-{day}T00:00:00.000Z",
            lastModified=f"2024-{day}T00:00:00.000Z",
            downloads=downloads,
            downloadsAllTime=downloads,
            likes=0,
            spaces=[],
            childrenModelCount=0,
            tags=[t for t in template["tags"] if not t.startswith("base_model:")]
            + [f"base_model:{p}" for p in parent_ids]
            + [f"base_model:{rel}:{p}" for (rel, _), p in zip(parents, parent_ids, strict=True)],
        )
        body.pop("config", None)
        models.append(body)
    (world / "models.jsonl").write_text("".join(json.dumps(m) + "\n" for m in models), encoding="utf-8")
    return owner


@pytest.fixture(scope="session")
def atlas_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AtlasBuild]:
    work = tmp_path_factory.mktemp("atlas")
    world = work / "world"
    generate_world(world, nodes=1200, seed=5)
    owner = plant(world)
    yield AtlasBuild(world, refresh_world(world, work / "storage", work / "data", SNAPSHOT), owner)
