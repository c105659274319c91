"""A simulated day on the Hub: ``python -m hub_emulator mutate --world W --out W2 [--churn 0.01] [--seed 0]``.

Writes world W as it is one day later, with a share ``churn`` of it touched: new repos (shapes cloned from existing
ones, new ids, no likes yet), modified repos (a new commit: ``sha``, ``lastModified``; downloads move), deleted
repos (their likes go with them), renamed repos (same ``_id``, a new name; the old id answers 307, likes and
collection items follow the repo, other repos' tags and cards keep naming the old id, as on the Hub), new likes
(timestamped that day) and unlikes, new follows, and collections that gained an item. Counters (``likes``,
``numLikes``, ``numFollowers``, ``numFollowing``, ``numFollowingOrgs``) are recounted from the lines, so the day's
world is as consistent as a generated one and is the ground truth a refresh is compared against. ``world.json``
drops the generator's ``counts`` (the day's truth is its files) and records what changed; ``truth/`` is not
carried over. Embedded recorded bodies (real counters, no like lines) are left as
they are. The whole world is held in memory: a tool for test and benchmark worlds.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from hub_emulator.worldgen.timeline import parse_iso

REPO_FILES = {"model": "models.jsonl", "dataset": "datasets.jsonl", "space": "spaces.jsonl"}
UNCHANGED_FILES = ("tasks.json", "papers.jsonl", "members.jsonl")


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)


def _hex(rnd: random.Random, digits: int) -> str:
    return "".join(rnd.choice("0123456789abcdef") for _ in range(digits))


def mutate_world(src: Path, out: Path, churn: float = 0.01, seed: int = 0) -> dict[str, int]:
    """Write the day after ``src`` into ``out``; returns how many of each change were made."""
    rnd = random.Random(seed)
    meta = json.loads((src / "world.json").read_text(encoding="utf-8"))
    day = parse_iso(meta["now"]) + timedelta(days=1)
    stamp = day.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    recorded = set((meta.get("recorded") or {}).get("models", []))
    repos = {kind: _read(src / name) for kind, name in REPO_FILES.items()}
    likes, follows = _read(src / "likes.jsonl"), _read(src / "follows.jsonl")
    users, orgs, collections = _read(src / "users.jsonl"), _read(src / "orgs.jsonl"), _read(src / "collections.jsonl")
    renames = _read(src / "renames.jsonl") if (src / "renames.jsonl").exists() else []
    renamed: dict[tuple[str, str], str] = {}  # (repo type, old id) → new id
    changes: Counter = Counter()

    def touchable(kind: str) -> list[dict[str, Any]]:
        return [b for b in repos[kind] if b["id"] not in recorded]

    for kind in REPO_FILES:
        gone = {b["id"] for b in rnd.sample(touchable(kind), round(len(repos[kind]) * churn / 10))}
        repos[kind] = [b for b in repos[kind] if b["id"] not in gone]
        likes = [like for like in likes if not (like["repo_type"] == kind and like["repo_id"] in gone)]
        changes[f"{kind}s_deleted"] = len(gone)
        for body in rnd.sample(touchable(kind), round(len(repos[kind]) * churn)):
            body["sha"], body["lastModified"] = _hex(rnd, 40), stamp
            if "downloads" in body:
                body["downloads"] += rnd.randint(1, 500)
            changes[f"{kind}s_modified"] += 1
        for n in range(round(len(repos[kind]) * churn / 2)):
            body = copy.deepcopy(rnd.choice(touchable(kind)))
            body["_id"], body["sha"] = _hex(rnd, 24), _hex(rnd, 40)
            body["id"] = f"{body['id']}-day{n}"
            body["createdAt"] = body["lastModified"] = stamp
            for counter in ("likes", "downloads", "downloadsAllTime", "trendingScore", "childrenModelCount"):
                if counter in body:
                    body[counter] = 0
            body.update({"modelId": body["id"]} if "modelId" in body else {})
            body.update({"spaces": []} if kind == "model" and "spaces" in body else {})
            repos[kind].append(body)
            changes[f"{kind}s_created"] += 1
        for body in rnd.sample(touchable(kind), round(len(repos[kind]) * churn / 10)):
            new_id = f"{body['id']}-{_hex(rnd, 4)}"
            renamed[(kind, body["id"])] = new_id
            body["id"] = new_id
            body.update({"modelId": new_id} if "modelId" in body else {})
    _repoint(renamed, renames, likes, collections)
    changes["renames"] = len(renamed)

    gone = set(rnd.sample(range(len(likes)), round(len(likes) * churn / 4)))
    likes = [like for i, like in enumerate(likes) if i not in gone]
    changes["unlikes"] = len(gone)
    liked = {(like["user"], like["repo_type"], like["repo_id"]) for like in likes}
    targets = [(kind, b["id"]) for kind in REPO_FILES for b in touchable(kind)]
    names = [u["user"] for u in users]
    wanted = round(len(likes) * churn)
    while changes["likes"] < wanted:
        user, (kind, repo_id) = rnd.choice(names), rnd.choice(targets)
        if (user, kind, repo_id) not in liked:
            liked.add((user, kind, repo_id))
            likes.append({"user": user, "repo_type": kind, "repo_id": repo_id, "createdAt": stamp})
            changes["likes"] += 1

    followed = {(f["follower"], f["followee"]) for f in follows}
    followees = [(u["user"], "user") for u in users] + [(o["name"], "org") for o in orgs]
    wanted = round(len(follows) * churn)
    while changes["follows"] < wanted:
        follower, (followee, kind) = rnd.choice(names), rnd.choice(followees)
        if follower != followee and (follower, followee) not in followed:
            followed.add((follower, followee))
            follows.append({"follower": follower, "followee": followee, "followee_type": kind})
            changes["follows"] += 1

    models = [b["id"] for b in repos["model"]]
    template = next((i for c in collections for i in c["items"] if i["type"] == "model"), None)
    for collection in rnd.sample(collections, round(len(collections) * churn) if template else 0):
        item = {**template, "_id": _hex(rnd, 24), "position": len(collection["items"]), "id": rnd.choice(models)}
        collection["items"].append(item)
        collection["lastUpdated"] = stamp
        changes["collections_updated"] += 1

    _recount(repos, likes, follows, users, orgs, recorded)
    out.mkdir(parents=True, exist_ok=True)
    for kind, name in REPO_FILES.items():
        _write(out / name, repos[kind])
    for name, rows in (("likes.jsonl", likes), ("follows.jsonl", follows), ("users.jsonl", users)):
        _write(out / name, rows)
    _write(out / "orgs.jsonl", orgs)
    _write(out / "collections.jsonl", collections)
    _write(out / "renames.jsonl", renames)
    for name in UNCHANGED_FILES:
        if (src / name).exists():
            shutil.copyfile(src / name, out / name)
    day_meta = {k: v for k, v in meta.items() if k != "counts"}
    day_meta.update(now=stamp, mutated_from=meta["now"], churn=churn, changes=dict(sorted(changes.items())))
    (out / "world.json").write_text(json.dumps(day_meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return dict(changes)


def _repoint(
    renamed: dict[tuple[str, str], str],
    renames: list[dict[str, Any]],
    likes: list[dict[str, Any]],
    collections: list[dict[str, Any]],
) -> None:
    """What follows a repo by its `_id` on the Hub follows the rename: redirects (older names too), likes and
    collection items (the collection's `lastUpdated` does not move)."""
    for rename in renames:
        rename["new_id"] = renamed.get((rename["repo_type"], rename["new_id"]), rename["new_id"])
    renames += [{"repo_type": kind, "old_id": old, "new_id": new} for (kind, old), new in renamed.items()]
    for like in likes:
        like["repo_id"] = renamed.get((like["repo_type"], like["repo_id"]), like["repo_id"])
    for item in (item for collection in collections for item in collection["items"]):
        item["id"] = renamed.get((item["type"], item["id"]), item["id"])


def _recount(
    repos: dict[str, list[dict[str, Any]]],
    likes: list[dict[str, Any]],
    follows: list[dict[str, Any]],
    users: list[dict[str, Any]],
    orgs: list[dict[str, Any]],
    recorded: set[str],
) -> None:
    """Counters equal the lines again (recorded bodies keep the real Hub's)."""
    per_repo = Counter((like["repo_type"], like["repo_id"]) for like in likes)
    for kind, bodies in repos.items():
        for body in bodies:
            if body["id"] not in recorded:
                body["likes"] = per_repo[(kind, body["id"])]
    per_user = Counter(like["user"] for like in likes)
    followers = Counter(f["followee"] for f in follows)
    following = Counter((f["follower"], f["followee_type"]) for f in follows)
    owned = {
        f"num{kind.capitalize()}s": Counter(b["author"] for b in bodies if b["id"] not in recorded)
        for kind, bodies in repos.items()
    }
    for user in users:
        name = user["user"]
        user.update(
            numLikes=per_user[name],
            numFollowers=followers[name],
            numFollowing=following[(name, "user")],
            numFollowingOrgs=following[(name, "org")],
            **{key: counts[name] for key, counts in owned.items() if key in user},
        )
    for org in orgs:
        org["numFollowers"] = followers[org["name"]]
        org.update({key: counts[org["name"]] for key, counts in owned.items() if key in org})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hub_emulator mutate", description=__doc__.splitlines()[0])
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--churn", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(json.dumps(mutate_world(args.world, args.out, args.churn, args.seed)))
    return 0
