"""The snapshot reproduces the world exactly — every entity and every link — despite 429 storms, 5xx bursts,
truncated bodies and dropped connections, and again after the crawl is killed at a random point and resumed."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb

from assets.raw import listing_assets
from hub_emulator.server import HubEmulator
from hub_emulator.server.faults import FaultPlan
from orchestration.emulator_process import emulator_environment
from orchestration.resources import build_resources
from orchestration.settings import PROJECT_ROOT, Settings
from tests.crawl.conftest import SNAPSHOT, snapshot_raw
from tests.crawl.world_truth import (
    expected_daily_papers,
    expected_edges,
    expected_papers,
    expected_readmes,
    lines,
    listed_bodies,
)

FAULTS = {"429": 0.004, "503": 0.01, "truncated_json": 0.01, "disconnect": 0.004}


def assert_snapshot_matches_world(
    warehouse: Path, world: Path, snapshot: str = SNAPSHOT, follows: set[tuple] | None = None
) -> None:
    """Every entity and link of `world` is in `snapshot`, nothing else (follow edges: `follows` if given)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:

        def rows(sql: str) -> list[tuple]:
            return con.execute(sql, [snapshot] * sql.count("?")).fetchall()

        for source in ("models", "datasets", "spaces"):
            crawled = rows(f"SELECT key, body FROM raw.{source} WHERE snapshot_date = ?")
            assert len(crawled) == len({k for k, _ in crawled}), f"duplicates in raw.{source}"
            assert {k: json.loads(b) for k, b in crawled} == listed_bodies(world, source), source
        collections = {
            k: json.loads(b) for k, b in rows("SELECT key, body FROM raw.collections WHERE snapshot_date = ?")
        }
        assert collections == {c["slug"]: c for c in lines(world, "collections.jsonl")}
        assert {k for (k,) in rows("SELECT key FROM raw.papers WHERE snapshot_date = ?")} == expected_papers(
            world, snapshot
        )
        principals = dict(rows("SELECT key, variant FROM raw.principals WHERE snapshot_date = ?"))
        assert {n for n, v in principals.items() if v == "user"} == {u["user"] for u in lines(world, "users.jsonl")}
        assert {n for n, v in principals.items() if v == "org"} == {o["name"] for o in lines(world, "orgs.jsonl")}
        edges = expected_edges(world)
        likes = rows("SELECT key, body ->> 'user' FROM raw.likers WHERE snapshot_date = ?")
        assert len(likes) == len(set(likes)) and set(likes) == edges["likes"]
        crawled_follows = rows(
            "SELECT key, body ->> 'user' FROM raw.user_followers WHERE snapshot_date = ? "
            "UNION ALL SELECT key, body ->> 'user' FROM raw.org_followers WHERE snapshot_date = ?"
        )
        expected_follows = edges["follows"] if follows is None else follows
        assert len(crawled_follows) == len(set(crawled_follows)) and set(crawled_follows) == expected_follows
        assert set(rows("SELECT key, body ->> 'user' FROM raw.org_members WHERE snapshot_date = ?")) == edges["members"]
        like_times = rows(
            "SELECT key, body -> 'repo' ->> 'type', body -> 'repo' ->> 'name', body ->> 'createdAt' "
            "FROM raw.user_likes WHERE snapshot_date = ?"
        )
        assert len(like_times) == len(set(like_times)) and set(like_times) == edges["like_times"]
        daily = rows("SELECT key, body -> 'paper' ->> 'id' FROM raw.daily_papers WHERE snapshot_date = ?")
        assert len(daily) == len(set(daily)) and set(daily) == expected_daily_papers(world, snapshot) and daily
        readmes = rows(
            "SELECT key, body ->> 'text', (body ->> 'bytes')::BIGINT, (body ->> 'truncated')::BOOLEAN "
            "FROM raw.readmes WHERE snapshot_date = ?"
        )
        expected = expected_readmes(world, Settings().readme_max_bytes)
        assert len(readmes) == len({k for k, *_ in readmes}) and {k: tuple(v) for k, *v in readmes} == expected
        assert any(truncated for _, _, truncated in expected.values()), "the world has no README over the cap"


def test_snapshot_is_exact_under_faults(crawl_world, tmp_path) -> None:
    plan = FaultPlan(seed=5, probabilities=FAULTS, retry_after=1, path_pattern=r"^/api/|/resolve/")
    with HubEmulator(crawl_world, tmp_path / "hub", faults=plan) as hub:
        result = snapshot_raw(hub.url, tmp_path / "data", page_size=200)
        injected = hub.stats()["by_status"]
    assert result.success
    assert injected.get(503, 0) > 0 and injected.get(429, 0) > 0  # the faults really happened
    assert_snapshot_matches_world(tmp_path / "data" / "hubkg.duckdb", crawl_world)


def _crawl_in_subprocess(url: str, data_dir: Path, dagster_home: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        **emulator_environment(url),
        "HUBKG_DATA_DIR": str(data_dir),
        "HUBKG_PAGE_SIZE": "100",
        "DAGSTER_HOME": str(dagster_home),
    }
    command = [
        str(Path(sys.executable).parent / "dagster"),
        "asset",
        "materialize",
        "-m",
        "orchestration.definitions",
        "--select",
        "group:raw",
        "--partition",
        SNAPSHOT,
    ]
    return subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_crawl_resumes_without_duplicates_or_gaps(crawl_world, tmp_path) -> None:
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    with HubEmulator(crawl_world, tmp_path / "hub", log_path=tmp_path / "requests.jsonl") as hub:
        first = _crawl_in_subprocess(hub.url, tmp_path / "data", dagster_home)
        # Kill it once it has committed something, at a random later moment (SIGKILL: no cleanup at all).
        deadline = time.monotonic() + 120
        log = tmp_path / "requests.jsonl"
        while not log.exists() or len(log.read_text().splitlines()) < 20:
            assert first.poll() is None and time.monotonic() < deadline, first.stderr.read().decode()[-3000:]
            time.sleep(0.2)
        time.sleep(random.Random(3).uniform(0.5, 4.0))
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = len(log.read_text().splitlines())

        second = _crawl_in_subprocess(hub.url, tmp_path / "data", dagster_home)
        _, stderr = second.communicate(timeout=600)
        assert second.returncode == 0, stderr.decode()[-3000:]
    assert killed_at > 20
    assert_snapshot_matches_world(tmp_path / "data" / "hubkg.duckdb", crawl_world)


def test_pacing_keeps_under_the_quota(crawl_world, tmp_path) -> None:
    # A tiny quota per 2-second window: the crawler must wait for resets instead of running into 429s.
    with HubEmulator(crawl_world, tmp_path / "hub", quota=30, window_seconds=2) as hub:
        resources = build_resources(Settings(endpoint=hub.url, data_dir=tmp_path / "data", page_size=10))
        result = dg.materialize(
            listing_assets[:1],
            resources=resources,
            instance=dg.DagsterInstance.ephemeral(),
            partition_key=SNAPSHOT,
        )
        stats = hub.stats()
    assert result.success
    waits = result.asset_materializations_for_node(listing_assets[0].op.name)[0].metadata["rate_limit_waits"].value
    assert stats["rate_limited"] == 0
    assert waits > 0 and stats["total"] > 30  # it needed more than one window, and waited instead of failing
