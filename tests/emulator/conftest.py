"""A tiny hand-written world and emulator fixtures; the real `huggingface_hub` client talks to it over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import constants

from hub_emulator.server import HubEmulator

TOKEN = "hf_emulator_token"
MakeHub = Callable[..., HubEmulator]


def _oid(n: int) -> str:
    return f"{n:024x}"


def _model(n: int, downloads: int, likes: int, created: str, tags: list[str]) -> dict[str, Any]:
    repo_id = f"{'acme' if n % 2 else 'alice'}/model-{n}"
    return {
        "_id": _oid(100 + n),
        "id": repo_id,
        "modelId": repo_id,
        "author": repo_id.split("/")[0],
        "sha": f"{n:040x}",
        "createdAt": created,
        "lastModified": created,
        "private": False,
        "disabled": False,
        "gated": False,
        "downloads": downloads,
        "downloadsAllTime": downloads * 10,
        "likes": likes,
        "trendingScore": float(n),
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "tags": tags,
        "cardData": {"license": "mit"},
        "baseModels": None,
        "childrenModelCount": 0,
        "siblings": [{"rfilename": "config.json", "size": 10, "blobId": "ab" * 20}],
        "spaces": [],
        "usedStorage": 10,
    }


MODELS = [
    _model(1, 50, 1, "2024-01-01T00:00:00.000Z", ["transformers", "base_model:finetune:alice/model-2"]),
    _model(2, 50, 0, "2024-01-02T00:00:00.000Z", ["transformers"]),
    _model(3, 10, 0, "2024-01-03T00:00:00.000Z", ["gguf"]),
    _model(4, 90, 0, "2024-01-04T00:00:00.000Z", ["transformers", "dataset:acme/data-1"]),
    _model(5, 50, 0, "2024-01-05T00:00:00.000Z", ["gguf", "base_model:finetune:alice/model-2"]),
    _model(6, 0, 0, "2024-01-06T00:00:00.000Z", []),
    _model(7, 70, 0, "2024-01-07T00:00:00.000Z", ["transformers"]),
]
DATASETS = [
    {
        "_id": _oid(200),
        "id": "acme/data-1",
        "author": "acme",
        "sha": "d" * 40,
        "createdAt": "2023-05-01T00:00:00.000Z",
        "lastModified": "2023-06-01T00:00:00.000Z",
        "private": False,
        "disabled": False,
        "gated": "auto",
        "downloads": 5,
        "downloadsAllTime": 9,
        "likes": 1,
        "trendingScore": 0.5,
        "tags": ["language:en"],
        "description": "data",
        "siblings": [{"rfilename": "data.parquet"}],
    }
]
SPACES = [
    {
        "_id": _oid(300),
        "id": "alice/demo",
        "author": "alice",
        "sha": "e" * 40,
        "createdAt": "2024-02-01T00:00:00.000Z",
        "lastModified": "2024-02-02T00:00:00.000Z",
        "private": False,
        "disabled": False,
        "likes": 0,
        "trendingScore": 1.0,
        "sdk": "gradio",
        "tags": ["gradio"],
        "models": ["alice/model-2"],
        "datasets": ["acme/data-1"],
    }
]


def _user(name: str, n: int) -> dict[str, Any]:
    return {
        "_id": _oid(400 + n),
        "user": name,
        "fullname": name.title(),
        "avatarUrl": f"/avatars/{name}.png",
        "isPro": n == 0,
        "type": "user",
        "createdAt": "2022-01-01T00:00:00.000Z",
        "orgs": [{"_id": _oid(500), "name": "acme", "fullname": "Acme", "avatarUrl": "/a.png"}],
    }


USERS = [_user(name, n) for n, name in enumerate(["alice", "bob", "carol", "dave"])]
ORGS = [{"_id": _oid(500), "name": "acme", "fullname": "Acme", "avatarUrl": "/a.png", "type": "org", "numUsers": 3}]
FOLLOWS = [
    {"follower": "bob", "followee": "alice", "followee_type": "user"},
    {"follower": "carol", "followee": "alice", "followee_type": "user"},
    {"follower": "dave", "followee": "alice", "followee_type": "user"},
    {"follower": "alice", "followee": "bob", "followee_type": "user"},
    {"follower": "alice", "followee": "acme", "followee_type": "org"},
    {"follower": "bob", "followee": "acme", "followee_type": "org"},
]
MEMBERS = [{"org": "acme", "user": u, "role": r} for u, r in [("alice", "admin"), ("bob", "write"), ("carol", "read")]]
LIKES = [
    {"user": "bob", "repo_type": "model", "repo_id": "acme/model-1", "createdAt": "2024-03-01T00:00:00.000Z"},
    {"user": "alice", "repo_type": "dataset", "repo_id": "acme/data-1", "createdAt": "2024-03-02T00:00:00.000Z"},
    {"user": "alice", "repo_type": "model", "repo_id": "acme/model-1", "createdAt": "2024-03-03T00:00:00.000Z"},
]
RENAMES = [{"repo_type": "model", "old_id": "old-model", "new_id": "acme/model-3"}]


def _item(n: int) -> dict[str, Any]:
    return {"_id": _oid(700 + n), "position": n, "type": "model", "id": MODELS[n]["id"], "repoType": "model"}


def _collection(n: int, owner: str, upvotes: int, updated: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "slug": f"{owner}/picks-{n}-{_oid(600 + n)}",
        "title": f"Picks {n}",
        "description": "favourite models" if n == 1 else None,
        "lastUpdated": updated,
        "position": n,
        "gating": False,
        "owner": {"_id": _oid(400), "name": owner, "fullname": owner, "avatarUrl": "", "type": "user"},
        "theme": "blue",
        "private": False,
        "upvotes": upvotes,
        "shareUrl": f"https://hf.co/collections/{owner}/picks-{n}",
        "isUpvotedByUser": False,
        "items": items,
    }


COLLECTIONS = [
    _collection(1, "alice", 3, "2024-04-01T00:00:00.000Z", [_item(i) for i in range(6)]),
    _collection(2, "bob", 9, "2024-03-01T00:00:00.000Z", [_item(6)]),
    _collection(3, "alice", 1, "2024-05-01T00:00:00.000Z", []),
]
PAPERS = [
    {
        "id": "2401.00001",
        "title": "A paper",
        "summary": "We study things.",
        "publishedAt": "2024-01-01T00:00:00.000Z",
        "upvotes": 4,
        "authors": [{"_id": _oid(800), "name": "Alice A", "user": {"user": "alice"}, "hidden": False}],
    }
]
TASKS = {"text-generation": {"id": "text-generation", "label": "Text Generation"}}


def write_world(world: Path) -> Path:
    world.mkdir(parents=True, exist_ok=True)
    files: dict[str, list[dict[str, Any]]] = {
        "models.jsonl": MODELS,
        "datasets.jsonl": DATASETS,
        "spaces.jsonl": SPACES,
        "users.jsonl": USERS,
        "orgs.jsonl": ORGS,
        "follows.jsonl": FOLLOWS,
        "members.jsonl": MEMBERS,
        "likes.jsonl": LIKES,
        "renames.jsonl": RENAMES,
        "collections.jsonl": COLLECTIONS,
        "papers.jsonl": PAPERS,
    }
    for name, rows in files.items():
        (world / name).write_text("".join(json.dumps(row) + "\n" for row in rows))
    (world / "tasks.json").write_text(json.dumps(TASKS))
    return world


@pytest.fixture(autouse=True)
def _no_xet_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator speaks LFS, not Xet; and no locally saved token may leak into requests."""
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")


@pytest.fixture
def world_dir(tmp_path: Path) -> Path:
    return write_world(tmp_path / "world")


@pytest.fixture
def make_hub(tmp_path: Path, world_dir: Path) -> Iterator[MakeHub]:
    """Start emulators on the tiny world (shared storage dir unless given); all stopped at teardown."""
    started: list[HubEmulator] = []

    def make(**kwargs: Any) -> HubEmulator:
        kwargs.setdefault("log_path", tmp_path / "requests.jsonl")
        hub = HubEmulator(world_dir, kwargs.pop("storage_dir", tmp_path / "storage"), **kwargs)
        hub.start()
        started.append(hub)
        return hub

    yield make
    for hub in started:
        hub.stop()


@pytest.fixture
def hub(make_hub: MakeHub) -> HubEmulator:
    return make_hub(max_page_size=2)
