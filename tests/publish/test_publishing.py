"""Publishing is atomic, idempotent and versioned: real client, real emulator, real parquet."""

from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError

from hub_emulator.server import HubEmulator
from hub_emulator.server.faults import FaultPlan
from orchestration.emulator_process import SAMPLE_WORLD
from release.folder import build_release
from release.publisher import publish
from release.spec import ReleaseSpec, ReleaseTable
from tests.consumer import consume

SNAPSHOT = date(2026, 11, 22)
SPEC = ReleaseSpec(
    repo="test",
    title="Test release",
    summary="Two tables.",
    tables=(ReleaseTable("alpha", "kg.alpha", "first table"), ReleaseTable("beta", "kg.beta", "second table")),
)
REPO = "hubkg/test-release"


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA kg; CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.crawl_state (snapshot_date DATE, updated_at TIMESTAMPTZ)")
    con.execute("INSERT INTO raw.crawl_state VALUES (?, '2026-11-22 01:00:00+00')", [SNAPSHOT])
    for table, rows in (("alpha", 120), ("beta", 80)):
        con.execute(
            f"CREATE TABLE kg.{table} AS SELECT i AS id, 'x' || i AS name, ?::DATE AS snapshot_date "
            f"FROM range({rows}) t(i)",
            [SNAPSHOT],
        )
    yield con
    con.close()


def _release(con, tmp_path: Path, name: str):
    return build_release(con, tmp_path / name, SPEC, SNAPSHOT)


def _commits(api: HfApi) -> list[str]:
    return [c.commit_id for c in api.list_repo_commits(REPO, repo_type="dataset")]


def test_release_bytes_are_deterministic(warehouse, tmp_path) -> None:
    first, second = _release(warehouse, tmp_path, "a"), _release(warehouse, tmp_path, "b")
    files = sorted(p.relative_to(first.folder) for p in first.folder.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second.folder) for p in second.folder.rglob("*") if p.is_file())
    assert all((first.folder / f).read_bytes() == (second.folder / f).read_bytes() for f in files)


def test_unchanged_content_makes_no_commit_and_a_change_replaces_only_its_table(warehouse, tmp_path) -> None:
    with HubEmulator(SAMPLE_WORLD, tmp_path / "hub") as hub:
        api = HfApi(endpoint=hub.url)
        first = publish(api, REPO, _release(warehouse, tmp_path, "r1"))
        assert first.commit is not None and first.tag == "snapshot-2026-11-22"
        commits = _commits(api)

        again = publish(api, REPO, _release(warehouse, tmp_path, "r2"))
        assert again.commit is None and _commits(api) == commits  # no second commit

        warehouse.execute("UPDATE kg.beta SET name = 'changed' WHERE id = 3")
        changed = publish(api, REPO, _release(warehouse, tmp_path, "r3"))
        assert len(_commits(api)) == len(commits) + 1
        assert [f for f in changed.added if f.startswith("data/")] == ["data/beta/train-00000-of-00001.parquet"]
        refs = {t.name: t.target_commit for t in api.list_repo_refs(REPO, repo_type="dataset").tags}
        assert refs["snapshot-2026-11-22"] == changed.commit  # the snapshot's tag follows its latest release

        path = hf_hub_download(
            REPO,
            "data/beta/train-00000-of-00001.parquet",
            repo_type="dataset",
            endpoint=hub.url,
            cache_dir=tmp_path / "cache",
        )
        assert "changed" in pq.read_table(path).column("name").to_pylist()


def test_stale_shards_are_removed_in_the_same_commit(warehouse, tmp_path) -> None:
    with HubEmulator(SAMPLE_WORLD, tmp_path / "hub") as hub:
        api = HfApi(endpoint=hub.url)
        publish(api, REPO, _release(warehouse, tmp_path, "r1"))
        smaller = ReleaseSpec(SPEC.repo, SPEC.title, SPEC.summary, SPEC.tables[:1])
        outcome = publish(api, REPO, build_release(warehouse, tmp_path / "r2", smaller, SNAPSHOT))
        assert outcome.deleted == ["data/beta/train-00000-of-00001.parquet"]
        assert not any(f.startswith("data/beta") for f in api.list_repo_files(REPO, repo_type="dataset"))


def test_a_failure_mid_publish_leaves_the_previous_release_intact(warehouse, tmp_path) -> None:
    # The second commit request fails after its blobs were uploaded.
    plan = FaultPlan(script=[None, "500"], path_pattern=r"/commit/")
    with HubEmulator(SAMPLE_WORLD, tmp_path / "hub", faults=plan) as hub:
        api = HfApi(endpoint=hub.url)
        first = publish(api, REPO, _release(warehouse, tmp_path, "r1"))
        warehouse.execute("UPDATE kg.alpha SET name = 'new'")
        with pytest.raises(HfHubHTTPError):
            publish(api, REPO, _release(warehouse, tmp_path, "r2"))
        assert _commits(api)[0] == first.commit
        path = hf_hub_download(
            REPO,
            "data/alpha/train-00000-of-00001.parquet",
            repo_type="dataset",
            endpoint=hub.url,
            cache_dir=tmp_path / "cache",
        )
        assert "new" not in pq.read_table(path).column("name").to_pylist()


def test_card_declares_every_config_and_its_schema(warehouse, tmp_path) -> None:
    card = (_release(warehouse, tmp_path, "r").folder / "README.md").read_text(encoding="utf-8")
    assert "config_name: alpha" in card and "path: data/beta/train-*.parquet" in card
    assert "`alpha`: `id` BIGINT, `name` VARCHAR" in card
    assert "First release." in card and "@inproceedings{chen2025huggingbench" in card


def test_a_past_snapshot_loads_by_its_tag_after_a_newer_release(warehouse, tmp_path) -> None:
    later = date(2026, 11, 29)
    with HubEmulator(SAMPLE_WORLD, tmp_path / "hub") as hub:
        api = HfApi(endpoint=hub.url)
        publish(api, REPO, build_release(warehouse, tmp_path / "r1", SPEC, SNAPSHOT, repo_id=REPO))
        warehouse.execute("INSERT INTO kg.alpha SELECT 1000 + i, 'y', ?::DATE FROM range(5) t(i)", [SNAPSHOT])
        for table in ("alpha", "beta"):
            warehouse.execute(f"UPDATE kg.{table} SET snapshot_date = ?", [later])
        warehouse.execute("INSERT INTO raw.crawl_state VALUES (?, '2026-11-29 01:00:00+00')", [later])
        publish(api, REPO, build_release(warehouse, tmp_path / "r2", SPEC, later, repo_id=REPO))
        past = consume(hub.url, REPO, "snapshot-2026-11-22", tmp_path / "past")
        current = consume(hub.url, REPO, "snapshot-2026-11-29", tmp_path / "current")
    assert past["configs"]["alpha"]["hub"] == past["configs"]["alpha"]["folder"] == {"train": 120}
    assert current["configs"]["alpha"]["hub"] == {"train": 125}
    assert past["snippets"][0].startswith("DatasetDict") and "num_rows: 120" in past["snippets"][0]
