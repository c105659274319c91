"""Publishing converges: the same snapshot published again makes no commit (not even a README-only one), and a
crash between the upload and the tag is repaired by the rerun without a new commit."""

import dataclasses
from datetime import date

import duckdb
from huggingface_hub import HfApi

from assets.publish import BENCHMARKS, GRAPH, with_atlas_link
from hub_emulator.server import HubEmulator
from release.folder import build_release
from release.publisher import previous_manifest, publish
from tests.pipeline.conftest import SNAPSHOT


def test_the_same_snapshot_twice_makes_no_commit(hostile_run, matrix) -> None:
    with HubEmulator(hostile_run.world, hostile_run.storage) as emulator:
        target = dataclasses.replace(hostile_run.run.settings.publish_target(), endpoint=emulator.url)
        api = HfApi(endpoint=emulator.url)
        for spec in (GRAPH, BENCHMARKS):
            repo_id = target.repo_id(spec.repo)
            head = api.dataset_info(repo_id).sha
            outcome = _republish(api, target, spec, repo_id, hostile_run.run.settings.warehouse_path)
            assert outcome.commit is None and outcome.head == head, (spec.repo, outcome.added, outcome.deleted)
            matrix.record(f"republish_{spec.repo}", "publish", "recovered")
            # A crash after the commit and before the tag: the rerun tags the same head and commits nothing.
            api.delete_tag(repo_id, tag=outcome.tag, repo_type="dataset")
            again = _republish(api, target, spec, repo_id, hostile_run.run.settings.warehouse_path)
            tags = {t.name: t.target_commit for t in api.list_repo_refs(repo_id, repo_type="dataset").tags}
            assert again.commit is None and tags[again.tag] == head
            matrix.record(f"crash_before_tag_{spec.repo}", "publish", "recovered")


def _republish(api: HfApi, target, spec, repo_id: str, warehouse):
    snapshot = date.fromisoformat(SNAPSHOT)
    previous = previous_manifest(api, repo_id, target.releases_dir / ".cache")
    with duckdb.connect(str(warehouse)) as con:
        folder, release_spec = target.folder(spec.repo, SNAPSHOT), with_atlas_link(spec, target)
        release = build_release(con, folder, release_spec, snapshot, previous, repo_id)
    return publish(api, repo_id, release)
