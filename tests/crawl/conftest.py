"""Crawl fixtures: a generated world (size from HUBKG_CRAWL_TEST_NODES, default 3,000; the recorded figure in
PERFORMANCE.md is for 50,000) and a way to snapshot it through the raw Dagster assets only."""

import os
from pathlib import Path

import dagster as dg
import pytest

from assets.raw import raw_assets
from hub_emulator.worldgen.generate import generate_world
from orchestration.resources import build_resources
from orchestration.settings import Settings

SNAPSHOT = "2026-11-22"


@pytest.fixture(scope="session")
def crawl_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("crawl") / "world"
    generate_world(world, nodes=int(os.environ.get("HUBKG_CRAWL_TEST_NODES", "3000")), seed=11)
    return world


def snapshot_raw(url: str, data_dir: Path, snapshot: str = SNAPSHOT, **settings) -> dg.ExecuteInProcessResult:
    """Materialize every raw asset against `url` into `data_dir` as `snapshot`."""
    resources = build_resources(Settings(endpoint=url, data_dir=data_dir, **settings))
    return dg.materialize(
        raw_assets,
        resources=resources,
        instance=dg.DagsterInstance.ephemeral(),
        partition_key=snapshot,
        raise_on_error=False,
    )
