"""One real pipeline run per world, shared by the module's tests: emulator → Dagster → DuckDB → dbt → exports.

`generated` runs a generated world twice in one warehouse: snapshot 1 as generated, snapshot 2 after a small
mutation (a model added, one dropped, one's downloads changed), so `kg_changes` has something to find.
"""

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from hub_emulator.worldgen.generate import generate_world
from tests.pipeline.conftest import PipelineRun, refresh_world

SAMPLE_WORLD = Path(__file__).resolve().parents[2] / "hub_emulator" / "worlds" / "sample"
FIRST, SECOND = "2026-11-01", "2026-11-08"


@dataclass
class Build:
    world: Path
    run: PipelineRun
    data_dir: Path

    @property
    def truth(self) -> dict:
        return json.loads((self.world / "world.json").read_text(encoding="utf-8"))

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.run.settings.warehouse_path), read_only=True) as con:
            return con.execute(query, params or []).fetchall()


@dataclass
class Mutation:
    added: str
    dropped: str
    changed: str


def _build(world: Path, workdir: Path, snapshot: str, data_dir: Path) -> Build:
    return Build(world, refresh_world(world, workdir / f"storage-{snapshot}", data_dir, snapshot), data_dir)


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def mutate(src: Path, dst: Path) -> Mutation:
    """Copy a world and change it: one new model, one model gone (referenced by nothing), one new download count."""
    shutil.copytree(src, dst)
    models = _read(dst / "models.jsonl")
    referenced = {line["base"] for line in _read(dst / "truth" / "lineage.jsonl")}
    for space in _read(dst / "spaces.jsonl"):
        referenced.update(space.get("models", []))
    for collection in _read(dst / "collections.jsonl"):
        referenced.update(item["id"] for item in collection["items"])
    dropped = next(m for m in models if m["likes"] == 0 and m["id"] not in referenced and "base_model" not in str(m))
    changed = next(m for m in models if m["id"] != dropped["id"] and m.get("downloads", 0) > 0)
    changed["downloads"] += 1000
    added = {
        **dropped,
        "_id": "ffffffffffffffffffffffff",
        "id": dropped["id"] + "-v2",
        "modelId": dropped["id"] + "-v2",
    }
    kept = [m for m in models if m["id"] != dropped["id"]] + [added]
    (dst / "models.jsonl").write_text("".join(json.dumps(m) + "\n" for m in kept), encoding="utf-8")
    return Mutation(added["id"], dropped["id"], changed["id"])


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    work = tmp_path_factory.mktemp("kg-sample")
    return _build(SAMPLE_WORLD, work, FIRST, work / "data")


@pytest.fixture(scope="session")
def generated_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("kg-world") / "generated"
    generate_world(world, nodes=1500, seed=11)
    return world


@pytest.fixture(scope="session")
def generated_builds(generated_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """(first build, second build, mutation): both snapshots in the same warehouse."""
    work = tmp_path_factory.mktemp("kg-generated")
    first = _build(generated_world, work, FIRST, work / "data")
    mutation = mutate(generated_world, work / "mutated")
    second = _build(work / "mutated", work, SECOND, work / "data")
    yield first, second, mutation
