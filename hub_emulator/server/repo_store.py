"""On-disk store of repos published to the emulator, with git-like commit semantics.

Layout under `storage_dir`:

    blobs/<sha256>                                  file contents, content-addressed, written once
    repos/<type>/<namespace>/<name>/meta.json       {_id, id, type, private, createdAt}
    repos/<type>/<namespace>/<name>/commits/<oid>.json   one immutable manifest per commit
    repos/<type>/<namespace>/<name>/refs.json       {"branches": {name: oid}, "tags": {name: oid}}

Every file is written to a temporary name and moved into place with `os.replace`, and `refs.json` is
replaced last, so a commit that fails half-way never changes what a branch points to. Everything is
re-read from disk, so published repos survive emulator restarts.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COMMIT_OID = re.compile(r"^[0-9a-f]{7,40}$")
LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n"
# The `.gitattributes` the Hub puts in every new repo (abridged): these patterns go through LFS.
LFS_PATTERNS = (
    "*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gz", "*.h5", "*.joblib", "*.lz4",
    "*.mds", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz", "*.onnx", "*.ot", "*.parquet",
    "*.pb", "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar", "*.safetensors", "*.tar", "*.tflite",
    "*.tgz", "*.wasm", "*.xz", "*.zip", "*.zst", "*tfevents*",
)  # fmt: skip
GITATTRIBUTES = "".join(f"{p} filter=lfs diff=lfs merge=lfs -text\n" for p in LFS_PATTERNS).encode()


class CommitError(Exception):
    """A refused write, carrying the Hub's status, message and `X-Error-Code`."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int
    oid: str  # git blob id: of the content for regular files, of the LFS pointer for LFS files
    lfs: bool

    @property
    def pointer_size(self) -> int:
        return len(LFS_POINTER.format(sha256=self.sha256, size=self.size))


@dataclass(frozen=True)
class CommitRequest:
    """One commit as a client asks for it: on top of `parent_commit` (when named), these operations."""

    parent_commit: str | None
    title: str
    message: str
    author: str
    operations: list[Operation]


