"""Fixtures that run the real pipeline (Dagster → huggingface_hub → emulator → DuckDB → dbt → GE → publish)."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from hub_emulator.server import HubEmulator
from hub_emulator.worldgen.generate import generate_world
from orchestration.definitions import build_defs
from orchestration.settings import Settings

SNAPSHOT = "2026-11-22"


@dataclass
class PipelineRun:
    result: dg.ExecuteInProcessResult
    settings: Settings
    emulator: HubEmulator
    instance: dg.DagsterInstance

    def log_messages(self) -> list[str]:
        """What the run logged (`context.log`), as a terminal running it shows."""
        return [e.user_message for e in self.instance.all_logs(self.result.run_id) if e.user_message]

    def materialized(self) -> set[str]:
        return {e.asset_key.to_user_string() for e in self.result.get_asset_materialization_events()}

    def checks(self) -> dict[str, dg.AssetCheckEvaluation]:
        return {e.asset_check_key.name: e for e in self.result.get_asset_check_evaluations()}


def requests_of(emulator: HubEmulator) -> list[dict]:
    """The emulator's request log: method, path, query, status of every request it answered."""
    assert emulator.log_path is not None
    with emulator.log_path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def world_models(world: Path) -> list[dict]:
    with (world / "models.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("world") / "small"
    generate_world(world, nodes=600, seed=7)
    return world


@pytest.fixture
def emulator_for(tmp_path: Path) -> Iterator:
    """Start an emulator on a given world; stopped at the end of the test."""
    started: list[HubEmulator] = []

    def start(world: Path, **options) -> HubEmulator:
        n = len(started)
        emulator = HubEmulator(
            world, tmp_path / f"hub-storage-{n}", log_path=tmp_path / f"requests-{n}.jsonl", **options
        )
        emulator.start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


def run_refresh(
    emulator: HubEmulator,
    data_dir: Path,
    page_size: int = 50,
    snapshot: str = SNAPSHOT,
    **settings_overrides,
) -> PipelineRun:
    """Run the `hubkg_refresh` job in process against an emulator."""
    settings = Settings(endpoint=emulator.url, data_dir=data_dir, page_size=page_size, **settings_overrides)
    defs = build_defs(settings)
    instance = dg.DagsterInstance.ephemeral()
    result = defs.resolve_job_def("hubkg_refresh").execute_in_process(
        instance=instance, raise_on_error=False, partition_key=snapshot
    )
    return PipelineRun(result, settings, emulator, instance)


def refresh_world(world: Path, storage: Path, data_dir: Path, snapshot: str = SNAPSHOT) -> PipelineRun:
    """Serve `world` for the length of one refresh run into `data_dir` (for session-scoped builds)."""
    with HubEmulator(world, storage) as emulator:
        return run_refresh(emulator, data_dir, page_size=200, snapshot=snapshot)


@pytest.fixture
def run_pipeline(tmp_path: Path):
    """Run the `hubkg_refresh` job in process against an emulator and return what happened."""

    def run(emulator: HubEmulator, page_size: int = 50, snapshot: str = SNAPSHOT, **settings_overrides) -> PipelineRun:
        return run_refresh(emulator, tmp_path / "data", page_size, snapshot, **settings_overrides)

    return run
