"""Faults while crawling a small world: every kind of endpoint failure the emulator can inject (5xx, a body cut
short, a dropped connection), and a disk that fills up mid-crawl. Each run ends as documented (retried, or failed
with the reason and resumed) and the snapshot is the world, exactly, with no duplicate and no gap."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hub_emulator.server import HubEmulator
from hub_emulator.server.faults import FaultPlan
from hub_emulator.worldgen.generate import generate_world
from orchestration.settings import PROJECT_ROOT
from tests.crawl.conftest import SNAPSHOT, snapshot_raw
from tests.crawl.test_snapshot_complete import assert_snapshot_matches_world

# Each fault kind once, early (listing pages and the first per-entity calls), then now and then for the rest.
SCRIPTED = ("500", None, "502", None, "503", None, "504", None, "truncated_json", None, "disconnect", None)
LATER = {"500": 0.02, "503": 0.02, "truncated_json": 0.02, "disconnect": 0.01}


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("faults") / "world"
    generate_world(world, nodes=200, seed=5)
    return world


def test_endpoint_faults_are_retried_to_the_exact_world(small_world: Path, tmp_path: Path, matrix) -> None:
    plan = FaultPlan(seed=2, script=SCRIPTED, probabilities=LATER)
    with HubEmulator(small_world, tmp_path / "hub", faults=plan) as hub:
        result = snapshot_raw(hub.url, tmp_path / "data", page_size=20)
        statuses = hub.stats()["by_status"]
    assert result.success
    assert all(statuses.get(code, 0) >= 1 for code in (500, 502, 503, 504))
    assert_snapshot_matches_world(tmp_path / "data" / "hubkg.duckdb", small_world)
    for fault in sorted({f for f in SCRIPTED if f} | set(LATER)):
        matrix.record(f"endpoint_{fault}", "crawl (listing and per-entity)", "recovered")


def test_a_full_disk_fails_the_run_and_the_rerun_completes(small_world: Path, tmp_path: Path, matrix) -> None:
    data = tmp_path / "data"
    with HubEmulator(small_world, tmp_path / "hub") as hub:
        # a file-size cap below the small world's raw layer (in 16 KB DuckDB blocks it stays under 600,000 bytes)
        full = subprocess.run(
            [sys.executable, "-m", "tests.hostile.launch", "raw", str(data), hub.url, str(200_000)],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            env={**os.environ, "HF_HUB_DISABLE_XET": "1"},
            timeout=600,
        )
        assert full.returncode == 1, full.stdout[-3000:]
        failures = [line for line in full.stdout.splitlines() if line.startswith("FAILURE:")]
        assert failures and any("too large" in f.lower() or "space" in f.lower() for f in failures), failures
        # What was committed before the disk filled is intact and readable.
        with duckdb.connect(str(data / "hubkg.duckdb"), read_only=True) as con:
            con.execute("SELECT count(*) FROM raw.crawl_state").fetchone()
        matrix.record("disk_full_mid_crawl", "raw", "blocked")
        rerun = snapshot_raw(hub.url, data, page_size=20)
    assert rerun.success
    assert_snapshot_matches_world(data / "hubkg.duckdb", small_world, SNAPSHOT)
    matrix.record("rerun_after_disk_full", "raw", "recovered")
