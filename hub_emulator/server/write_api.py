"""Publishing and file endpoints for repos created on the emulator.

Covers what `huggingface_hub` 2.4.0 sends for create_repo / create_commit / upload_folder with
`HF_HUB_DISABLE_XET=1` (whoami, repos/create, validate-yaml, preupload, LFS batch + PUT + verify,
ndjson commit), tags and branches, and what readers of a published repo need (info with siblings,
refs, commits, tree, paths-info, `/resolve/` with ETag headers and ranges).
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import hashlib
import json
import mimetypes
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote

import yaml

from .http_types import (
    Request,
    Response,
    entry_not_found,
    error_response,
    file_response,
    json_response,
    paged_response,
    repo_not_found,
    revision_not_found,
)
from .read_api import DEFAULT_SOCIAL_PAGE, BadRequest, offset_page, parse_expand, project
from .repo_store import LFS_PATTERNS, CommitError, CommitRequest, FileEntry, Operation, RepoStore
from .routing import NAMESPACED_ID, REPO_TYPE, RESOLVE, Route, group, repo_type_of, route

LFS_SIZE_THRESHOLD = 10 * 1024 * 1024  # the Hub sends files above 10 MB through LFS
TREE_PAGE = 1000  # the Hub's page size for /tree (hub client docstring)
URL_PREFIX = {"model": "", "dataset": "datasets/", "space": "spaces/"}
SPACE_SDKS = ("gradio", "docker", "static", "streamlit")

LFS_BATCH = r"/(?:(?P<type>datasets|spaces)/)?" + NAMESPACED_ID + r"\.git/info/lfs/objects/batch"


def _media_type(path: str) -> str:
    kind, encoding = mimetypes.guess_type(path)
    if encoding is not None:  # `data.json.gz` is gzip bytes, not JSON with a transfer encoding
        return "application/gzip"
    return f"{kind}; charset=utf-8" if kind and kind.startswith("text/") else kind or "application/octet-stream"


def _card_data(readme: bytes) -> dict[str, Any] | None:
    """YAML front matter of a README, as the Hub exposes it in `cardData`."""
    text = readme.decode("utf-8", errors="replace")
    match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", text, re.DOTALL)
    if match is None:
        return None
    data = yaml.safe_load(match.group(1))
    return data if isinstance(data, dict) else None


def _is_lfs(path: str, size: int, sample: bytes) -> bool:
    name = path.rsplit("/", 1)[-1]
    return size > LFS_SIZE_THRESHOLD or b"\0" in sample or any(fnmatch.fnmatch(name, p) for p in LFS_PATTERNS)


def _tree_entry(path: str, entry: FileEntry) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "file", "oid": entry.oid, "size": entry.size, "path": path}
    if entry.lfs:
        item["lfs"] = {"oid": entry.sha256, "size": entry.size, "pointerSize": entry.pointer_size}
    return item


def _folder_entry(path: str, files: dict[str, FileEntry]) -> dict[str, Any]:
    prefix = path + "/"
    digest = hashlib.sha1("".join(f"{p}{e.oid}" for p, e in sorted(files.items()) if p.startswith(prefix)).encode())
    return {"type": "directory", "oid": digest.hexdigest(), "size": 0, "path": path}


class WriteApi:
    """Route handlers over one `RepoStore`; `username` is who every token authenticates as.

    With `force_regular_uploads`, preupload answers "regular" for every file. The client then sends all
    content inline in the commit, so uploads work even when it would otherwise insist on Xet storage
    (hf_xet installed and `HF_HUB_DISABLE_XET` unset), which the emulator does not implement.
    """

    def __init__(self, store: RepoStore, username: str, max_page_size: int, force_regular_uploads: bool) -> None:
        self.store = store
        self.username = username
        self.max_page_size = max_page_size
        self.force_regular_uploads = force_regular_uploads

    def routes(self) -> list[Route]:
        t, i = REPO_TYPE, NAMESPACED_ID
        g = self._guard
        return [
            route("GET", "/api/whoami-v2", self.whoami),
            route("POST", "/api/repos/create", g(self.create_repo, auth=True)),
            route("POST", "/api/validate-yaml", self.validate_yaml),
            route("POST", f"/api/{t}/{i}/preupload/(?P<rev>[^/]+)", g(self.preupload, auth=True)),
            route("POST", LFS_BATCH, g(self.lfs_batch, auth=True)),
            route("GET", f"/api/{t}/{i}/xet-(?:read|write)-token/(?P<rev>[^/]+)", self.xet_token),
            route("PUT", "/lfs-upload/(?P<sha>[0-9a-f]{64})/(?P<size>[0-9]+)", self.lfs_upload),
            route("POST", "/lfs-verify/(?P<sha>[0-9a-f]{64})/(?P<size>[0-9]+)", self.lfs_verify),
            route("POST", f"/api/{t}/{i}/commit/(?P<rev>[^/]+)", g(self.commit, auth=True)),
            route("POST", f"/api/{t}/{i}/tag/(?P<rev>[^/]+)", g(self.create_tag, auth=True)),
            route("DELETE", f"/api/{t}/{i}/tag/(?P<rev>[^/]+)", g(self.delete_tag, auth=True)),
            route("POST", f"/api/{t}/{i}/branch/(?P<rev>[^/]+)", g(self.create_branch, auth=True)),
            route("GET", f"/api/{t}/{i}/refs", g(self.refs)),
            route("GET", f"/api/{t}/{i}/commits/(?P<rev>[^/]+)", g(self.commits)),
            route("GET", f"/api/{t}/{i}/tree/(?P<rev>[^/]+)(?:/(?P<path>.+))?", g(self.tree)),
            route("POST", f"/api/{t}/{i}/paths-info/(?P<rev>[^/]+)", g(self.paths_info)),
            route("GET", f"/api/{t}/{i}/revision/(?P<rev>[^/]+)", g(self.repo_info, missing_ok=True)),
            route("GET", f"/api/{t}/{i}", g(self.repo_info, missing_ok=True)),
            route("GET", RESOLVE, g(self.resolve, missing_ok=True)),
        ]

    def _guard(
        self,
        handler: Callable[[Request, re.Match[str], str, str], Response],
        *,
        auth: bool = False,
        missing_ok: bool = False,
    ) -> Callable[[Request, re.Match[str]], Response | None]:
        """Common preamble: auth check, repo lookup, and mapping of store errors to Hub replies.

        With `missing_ok`, an unknown repo is passed on (None) so the world can answer for it.
        """

        def guarded(req: Request, match: re.Match[str]) -> Response | None:
            if auth and not req.headers.get("authorization", "").startswith("Bearer "):
                return error_response(401, "Invalid credentials in Authorization header")
            repo_type = repo_type_of(match) if match.groupdict().get("type") else "model"
            repo_id = group(match, "id") if "id" in match.groupdict() else ""
            if repo_id and self.store.meta(repo_type, repo_id) is None:
                return None if missing_ok else repo_not_found()
            try:
                return handler(req, match, repo_type, repo_id)
            except CommitError as exc:
                return error_response(exc.status, str(exc), exc.code)
            except BadRequest as exc:
                return error_response(400, str(exc))

        return guarded

    def _commit_at(self, match: re.Match[str], repo_type: str, repo_id: str) -> str:
        revision = group(match, "rev")
        oid = self.store.resolve(repo_type, repo_id, revision)
        if oid is None:
            raise CommitError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return oid

    # -- account and repo creation ------------------------------------------------------------------

    def whoami(self, req: Request, match: re.Match[str]) -> Response:
        if not req.headers.get("authorization", "").startswith("Bearer "):
            return error_response(401, "Invalid credentials in Authorization header")
        return json_response(
            {
                "type": "user",
                "id": hashlib.sha1(self.username.encode()).hexdigest()[:24],
                "name": self.username,
                "fullname": self.username,
                "email": None,
                "emailVerified": False,
                "isPro": False,
                "canPay": False,
                "orgs": [],
                "auth": {"type": "access_token", "accessToken": {"displayName": "emulator", "role": "write"}},
            }
        )

    def create_repo(self, req: Request, match: re.Match[str], _type: str, _id: str) -> Response:
        payload = req.json()
        repo_type = payload.get("type") or "model"
        if repo_type not in URL_PREFIX:
            raise BadRequest(f"Invalid repo type {repo_type!r}")
        repo_id = f"{payload.get('organization') or self.username}/{payload['name']}"
        private = payload.get("visibility", "public") != "public" or bool(payload.get("private"))
        url = f"{req.base_url}/{URL_PREFIX[repo_type]}{repo_id}"
        sdk = payload.get("sdk")
        if repo_type == "space" and sdk not in SPACE_SDKS:
            # The Hub refuses a Space without a known SDK (huggingface_hub sends `space_sdk` as `sdk`).
            raise BadRequest(f"Invalid sdk {sdk!r}: a Space needs one of {', '.join(SPACE_SDKS)}")
        meta = self.store.create_repo(repo_type, repo_id, private, self.username, sdk if repo_type == "space" else None)
        if meta is None:
            return json_response({"error": f"You already created this {repo_type} repo", "url": url}, 409)
        return json_response({"url": url, "name": repo_id, "id": meta["_id"]})

    def validate_yaml(self, req: Request, match: re.Match[str]) -> Response:
        try:
            _card_data(req.json().get("content", "").encode())
        except yaml.YAMLError as exc:
            return json_response({"errors": [{"message": str(exc)}], "warnings": []}, 400)
        return json_response({"errors": [], "warnings": []})

    # -- upload -------------------------------------------------------------------------------------

    def preupload(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        oid = self._commit_at(match, repo_type, repo_id)
        files = self.store.files(repo_type, repo_id, oid)
        out = []
        for item in req.json()["files"]:
            sample = base64.b64decode(item.get("sample", ""))
            lfs = not self.force_regular_uploads and _is_lfs(item["path"], int(item["size"]), sample)
            existing = files.get(item["path"])
            out.append(
                {
                    "path": item["path"],
                    "uploadMode": "lfs" if lfs else "regular",
                    "shouldIgnore": False,
                    # The Hub answers the sha256 for LFS files: the client compares it to its local
                    # oid to drop unchanged files from the commit.
                    "oid": None if existing is None else existing.sha256 if existing.lfs else existing.oid,
                }
            )
        return json_response({"files": out, "commitOid": oid})

    def lfs_batch(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        """git-lfs batch API; objects already stored get no `actions`, so the client skips them."""
        payload = req.json()
        if payload.get("operation") != "upload":
            raise BadRequest("Only the upload operation is supported")
        objects = []
        for obj in payload["objects"]:
            oid, size = obj["oid"], int(obj["size"])
            entry: dict[str, Any] = {"oid": oid, "size": size, "authenticated": True}
            if not self.store.has_blob(oid, size):
                entry["actions"] = {
                    "upload": {"href": f"{req.base_url}/lfs-upload/{oid}/{size}", "header": {}},
                    "verify": {"href": f"{req.base_url}/lfs-verify/{oid}/{size}", "header": {}},
                }
            objects.append(entry)
        return Response(
            200,
            json.dumps({"transfer": "basic", "objects": objects}).encode(),
            {"Content-Type": "application/vnd.git-lfs+json"},
        )

    def xet_token(self, req: Request, match: re.Match[str]) -> Response:
        return error_response(
            501,
            "The Hub emulator does not implement Xet storage: set HF_HUB_DISABLE_XET=1 in the client,"
            " or start the emulator with force_regular_uploads.",
        )

    def lfs_upload(self, req: Request, match: re.Match[str]) -> Response:
        """Stand-in for the signed S3 URL: the content must hash to the announced oid and size."""
        sha, size = match.group("sha"), int(match.group("size"))
        if len(req.body) != size or hashlib.sha256(req.body).hexdigest() != sha:
            return error_response(400, "Uploaded content does not match the announced oid and size")
        self.store.put_blob(req.body)
        return Response(200)

    def lfs_verify(self, req: Request, match: re.Match[str]) -> Response:
        if not self.store.has_blob(match.group("sha"), int(match.group("size"))):
            return error_response(404, "Object not found")
        return json_response({"success": True})

    def commit(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        if req.param("create_pr") == "1":
            raise BadRequest("Pull requests are not supported by the emulator")
        header: dict[str, Any] | None = None
        operations = []
        try:
            for line in req.body.splitlines():
                if not line.strip():
                    continue
                item = json.loads(line)
                key, value = item["key"], item["value"]
                if key == "header":
                    header = value
                elif key == "file":
                    content = base64.b64decode(value["content"], validate=True)
                    operations.append(Operation("file", value["path"], content=content))
                elif key == "lfsFile":
                    operations.append(Operation("lfsFile", value["path"], sha256=value["oid"], size=value["size"]))
                else:
                    operations.append(Operation(key, value["path"]))
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise BadRequest(f"Malformed commit payload: {exc}") from exc
        if header is None:
            raise BadRequest("Missing commit header")
        change = CommitRequest(
            parent_commit=header.get("parentCommit"),
            title=header.get("summary", ""),
            message=header.get("description", ""),
            author=self.username,
            operations=operations,
        )
        oid = self.store.commit(repo_type, repo_id, group(match, "rev"), change)
        return json_response(
            {
                "success": True,
                "commitOid": oid,
                "commitUrl": f"{req.base_url}/{URL_PREFIX[repo_type]}{repo_id}/commit/{oid}",
                "pullRequestUrl": None,
            }
        )

    def create_tag(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        self.store.create_ref(repo_type, repo_id, "tags", req.json()["tag"], group(match, "rev"))
        return json_response({})

    def delete_tag(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        self.store.delete_ref(repo_type, repo_id, "tags", unquote(group(match, "rev")))
        return json_response({})

    def create_branch(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        payload = req.json() if req.body else {}
        start = payload.get("startingPoint") or "main"
        self.store.create_ref(repo_type, repo_id, "branches", group(match, "rev"), start)
        return json_response({})

    # -- reading a published repo -------------------------------------------------------------------

    def refs(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        refs = self.store.refs(repo_type, repo_id)

        def listing(kind: str, prefix: str) -> list[dict[str, str]]:
            return [{"name": n, "ref": f"{prefix}{n}", "targetCommit": o} for n, o in sorted(refs[kind].items())]

        body: dict[str, Any] = {
            "branches": listing("branches", "refs/heads/"),
            "converts": [],
            "tags": listing("tags", "refs/tags/"),
        }
        if req.param("include_prs"):
            body["pullRequests"] = []
        return json_response(body)

    def commits(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        history = list(self.store.history(repo_type, repo_id, self._commit_at(match, repo_type, repo_id)))
        page, cursor = offset_page(req, history, DEFAULT_SOCIAL_PAGE, self.max_page_size)
        items = [
            json.dumps(
                {
                    "id": c["id"],
                    "title": c["title"],
                    "message": c["message"],
                    "date": c["date"],
                    "authors": [{"user": a, "avatar": ""} for a in c["authors"]],
                }
            ).encode()
            for c in page
        ]
        return paged_response(req, items, cursor)

    def tree(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        files = self.store.files(repo_type, repo_id, self._commit_at(match, repo_type, repo_id))
        base = (group(match, "path") if match.group("path") else "").strip("/")
        prefix = f"{base}/" if base else ""
        if base and not any(p.startswith(prefix) for p in files):
            return entry_not_found(base)
        recursive = req.param("recursive") in ("true", "True", "1")
        entries: dict[str, dict[str, Any]] = {}
        for path, entry in sorted(files.items()):
            if not path.startswith(prefix):
                continue
            parts = path[len(prefix) :].split("/")
            for depth in range(1, len(parts)):
                folder = prefix + "/".join(parts[:depth])
                if folder not in entries:
                    entries[folder] = _folder_entry(folder, files)
                if not recursive:
                    break
            if recursive or len(parts) == 1:
                entries[path] = _tree_entry(path, entry)
        listing = sorted(entries.values(), key=lambda e: (e["type"] != "directory", e["path"]))
        page, cursor = offset_page(req, listing, TREE_PAGE, min(TREE_PAGE, self.max_page_size))
        return paged_response(req, [json.dumps(e).encode() for e in page], cursor)

    def paths_info(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        files = self.store.files(repo_type, repo_id, self._commit_at(match, repo_type, repo_id))
        form = parse_qs(req.body.decode(), keep_blank_values=True)
        if req.headers.get("content-type", "").startswith("application/json"):
            form = {"paths": req.json().get("paths", [])}
        out = []
        for path in form.get("paths", []):
            path = path.strip("/")
            if path in files:
                out.append(_tree_entry(path, files[path]))
            elif any(p.startswith(path + "/") for p in files):
                out.append(_folder_entry(path, files))
        return json_response(out)

    def repo_info(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        revision = group(match, "rev") if match.groupdict().get("rev") else "main"
        oid = self.store.resolve(repo_type, repo_id, revision)
        if oid is None:
            return revision_not_found(revision)
        meta = self.store.meta(repo_type, repo_id)
        assert meta is not None
        manifest = self.store.manifest(repo_type, repo_id, oid)
        files = self.store.files(repo_type, repo_id, oid)
        siblings = []
        for path, entry in files.items():
            sibling: dict[str, Any] = {"rfilename": path, "size": entry.size, "blobId": entry.oid}
            if entry.lfs:
                sibling["lfs"] = {"size": entry.size, "sha256": entry.sha256, "pointerSize": entry.pointer_size}
            siblings.append(sibling)
        body: dict[str, Any] = {
            "_id": meta["_id"],
            "id": repo_id,
            "author": repo_id.split("/", 1)[0],
            "sha": oid,
            "lastModified": manifest["date"],
            "createdAt": meta["createdAt"],
            "private": meta["private"],
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": siblings,
            "usedStorage": sum(e.size for e in files.values()),
        }
        if repo_type == "model":
            body["modelId"] = repo_id
        if repo_type == "space":
            body["sdk"] = meta.get("sdk")
        if "README.md" in files:
            card = _card_data(self.store.blob_path(files["README.md"].sha256).read_bytes())
            if card is not None:
                body["cardData"] = card
        blobs = req.param("blobs") == "true"
        return json_response(project(body, parse_expand(req, repo_type), frozenset(), blobs))

    def resolve(self, req: Request, match: re.Match[str], repo_type: str, repo_id: str) -> Response:
        revision = group(match, "rev")
        oid = self.store.resolve(repo_type, repo_id, revision)
        if oid is None:
            return revision_not_found(revision)
        path = group(match, "path")
        entry = self.store.files(repo_type, repo_id, oid).get(path)
        if entry is None:
            response = entry_not_found(path)
            response.headers["X-Repo-Commit"] = oid
            return response
        etag = f'"{entry.sha256 if entry.lfs else entry.oid}"'
        headers = {"X-Repo-Commit": oid}
        if repo_type == "space":
            # A static Space is a website: its files go out with their media type, so a browser can open
            # `/spaces/<id>/resolve/main/index.html` and load the page's scripts and data beside it.
            headers["Content-Type"] = _media_type(path)
        if entry.lfs:
            headers.update({"X-Linked-Etag": etag, "X-Linked-Size": str(entry.size)})
        return file_response(req, self.store.blob_path(entry.sha256).read_bytes(), etag, headers)