@dataclass(frozen=True)
class Operation:
    """One commit line: `file` (regular, with content), `lfsFile`, `deletedFile` or `deletedFolder`."""

    kind: str
    path: str
    content: bytes = b""
    sha256: str = ""
    size: int = 0


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class RepoStore:
    """Published repos. Writes are serialised by one lock; reads go straight to immutable files."""

    def __init__(self, storage_dir: Path) -> None:
        self.root = storage_dir
        self.blob_dir = storage_dir / "blobs"
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._manifests: dict[Path, dict[str, Any]] = {}

    # -- blobs --------------------------------------------------------------------------------------

    def blob_path(self, sha256: str) -> Path:
        return self.blob_dir / sha256

    def has_blob(self, sha256: str, size: int) -> bool:
        path = self.blob_path(sha256)
        return path.exists() and path.stat().st_size == size

    def put_blob(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.has_blob(sha256, len(data)):
            _write_atomic(self.blob_path(sha256), data)
        return sha256

    # -- repos --------------------------------------------------------------------------------------

    def _repo_dir(self, repo_type: str, repo_id: str) -> Path:
        return self.root / "repos" / repo_type / repo_id

    def meta(self, repo_type: str, repo_id: str) -> dict[str, Any] | None:
        path = self._repo_dir(repo_type, repo_id) / "meta.json"
        return json.loads(path.read_bytes()) if path.exists() else None

    def create_repo(
        self, repo_type: str, repo_id: str, private: bool, author: str, sdk: str | None = None
    ) -> dict[str, Any] | None:
        """Create the repo with the Hub's initial `.gitattributes` commit; None if it already exists. A Space
        records its `sdk`."""
        with self._lock:
            if self.meta(repo_type, repo_id) is not None:
                return None
            created = now_iso()
            meta = {"_id": secrets.token_hex(12), "id": repo_id, "type": repo_type, "private": private,
                    "createdAt": created}  # fmt: skip
            if sdk is not None:
                meta["sdk"] = sdk
            files = {".gitattributes": self._regular_entry(GITATTRIBUTES)}
            oid = self._write_commit(repo_type, repo_id, [], "initial commit", "", author, files)
            _write_atomic(self._repo_dir(repo_type, repo_id) / "meta.json", _dumps(meta))
            self._write_refs(repo_type, repo_id, {"branches": {"main": oid}, "tags": {}})
            return meta

    def refs(self, repo_type: str, repo_id: str) -> dict[str, dict[str, str]]:
        return json.loads((self._repo_dir(repo_type, repo_id) / "refs.json").read_bytes())

    def _write_refs(self, repo_type: str, repo_id: str, refs: dict[str, dict[str, str]]) -> None:
        _write_atomic(self._repo_dir(repo_type, repo_id) / "refs.json", _dumps(refs))

    def resolve(self, repo_type: str, repo_id: str, revision: str) -> str | None:
        """Commit oid of a branch, tag, full or abbreviated (≥ 7 hex) commit id."""
        refs = self.refs(repo_type, repo_id)
        for kind in ("branches", "tags"):
            if revision in refs[kind]:
                return refs[kind][revision]
        if COMMIT_OID.match(revision):
            commits = self._repo_dir(repo_type, repo_id) / "commits"
            if len(revision) == 40:
                return revision if (commits / f"{revision}.json").exists() else None
            found = [p.stem for p in commits.glob(f"{revision}*.json")]
            return found[0] if len(found) == 1 else None
        return None

    def manifest(self, repo_type: str, repo_id: str, oid: str) -> dict[str, Any]:
        path = self._repo_dir(repo_type, repo_id) / "commits" / f"{oid}.json"
        cached = self._manifests.get(path)
        if cached is None:
            cached = self._manifests[path] = json.loads(path.read_bytes())
        return cached

    def files(self, repo_type: str, repo_id: str, oid: str) -> dict[str, FileEntry]:
        return {p: FileEntry(**e) for p, e in self.manifest(repo_type, repo_id, oid)["files"].items()}

    def history(self, repo_type: str, repo_id: str, oid: str) -> Iterator[dict[str, Any]]:
        """Commits reachable from `oid` by first parents, newest first."""
        current: str | None = oid
        while current is not None:
            manifest = self.manifest(repo_type, repo_id, current)
            yield manifest
            current = manifest["parents"][0] if manifest["parents"] else None

    # -- writes -------------------------------------------------------------------------------------

    def _regular_entry(self, data: bytes) -> FileEntry:
        return FileEntry(self.put_blob(data), len(data), git_blob_oid(data), False)

    def _write_commit(
        self,
        repo_type: str,
        repo_id: str,
        parents: list[str],
        title: str,
        message: str,
        author: str,
        files: dict[str, FileEntry],
    ) -> str:
        manifest: dict[str, Any] = {
            "parents": parents,
            "title": title,
            "message": message,
            "date": now_iso(),
            "authors": [author],
            "files": {p: vars(e) for p, e in sorted(files.items())},
        }
        oid = hashlib.sha1(_dumps(manifest)).hexdigest()
        manifest["id"] = oid
        _write_atomic(self._repo_dir(repo_type, repo_id) / "commits" / f"{oid}.json", _dumps(manifest))
        return oid

    def commit(self, repo_type: str, repo_id: str, branch: str, change: CommitRequest) -> str:
        """Apply the change's operations on top of `branch` and move the branch; raises CommitError like the Hub."""
        parent_commit, operations = change.parent_commit, change.operations
        title, message, author = change.title, change.message, change.author
        with self._lock:
            refs = self.refs(repo_type, repo_id)
            head = refs["branches"].get(branch)
            if head is None:
                raise CommitError(404, f"Invalid rev id: {branch}", "RevisionNotFound")
            if parent_commit is not None and not head.startswith(parent_commit.lower()):
                raise CommitError(412, "A commit has happened since. Please refresh and try again.")
            files = self.files(repo_type, repo_id, head)
            for op in operations:
                self._apply(op, files)
            oid = self._write_commit(repo_type, repo_id, [head], title, message, author, files)
            refs["branches"][branch] = oid
            self._write_refs(repo_type, repo_id, refs)
            return oid

    def _apply(self, op: Operation, files: dict[str, FileEntry]) -> None:
        if op.kind == "file":
            files[op.path] = self._regular_entry(op.content)
        elif op.kind == "lfsFile":
            if not self.has_blob(op.sha256, op.size):
                raise CommitError(422, f"LFS object {op.sha256} for {op.path} was not uploaded")
            pointer = LFS_POINTER.format(sha256=op.sha256, size=op.size).encode()
            files[op.path] = FileEntry(op.sha256, op.size, git_blob_oid(pointer), True)
        elif op.kind == "deletedFile":
            if files.pop(op.path, None) is None:
                raise CommitError(404, f"Entry not found: {op.path}", "EntryNotFound")
        elif op.kind == "deletedFolder":
            prefix = op.path.rstrip("/") + "/"
            doomed = [p for p in files if p.startswith(prefix)]
            if not doomed:
                raise CommitError(404, f"Entry not found: {op.path}", "EntryNotFound")
            for path in doomed:
                del files[path]
        else:
            raise CommitError(400, f"Unknown commit operation {op.kind!r}")

    def create_ref(self, repo_type: str, repo_id: str, kind: str, name: str, revision: str) -> None:
        """Create tag or branch `name` at `revision`; 409 if it exists, like the Hub."""
        with self._lock:
            oid = self.resolve(repo_type, repo_id, revision)
            if oid is None:
                raise CommitError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
            refs = self.refs(repo_type, repo_id)
            if name in refs[kind]:
                label = "Tag" if kind == "tags" else "Branch"
                raise CommitError(409, f"{label} already exists: {name}")
            refs[kind][name] = oid
            self._write_refs(repo_type, repo_id, refs)

    def delete_ref(self, repo_type: str, repo_id: str, kind: str, name: str) -> None:
        """Delete tag or branch `name`; 404 if it does not exist."""
        with self._lock:
            refs = self.refs(repo_type, repo_id)
            if refs[kind].pop(name, None) is None:
                raise CommitError(404, f"Invalid rev id: {name}", "RevisionNotFound")
            self._write_refs(repo_type, repo_id, refs)
