"""A snapshot narrowed to some entity families reads only their listings, and is still complete for them."""

import json
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from crawler.client import HubClient
from crawler.listing import LISTINGS, crawl_listing
from hub_emulator.server import HubEmulator
from tests.crawl.conftest import SNAPSHOT, snapshot_raw
from tests.crawl.world_truth import listed_bodies
from tests.support import crawl_config


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


def test_author_scoped_listing_walks_each_author_and_resumes_mid_walk(crawl_world: Path, tmp_path: Path) -> None:
    models = list(listed_bodies(crawl_world, "models").values())
    counts = Counter(m["id"].split("/")[0] for m in models)
    authors = [a for a, _ in counts.most_common(3)]  # the most prolific: several pages of 5 each
    assert sum(-(-counts[a] // 5) for a in authors) > 10

    class Crash(Exception):
        pass

    def crash_at_page_ten(message: str) -> None:  # progress is logged every 10 committed pages
        raise Crash(message)

    with HubEmulator(crawl_world, tmp_path / "hub") as hub, duckdb.connect(str(tmp_path / "hubkg.duckdb")) as con:
        client = HubClient(endpoint=hub.url)
        config = crawl_config(hub.url, page_size=5, scope_authors=tuple(authors))
        snapshot = date.fromisoformat(SNAPSHOT)
        with pytest.raises(Crash):
            crawl_listing(con, client, LISTINGS["models"], snapshot, config, log=crash_at_page_ten)
        report = crawl_listing(con, client, LISTINGS["models"], snapshot, config, log=lambda _: None)
        crawled = [i for (i,) in con.execute("SELECT id FROM raw.models").fetchall()]
    assert report.resumed and report.pages == sum(-(-counts[a] // 5) for a in authors)
    assert sorted(crawled) == sorted(m["id"] for m in models if m["id"].split("/")[0] in authors)  # no dup, no gap
