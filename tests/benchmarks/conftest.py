"""One real pipeline run on a generated world with planted label leaks, then the benchmarks rebuilt twice.

`pipeline` runs the `hubkg_refresh` job (plus the benchmark exports, until orchestration wires them in) with the
default settings. `rebuilt` then rebuilds only the benchmark marts of the same snapshot with lower k-core
thresholds (the 1,500-node world has too few likes for a 5-core) and exports them, twice: `first` and `second` are
copies of the two exports, for the byte-identity test.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from assets.benchmarks import benchmark_export_assets
from hub_emulator.worldgen.generate import generate_world
from tests.pipeline.conftest import PipelineRun, refresh_world
from tests.support import run_dbt

SNAPSHOT = "2026-11-01"
MIN_LIKES = 2  # k-core thresholds of the rebuild (users and items)
LEAKY_TAGS = ["text-classification", "Text_Classification", "text-generation-inference", "task_ids:sentiment-analysis"]
PROSE = "Reviews of films, one per line."


@dataclass
class Planted:
    model: str
    dataset: str


@dataclass
class BenchBuild:
    run: PipelineRun
    data_dir: Path
    planted: Planted
    first: Path | None = None
    second: Path | None = None

    @property
    def warehouse(self) -> Path:
        return self.run.settings.warehouse_path

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(query, params or []).fetchall()

    def materialize(self, assets: list) -> None:
        """Materialize `assets` of this build's snapshot against its warehouse and data directory."""
        result = dg.materialize(
            assets,
            resources={
                "warehouse": DuckDBResource(database=str(self.warehouse)),
                "data_dir": self.data_dir,
            },
            partition_key=SNAPSHOT,
        )
        assert result.success


def _rewrite(path: Path, change) -> str:
    """Apply `change` to the first line it accepts (returns truthy); the changed line's id."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    target = next(line for line in lines if change(line))
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return target["id"]


def plant_leaks(world: Path) -> Planted:
    """A labelled model whose tags name a task besides its pipeline tag, and a dataset with label tags whose card
    front matter (README) states its task."""

    def leaky_model(m: dict) -> bool:
        if m.get("pipeline_tag") != "text-generation" or "cardData" not in m:
            return False
        m["tags"] += [t for t in LEAKY_TAGS if ":" not in t]
        return True

    def leaky_dataset(d: dict) -> bool:
        if d["id"].count("/") != 1:
            return False
        d["tags"] += ["task_categories:text-classification", "text-classification", "task_ids:sentiment-analysis"]
        d["cardData"] = {**(d.get("cardData") or {}), "task_categories": ["text-classification"]}
        d["description"] = PROSE
        return True

    return Planted(_rewrite(world / "models.jsonl", leaky_model), _rewrite(world / "datasets.jsonl", leaky_dataset))


def rebuild_and_export(build: BenchBuild, work: Path) -> None:
    """`dbt build` of the benchmark marts for the snapshot (its own target path: the project's manifest stays as
    Dagster loaded it), then the three export assets."""
    variables = {"snapshot_date": SNAPSHOT, "rec_min_user_likes": MIN_LIKES, "rec_min_item_likes": MIN_LIKES}
    run_dbt("build", build.warehouse, work, "path:models/benchmarks", variables)
    build.materialize(benchmark_export_assets)


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> BenchBuild:
    work = tmp_path_factory.mktemp("benchmarks")
    world = work / "world"
    generate_world(world, nodes=1500, seed=11)
    planted = plant_leaks(world)
    return BenchBuild(refresh_world(world, work / "storage", work / "data", SNAPSHOT), work / "data", planted)


@pytest.fixture(scope="session")
def rebuilt(pipeline: BenchBuild, tmp_path_factory: pytest.TempPathFactory) -> BenchBuild:
    work = tmp_path_factory.mktemp("benchmarks-rebuilt")
    exported = pipeline.data_dir / "benchmarks" / SNAPSHOT
    copies = []
    for n in (1, 2):
        rebuild_and_export(pipeline, work)
        # linked, not copied: each export replaces the folder whole, and the files keep the links they were written with
        copies.append(shutil.copytree(exported, work / f"export-{n}", copy_function=os.link))
    pipeline.first, pipeline.second = copies
    return pipeline
