"""Write side: the publish sequence of huggingface_hub 2.4.0 (LFS path), downloads, refs and failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi, constants, hf_hub_download
from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError, RevisionNotFoundError

from hub_emulator.server import HubEmulator

from .conftest import TOKEN, MakeHub

REPO = "hubkg/graph"
README = """---
configs:
- config_name: nodes
  data_files:
  - split: train
    path: data/nodes.parquet
---
# HubKG graph
"""


def _folder(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "README.md").write_text(README)
    pq.write_table(pa.table({"id": ["a", "b", "c"], "n": [1, 2, 3]}), root / "data" / "nodes.parquet")
    (root / "notes.txt").write_text("draft")
    return root


def _published(hub: HubEmulator, tmp_path: Path) -> tuple[HfApi, str]:
    api = HfApi(endpoint=hub.url, token=TOKEN)
    api.create_repo(REPO, repo_type="dataset", exist_ok=True)
    api.create_repo(REPO, repo_type="dataset", exist_ok=True)  # 409 swallowed by exist_ok
    commit = api.upload_folder(folder_path=_folder(tmp_path / "folder"), repo_id=REPO, repo_type="dataset")
    return api, commit.oid


def test_publish_round_trip(make_hub: MakeHub, tmp_path: Path) -> None:
    hub = make_hub()
    api, oid = _published(hub, tmp_path)
    assert api.whoami()["name"] == "hubkg-bot"
    api.create_tag(REPO, tag="v1", repo_type="dataset")
    refs = api.list_repo_refs(REPO, repo_type="dataset")
    assert [(r.name, r.target_commit) for r in refs.branches] == [("main", oid)]
    assert [(r.name, r.target_commit) for r in refs.tags] == [("v1", oid)]
    assert [c.commit_id for c in api.list_repo_commits(REPO, repo_type="dataset")][0] == oid
    files = ["data/nodes.parquet", "README.md", "notes.txt", ".gitattributes"]
    assert sorted(api.list_repo_files(REPO, repo_type="dataset")) == sorted(files)
    top = {e.path for e in api.list_repo_tree(REPO, repo_type="dataset")}
    assert top == {".gitattributes", "README.md", "notes.txt", "data"}
    info = api.dataset_info(REPO, files_metadata=True)
    assert info.sha == oid and info.card_data["configs"][0]["config_name"] == "nodes"
    parquet = next(s for s in info.siblings if s.rfilename == "data/nodes.parquet")
    assert parquet.lfs is not None  # went through the LFS batch + PUT + verify path
    paths = api.get_paths_info(REPO, ["README.md", "data", "missing"], repo_type="dataset")
    assert [p.path for p in paths] == ["README.md", "data"]

    local = tmp_path / "folder" / "data" / "nodes.parquet"
    for revision in ("v1", "main", oid):
        path = hf_hub_download(
            REPO,
            "data/nodes.parquet",
            repo_type="dataset",
            revision=revision,
            cache_dir=tmp_path / "cache",
            endpoint=hub.url,
        )
        assert Path(path).read_bytes() == local.read_bytes()
    head = httpx2.head(f"{hub.url}/datasets/{REPO}/resolve/v1/data/nodes.parquet")
    assert head.headers["x-repo-commit"] == oid
    assert head.headers["x-linked-etag"] == f'"{parquet.lfs.sha256}"'
    assert head.headers["x-linked-size"] == head.headers["content-length"] == str(local.stat().st_size)
    ranged = httpx2.get(f"{hub.url}/datasets/{REPO}/resolve/main/README.md", headers={"Range": "bytes=4-10"})
    assert ranged.status_code == 206 and ranged.content == README.encode()[4:11]
    not_modified = httpx2.get(
        f"{hub.url}/datasets/{REPO}/resolve/main/README.md", headers={"If-None-Match": ranged.headers["etag"]}
    )
    assert not_modified.status_code == 304
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(REPO, "nope.txt", repo_type="dataset", cache_dir=tmp_path / "cache", endpoint=hub.url)
    with pytest.raises(RevisionNotFoundError):
        api.dataset_info(REPO, revision="v9")


def test_commits_with_deletions_and_delete_patterns(make_hub: MakeHub, tmp_path: Path) -> None:
    hub = make_hub()
    api, oid = _published(hub, tmp_path)
    second = api.create_commit(
        REPO,
        repo_type="dataset",
        operations=[CommitOperationAdd("extra/a.txt", b"a"), CommitOperationDelete("notes.txt")],
        commit_message="add and delete",
        parent_commit=oid,
    )
    assert sorted(api.list_repo_files(REPO, repo_type="dataset", revision=second.oid)) == [
        ".gitattributes",
        "README.md",
        "data/nodes.parquet",
        "extra/a.txt",
    ]
    folder = tmp_path / "folder"
    (folder / "notes.txt").unlink()
    third = api.upload_folder(folder_path=folder, repo_id=REPO, repo_type="dataset", delete_patterns=["extra/*"])
    assert "extra/a.txt" not in api.list_repo_files(REPO, repo_type="dataset", revision=third.oid)
    titles = [c.title for c in api.list_repo_commits(REPO, repo_type="dataset")]
    assert titles == [
        "Upload folder using huggingface_hub",
        "add and delete",
        "Upload folder using huggingface_hub",
        "initial commit",
    ]


def test_stale_parent_gets_412_and_main_does_not_move(make_hub: MakeHub, tmp_path: Path) -> None:
    hub = make_hub()
    api, first = _published(hub, tmp_path)
    second = api.create_commit(
        REPO,
        repo_type="dataset",
        operations=[CommitOperationAdd("b.txt", b"b")],
        commit_message="b",
        parent_commit=first,
    ).oid
    with pytest.raises(HfHubHTTPError) as failure:
        api.create_commit(
            REPO,
            repo_type="dataset",
            operations=[CommitOperationAdd("c.txt", b"c")],
            commit_message="c",
            parent_commit=first,
        )
    assert failure.value.response.status_code == 412
    assert "A commit has happened since. Please refresh and try again." in str(failure.value)
    assert api.dataset_info(REPO).sha == second
    # A commit pointing at an LFS object that was never uploaded fails without touching main either.
    body = "\n".join(
        json.dumps(line)
        for line in [
            {"key": "header", "value": {"summary": "bad", "description": ""}},
            {"key": "lfsFile", "value": {"path": "x.bin", "algo": "sha256", "oid": "0" * 64, "size": 3}},
        ]
    )
    refused = httpx2.post(
        f"{hub.url}/api/datasets/{REPO}/commit/main",
        content=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"},
    )
    assert refused.status_code == 422
    assert api.dataset_info(REPO).sha == second
    anonymous = httpx2.post(f"{hub.url}/api/datasets/{REPO}/commit/main", content=body)
    assert anonymous.status_code == 401


def test_published_repos_survive_a_restart(make_hub: MakeHub, tmp_path: Path) -> None:
    first = make_hub()
    _, oid = _published(first, tmp_path)
    first.stop()
    second = make_hub()
    assert HfApi(endpoint=second.url).dataset_info(REPO).sha == oid


def test_xet_enabled_client_uploads_with_force_regular_uploads(
    make_hub: MakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", False)  # hf_xet is installed: Xet would be used
    hub = make_hub(force_regular_uploads=True)
    api, oid = _published(hub, tmp_path)
    info = api.dataset_info(REPO, files_metadata=True)
    assert info.sha == oid and all(s.lfs is None for s in info.siblings)
    assert not any(
        "/xet-" in json.loads(line)["path"] for line in (tmp_path / "requests.jsonl").read_text().splitlines()
    )


def test_load_dataset_round_trip(make_hub: MakeHub, tmp_path: Path) -> None:
    hub = make_hub()
    _published(hub, tmp_path)
    script = "import datasets, json; print(json.dumps(datasets.load_dataset(%r, 'nodes', split='train').to_list()))"
    env = {
        **os.environ,
        "HF_ENDPOINT": hub.url,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    }
    result = subprocess.run([sys.executable, "-c", script % REPO], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        {"id": "a", "n": 1},
        {"id": "b", "n": 2},
        {"id": "c", "n": 3},
    ]
