"""A simulated day on the Hub: ``python -m hub_emulator mutate --world W --out W2 [--churn 0.01] [--seed 0]
[--counter-drift 0.3]``.

Writes world W as it is one day later, with a share ``churn`` of it touched: new repos (shapes cloned from existing
ones, new ids, no likes yet), modified repos (a new commit: ``sha``, ``lastModified``; downloads move), deleted
repos (their likes go with them), renamed repos (same ``_id``, a new name; the old id answers 307, likes and
collection items follow the repo, other repos' tags and cards keep naming the old id, as on the Hub), new likes
(timestamped that day) and unlikes, new follows, and collections that gained an item. Counters (``likes``,
``numLikes``, ``numFollowers``, ``numFollowing``, ``numFollowingOrgs``) are recounted from the lines, so the day's
world is as consistent as a generated one and is the ground truth a refresh is compared against. ``world.json``
drops the generator's ``counts`` (the day's truth is its files) and records what changed; ``truth/`` is not
carried over. Embedded recorded bodies (real counters, no like lines) are left as
they are. Beside the churn, a share of models and datasets (``counter_drift``) get new download counts, as the
Hub's rolling 30-day counts move every day. The whole world is held in memory: a tool for test and benchmark
worlds.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from hub_emulator.worldgen.timeline import parse_iso

# Share of models and datasets whose rolling download counts move on a simulated day.
COUNTER_DRIFT = 0.3
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


@dataclass
class _Day:
    """The world being mutated into the day after: every table in memory, the changes counted as they are made."""

    rnd: random.Random
    churn: float
    stamp: str  # the new day's timestamp, for everything created or modified
    recorded: set[str]  # ids of real recorded models: never touched, so their recorded answers stay true
    repos: dict[str, list[dict[str, Any]]]
    likes: list[dict[str, Any]]
    follows: list[dict[str, Any]]
    users: list[dict[str, Any]]
    orgs: list[dict[str, Any]]
    collections: list[dict[str, Any]]
    renames: list[dict[str, Any]]
    renamed: dict[tuple[str, str], str] = field(default_factory=dict)  # (repo type, old id) → new id
    changes: Counter[str] = field(default_factory=Counter)

    @classmethod
    def read(cls, src: Path, churn: float, seed: int, stamp: str, recorded: set[str]) -> _Day:
        return cls(
            rnd=random.Random(seed),
            churn=churn,
            stamp=stamp,
            recorded=recorded,
            repos={kind: _read(src / name) for kind, name in REPO_FILES.items()},
            likes=_read(src / "likes.jsonl"),
            follows=_read(src / "follows.jsonl"),
            users=_read(src / "users.jsonl"),
            orgs=_read(src / "orgs.jsonl"),
            collections=_read(src / "collections.jsonl"),
            renames=_read(src / "renames.jsonl") if (src / "renames.jsonl").exists() else [],
        )

    def touchable(self, kind: str) -> list[dict[str, Any]]:
        return [b for b in self.repos[kind] if b["id"] not in self.recorded]

    def churn_repos(self, kind: str) -> None:
        """Delete, modify, create and rename a share of `kind`'s repos (in that order)."""
        rnd, churn, stamp = self.rnd, self.churn, self.stamp
        gone = {b["id"] for b in rnd.sample(self.touchable(kind), round(len(self.repos[kind]) * churn / 10))}
        self.repos[kind] = [b for b in self.repos[kind] if b["id"] not in gone]
        self.likes = [like for like in self.likes if not (like["repo_type"] == kind and like["repo_id"] in gone)]
        self.changes[f"{kind}s_deleted"] = len(gone)
        for body in rnd.sample(self.touchable(kind), round(len(self.repos[kind]) * churn)):
            body["sha"], body["lastModified"] = _hex(rnd, 40), stamp
            if "downloads" in body:
                body["downloads"] += rnd.randint(1, 500)
            self.changes[f"{kind}s_modified"] += 1
        for n in range(round(len(self.repos[kind]) * churn / 2)):
            self.repos[kind].append(self._new_repo(kind, n))
            self.changes[f"{kind}s_created"] += 1
        for body in rnd.sample(self.touchable(kind), round(len(self.repos[kind]) * churn / 10)):
            new_id = f"{body['id']}-{_hex(rnd, 4)}"
            self.renamed[(kind, body["id"])] = new_id
            body["id"] = new_id
            body.update({"modelId": new_id} if "modelId" in body else {})

    def _new_repo(self, kind: str, n: int) -> dict[str, Any]:
        """A repo created today, copied from an existing one: new identity, zero counters."""
        body = copy.deepcopy(self.rnd.choice(self.touchable(kind)))
        body["_id"], body["sha"] = _hex(self.rnd, 24), _hex(self.rnd, 40)
        body["id"] = f"{body['id']}-day{n}"
        body["createdAt"] = body["lastModified"] = self.stamp
        for counter in ("likes", "downloads", "downloadsAllTime", "trendingScore", "childrenModelCount"):
            if counter in body:
                body[counter] = 0
        body.update({"modelId": body["id"]} if "modelId" in body else {})
        body.update({"spaces": []} if kind == "model" and "spaces" in body else {})
        return body

    def drift_counters(self, share: float, rnd: random.Random) -> None:
        """On the Hub `downloads` is a rolling 30-day count: it moves every day on every repo downloaded in the
        last month, not only on the repos that changed. A `share` of the models and datasets get the day's counts
        (`downloads` up or down, `downloadsAllTime` up, `trendingScore` anew) and nothing else."""
        for kind in ("model", "dataset"):
            for body in rnd.sample(self.touchable(kind), round(len(self.touchable(kind)) * share)):
                if "downloads" in body:
                    body["downloads"] = max(0, body["downloads"] + rnd.randint(-body["downloads"] // 10, 50))
                if "downloadsAllTime" in body:
                    body["downloadsAllTime"] += rnd.randint(1, 50)
                if "trendingScore" in body:
                    body["trendingScore"] = rnd.randint(0, 100)
                self.changes[f"{kind}s_counters_drifted"] += 1

    def churn_likes(self) -> None:
        """Unlike a share of likes, then add new likes of unliked repos."""
        rnd = self.rnd
        gone = set(rnd.sample(range(len(self.likes)), round(len(self.likes) * self.churn / 4)))
        self.likes = [like for i, like in enumerate(self.likes) if i not in gone]
        self.changes["unlikes"] = len(gone)
        liked = {(like["user"], like["repo_type"], like["repo_id"]) for like in self.likes}
        targets = [(kind, b["id"]) for kind in REPO_FILES for b in self.touchable(kind)]
        names = [u["user"] for u in self.users]
        wanted = round(len(self.likes) * self.churn)
        while self.changes["likes"] < wanted:
            user, (kind, repo_id) = rnd.choice(names), rnd.choice(targets)
            if (user, kind, repo_id) not in liked:
                liked.add((user, kind, repo_id))
                self.likes.append({"user": user, "repo_type": kind, "repo_id": repo_id, "createdAt": self.stamp})
                self.changes["likes"] += 1

    def churn_follows(self) -> None:
        """New follows of users and organisations."""
        rnd = self.rnd
        followed = {(f["follower"], f["followee"]) for f in self.follows}
        followees = [(u["user"], "user") for u in self.users] + [(o["name"], "org") for o in self.orgs]
        names = [u["user"] for u in self.users]
        wanted = round(len(self.follows) * self.churn)
        while self.changes["follows"] < wanted:
            follower, (followee, kind) = rnd.choice(names), rnd.choice(followees)
            if follower != followee and (follower, followee) not in followed:
                followed.add((follower, followee))
                self.follows.append({"follower": follower, "followee": followee, "followee_type": kind})
                self.changes["follows"] += 1

    def churn_collections(self) -> None:
        """A model added to a share of collections."""
        models = [b["id"] for b in self.repos["model"]]
        template = next((i for c in self.collections for i in c["items"] if i["type"] == "model"), None)
        count = round(len(self.collections) * self.churn) if template else 0
        for collection in self.rnd.sample(self.collections, count):
            item = {**template, "_id": _hex(self.rnd, 24), "position": len(collection["items"])}
            item["id"] = self.rnd.choice(models)
            collection["items"].append(item)
            collection["lastUpdated"] = self.stamp
            self.changes["collections_updated"] += 1

    def write(self, src: Path, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for kind, name in REPO_FILES.items():
            _write(out / name, self.repos[kind])
        tables = {"likes": self.likes, "follows": self.follows, "users": self.users, "orgs": self.orgs}
        tables |= {"collections": self.collections, "renames": self.renames}
        for name, rows in tables.items():
            _write(out / f"{name}.jsonl", rows)
        for name in UNCHANGED_FILES:
            if (src / name).exists():
                shutil.copyfile(src / name, out / name)


def mutate_world(
    src: Path, out: Path, churn: float = 0.01, seed: int = 0, counter_drift: float = COUNTER_DRIFT
) -> dict[str, int]:
    """Write the day after ``src`` into ``out``; returns how many of each change were made. ``counter_drift`` is
    the share of models and datasets whose download counters move that day (beside the structural ``churn``)."""
    meta = json.loads((src / "world.json").read_text(encoding="utf-8"))
    stamp = (parse_iso(meta["now"]) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    recorded = set((meta.get("recorded") or {}).get("models", []))
    day = _Day.read(src, churn, seed, stamp, recorded)
    for kind in REPO_FILES:
        day.churn_repos(kind)
    _repoint(day.renamed, day.renames, day.likes, day.collections)
    day.changes["renames"] = len(day.renamed)
    day.churn_likes()
    day.churn_follows()
    day.churn_collections()
    # Its own random stream: the structural changes of a seed stay what they were without drift.
    day.drift_counters(counter_drift, random.Random(f"drift-{seed}"))
    _recount(day.repos, day.likes, day.follows, day.users, day.orgs, recorded)
    day.write(src, out)
    day_meta = {k: v for k, v in meta.items() if k != "counts"}
    day_meta.update(now=stamp, mutated_from=meta["now"], churn=churn, changes=dict(sorted(day.changes.items())))
    (out / "world.json").write_text(json.dumps(day_meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return dict(day.changes)


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
    parser.add_argument(
        "--counter-drift", type=float, default=COUNTER_DRIFT, help="share of models and datasets whose downloads move"
    )
    args = parser.parse_args(argv)
    print(json.dumps(mutate_world(args.world, args.out, args.churn, args.seed, args.counter_drift)))
    return 0
