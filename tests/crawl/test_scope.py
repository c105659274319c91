"""A snapshot narrowed to some entity families reads only their listings, and is still complete for them."""

import json
from pathlib import Path

import duckdb

from hub_emulator.server import HubEmulator
from tests.crawl.conftest import SNAPSHOT, snapshot_raw
from tests.crawl.world_truth import listed_bodies


def test_models_only_snapshot(crawl_world: Path, tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with HubEmulator(crawl_world, tmp_path / "hub", log_path=log) as hub:
        assert snapshot_raw(hub.url, tmp_path / "data", scope_families=("models",)).success
    paths = {json.loads(line)["path"] for line in log.read_text().splitlines()}
    assert "/api/models" in paths
    assert not paths & {"/api/datasets", "/api/spaces", "/api/collections"}
    assert not any(p.startswith(("/api/datasets/", "/api/spaces/", "/api/collections/")) for p in paths)
    with duckdb.connect(str(tmp_path / "data" / "hubkg.duckdb"), read_only=True) as con:
        models = con.execute("SELECT key, body FROM raw.models WHERE snapshot_date = ?", [SNAPSHOT]).fetchall()
        assert {k: json.loads(b) for k, b in models} == listed_bodies(crawl_world, "models")
        for table in ("datasets", "spaces", "collection_index"):
            assert con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0] == 0, table
        states = con.execute("SELECT source, done FROM raw.crawl_state WHERE snapshot_date = ?", [SNAPSHOT]).fetchall()
        assert dict(states) == {"models": True, "datasets": True, "spaces": True, "collection_index": True}
        liked = con.execute("SELECT DISTINCT split_part(key, '/', 1) FROM raw.likers").fetchall()
        assert liked == [("models",)]
