"""Publish a release folder to a Hub repo (a dataset, or the atlas's static Space) as one atomic, idempotent commit.

- Content-addressed: local files are hashed the way the Hub identifies them (sha256 for LFS files, the git blob
  id otherwise); only changed files are sent, stale files are deleted in the same commit, and when nothing
  differs no commit is made at all.
- Atomic: blobs are uploaded before the commit that references them, so a failure mid-upload leaves `main` on
  the previous release; the commit names its parent, so a concurrent publisher makes it fail instead of
  interleaving.
- Versioned: the release is tagged `snapshot-YYYY-MM-DD`; re-publishing a snapshot moves its tag.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, DatasetInfo, HfApi, SpaceInfo, hf_hub_download
from huggingface_hub.errors import EntryNotFoundError, RepositoryNotFoundError, RevisionNotFoundError

from release.folder import MANIFEST
from release.spec import Release

# Files the Hub manages itself; never deleted as stale.
HUB_MANAGED = {".gitattributes"}


@dataclass(frozen=True)
class PublishTarget:
    """Where releases go: dataset repos on the Hub (or the emulator), or only a local folder in dry-run mode."""

    endpoint: str
    namespace: str
    repos: dict[str, str]  # release kind ("graph", "benchmarks") -> repo name in `namespace`
    releases_dir: Path
    dry_run: bool

    def repo_id(self, kind: str) -> str:
        return f"{self.namespace}/{self.repos[kind]}"

    def folder(self, kind: str, snapshot: str) -> Path:
        return self.releases_dir / self.repos[kind] / snapshot


@dataclass
class PublishOutcome:
    repo_id: str
    commit: str | None  # None: content unchanged, nothing committed
    head: str
    tag: str
    added: list[str]
    deleted: list[str]


def _local_ids(path: Path) -> tuple[str, str]:
    """(sha256, git blob id) of a file: the Hub reports one or the other depending on LFS."""
    data = path.read_bytes()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    return hashlib.sha256(data).hexdigest(), blob


def _remote_ids(api: HfApi, repo_id: str, repo_type: str) -> tuple[str | None, dict[str, str]]:
    """Head commit and {path: content id} of `main` (sha256 for LFS files, else blob id)."""
    try:
        info = api.repo_info(repo_id, repo_type=repo_type, files_metadata=True)
    except (RepositoryNotFoundError, RevisionNotFoundError):
        return None, {}
    assert isinstance(info, DatasetInfo | SpaceInfo), f"not a dataset or Space repo: {repo_type}"
    files = {s.rfilename: (s.lfs.sha256 if s.lfs else s.blob_id) or "" for s in info.siblings or []}
    return info.sha, files


def previous_manifest(api: HfApi, repo_id: str, cache_dir: Path) -> dict[str, Any] | None:
    """The manifest of the release currently on `main`, if any (drives the card's schema changelog)."""
    try:
        path = hf_hub_download(
            repo_id, MANIFEST, repo_type="dataset", endpoint=api.endpoint, cache_dir=cache_dir, token=api.token
        )
    except (RepositoryNotFoundError, RevisionNotFoundError, EntryNotFoundError):
        return None
    manifest: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return manifest


def publish(api: HfApi, repo_id: str, release: Release, repo_type: str = "dataset") -> PublishOutcome:
    """Commit `release.folder` to `repo_id` (a Space is created as `sdk: static`) and tag it by snapshot."""
    api.create_repo(repo_id, repo_type=repo_type, exist_ok=True, space_sdk="static" if repo_type == "space" else None)
    head, remote = _remote_ids(api, repo_id, repo_type)
    local = {p.relative_to(release.folder).as_posix(): p for p in sorted(release.folder.rglob("*")) if p.is_file()}
    added = [name for name, path in local.items() if remote.get(name) not in _local_ids(path)]
    deleted = sorted(set(remote) - set(local) - HUB_MANAGED)
    tag = f"snapshot-{release.snapshot.isoformat()}"
    commit = None
    if added or deleted:
        operations: list[CommitOperationAdd | CommitOperationDelete] = [
            CommitOperationAdd(path_in_repo=name, path_or_fileobj=local[name]) for name in added
        ]
        operations += [CommitOperationDelete(path_in_repo=name) for name in deleted]
        info = api.create_commit(
            repo_id,
            operations,
            commit_message=f"HubKG snapshot {release.snapshot.isoformat()}",
            commit_description=f"{len(added)} files added or replaced, {len(deleted)} removed.",
            repo_type=repo_type,
            parent_commit=head,
        )
        commit = head = info.oid
    refs = {t.name: t.target_commit for t in api.list_repo_refs(repo_id, repo_type=repo_type).tags}
    if refs.get(tag) != head:
        if tag in refs:
            api.delete_tag(repo_id, tag=tag, repo_type=repo_type)
        api.create_tag(repo_id, tag=tag, revision=head, repo_type=repo_type)
    assert head is not None
    return PublishOutcome(repo_id, commit, head, tag, added, deleted)
