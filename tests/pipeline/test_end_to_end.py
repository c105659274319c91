"""The whole path on real components: emulator over HTTP, Dagster, DuckDB, dbt, GE, publish and download back."""

import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from huggingface_hub import HfApi, hf_hub_download

from orchestration.maintenance import link_identical_files
from tests.pipeline.conftest import SNAPSHOT, requests_of, world_models


def test_pipeline_builds_gates_and_publishes_the_world(small_world, emulator_for, run_pipeline) -> None:
    emulator = emulator_for(small_world)
    run = run_pipeline(emulator, page_size=40)
    assert run.result.success
    assert {"raw/models", "raw/datasets", "raw/spaces", "kg/models", "publish/graph_dataset"} <= run.materialized()
    gate = run.checks()["ge_kg_models"]
    assert gate.passed
    assert "data_docs" in gate.metadata

    truth = world_models(small_world)
    with duckdb.connect(str(run.settings.warehouse_path), read_only=True) as con:
        count, distinct_ids = con.execute("SELECT count(*), count(DISTINCT id) FROM kg.models").fetchone()
        pages = con.execute(
            "SELECT pages, done FROM raw.crawl_state WHERE source = 'models' AND snapshot_date = ?", [SNAPSHOT]
        ).fetchone()
        sample = dict(con.execute("SELECT id, downloads FROM kg.models").fetchall())
    assert count == distinct_ids == len(truth)
    assert pages == (-(-len(truth) // 40), True)  # several pages, walked to the end
    assert sample == {m["id"]: m["downloads"] for m in truth}

    api = HfApi(endpoint=emulator.url)
    repo_id = "hubkg/hubkg-graph"
    tags = [t.name for t in api.list_repo_refs(repo_id, repo_type="dataset").tags]
    assert f"snapshot-{SNAPSHOT}" in tags
    path = hf_hub_download(
        repo_id,
        "data/models/train-00000-of-00001.parquet",
        repo_type="dataset",
        endpoint=emulator.url,
        cache_dir=run.settings.data_dir / "hf-cache",
    )
    assert pq.read_metadata(path).num_rows == len(truth)
    card = hf_hub_download(
        repo_id, "README.md", repo_type="dataset", endpoint=emulator.url, cache_dir=run.settings.data_dir / "hf-cache"
    )
    assert "config_name: models" in Path(card).read_text(encoding="utf-8")

    listing_requests = [r for r in requests_of(emulator) if r["path"] == "/api/models"]
    assert len(listing_requests) == pages[0]
    assert all("limit=40" in r["query"] for r in listing_requests)
    assert sum("cursor=" in r["query"] for r in listing_requests) == pages[0] - 1
    assert json.dumps(emulator.stats())  # accounting is readable

    # Each exported table is the same bytes as the release's one shard of it, so maintenance keeps one copy.
    release = run.settings.data_dir / "releases" / repo_id.split("/")[1] / SNAPSHOT / "data"
    exported = sorted((run.settings.data_dir / "exports" / SNAPSHOT).glob("*/*.parquet"))
    assert len(exported) == 8 + 30
    for table in exported:
        assert filecmp.cmp(table, release / table.stem / "train-00000-of-00001.parquet", shallow=False), table
    assert link_identical_files(run.settings.data_dir)[0] >= len(exported)
    assert all(table.stat().st_nlink > 1 for table in exported)


LOAD = """
import json, sys
from datasets import load_dataset
repo, config = sys.argv[1], sys.argv[2]
print(json.dumps({split: ds.num_rows for split, ds in load_dataset(repo, config).items()}))
"""


def test_published_datasets_load_with_the_datasets_library(small_world, emulator_for, run_pipeline, tmp_path) -> None:
    emulator = emulator_for(small_world)
    run = run_pipeline(emulator, page_size=200)
    assert run.result.success
    # `datasets` reads HF_ENDPOINT at import time, hence a fresh interpreter pointed at the emulator.
    env = {**os.environ, "HF_ENDPOINT": emulator.url, "HF_HOME": str(tmp_path / "hf-home")}

    def load(repo: str, config: str) -> dict[str, int]:
        out = subprocess.run([sys.executable, "-c", LOAD, repo, config], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr[-3000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    with duckdb.connect(str(run.settings.warehouse_path), read_only=True) as con:
        models = con.execute("SELECT count(*) FROM kg.models").fetchone()[0]
        splits = dict(con.execute("SELECT split, count(*) FROM benchmarks.cls_nodes GROUP BY split").fetchall())
    assert load("hubkg/hubkg-graph", "models") == {"train": models}
    expected = {{"valid": "validation"}.get(split, split): n for split, n in splits.items()}
    assert load("hubkg/hubkg-benchmarks", "classification") == expected


HOSTILE_MARKERS = ("{{", "{%", "reference://", "hf://datasets/other", "!!python", "\x1b[")


HOSTILE_PROSE = "Card text.\n{{ secrets }} {% include x %} see reference://a and hf://datasets/other/r \x1b[31m red"


def test_hostile_card_data_never_reaches_a_release(small_world, emulator_for, run_pipeline, tmp_path) -> None:
    world = shutil.copytree(small_world, tmp_path / "world")
    datasets = [json.loads(line) for line in (world / "datasets.jsonl").open()]
    datasets[0]["description"] = HOSTILE_PROSE  # card-derived prose, republished in kg and the benchmarks
    (world / "datasets.jsonl").write_text("".join(json.dumps(d) + "\n" for d in datasets), encoding="utf-8")
    hostile = sum("hostile" in line or "reference://" in line for line in (world / "models.jsonl").open())
    hostile += sum("reference://" in line or "{{" in line for line in (world / "datasets.jsonl").open())
    assert hostile > 1  # the world really carries hostile card YAML and prose
    run = run_pipeline(emulator_for(world), page_size=200)
    assert run.result.success
    releases = run.settings.data_dir / "releases"
    for card in releases.rglob("README.md"):
        text = card.read_text(encoding="utf-8")
        assert not any(marker in text for marker in HOSTILE_MARKERS), card
    with duckdb.connect() as con:
        for shard in releases.rglob("*.parquet"):
            columns = con.execute(f"DESCRIBE SELECT * FROM '{shard}'").fetchall()
            for name, kind, *_ in columns:
                if kind != "VARCHAR":
                    continue
                leaks = con.execute(
                    f"SELECT count(*) FROM '{shard}' WHERE "
                    + " OR ".join(f'contains("{name}", ?)' for _ in HOSTILE_MARKERS),
                    list(HOSTILE_MARKERS),
                ).fetchone()[0]
                assert leaks == 0, (shard, name)
    # the prose itself is kept, made inert rather than dropped
    with duckdb.connect(str(run.settings.warehouse_path), read_only=True) as con:
        (kept,) = con.execute("SELECT description FROM kg.datasets WHERE id = ?", [datasets[0]["id"]]).fetchone()
    assert kept.startswith("Card text.\n") and kept.count("[link removed]") == 2 and "secrets" in kept
