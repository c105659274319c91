"""Stream a planned world to disk, file by file, counting relations as edges are written.

Counts are taken from what the bodies state (``statements``) or from the edge lines themselves, so
``world.json`` describes exactly the files next to it. Nothing but the plan and the current line is
held in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np

from hub_emulator.worldgen.bodies import Bodies, object_id
from hub_emulator.worldgen.naming import org_full_name
from hub_emulator.worldgen.plan import Plan
from hub_emulator.worldgen.rand import pystream
from hub_emulator.worldgen.recorded import Recorded
from hub_emulator.worldgen.statements import Tally, count_dataset, count_model, stated_lineage
from hub_emulator.worldgen.timeline import iso

ROLES = ("admin", "write", "write", "read", "contributor")


def dumps(obj: Any) -> str:
    """One compact UTF-8 JSON line (control characters stay escaped, so lines never break)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


@contextmanager
def jsonl(path: Path) -> Iterator[IO[str]]:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        yield fh


class WorldWriter:
    """Writes every world file of WORLD_FORMAT.md into ``out``."""

    def __init__(self, out: Path, plan: Plan, tasks: dict[str, Any], recorded: Recorded | None) -> None:
        self.out = out
        self.plan = plan
        self.tasks = tasks
        self.recorded = recorded
        self.bodies = Bodies(plan, list(tasks))
        self.tally = Tally()
        self.recorded_accounts = recorded.authors() if recorded else {}

    def write_all(self) -> dict[str, Any]:
        """Write all files; return the counts block of world.json."""
        (self.out / "truth").mkdir(parents=True, exist_ok=True)
        (self.out / "tasks.json").write_text(dumps(self.tasks) + "\n", encoding="utf-8")
        self.models()
        self.datasets()
        self.spaces()
        self.papers()
        self.collections()
        self.accounts()
        self.social()
        self.renames()
        p = self.plan
        recorded_models = len(self.recorded.models) if self.recorded else 0
        kinds = list(self.recorded_accounts.values())
        nodes = {
            "task": len(self.tasks),
            "model": len(p.models) + recorded_models,
            "dataset": len(p.datasets),
            "space": len(p.spaces),
            "paper": len(p.paper_ids),
            "collection": len(p.collection_owner),
            "user": len(p.users) + kinds.count("user"),
            "organization": len(p.orgs) + kinds.count("org"),
        }
        return {"nodes": nodes, **self.tally.as_dict()}

    # --- repos ------------------------------------------------------------------------------------
    def models(self) -> None:
        p, tally = self.plan, self.tally
        dataset_ids, paper_ids, task_ids = set(p.datasets.ids), set(p.paper_ids), set(self.tasks)
        rnd = pystream(p.seed, "model-bodies")
        with jsonl(self.out / "models.jsonl") as fh, jsonl(self.out / "truth" / "lineage.jsonl") as truth:
            for i in range(len(p.models)):
                body, lineage = self.bodies.model(i, rnd)
                self._model(fh, truth, body, lineage, dataset_ids, paper_ids, task_ids)
                tally.add(f"{'org' if p.models.owner_is_org[i] else 'user'}_publish_model", True)
            if self.recorded:
                model_ids = set(p.models.ids) | {m["id"] for m in self.recorded.models}
                for body in self.recorded.models:
                    lineage = [
                        {
                            "base": base,
                            "derived": body["id"],
                            "relation": rel,
                            "source": source,
                            "dangling": base not in model_ids,
                        }
                        for base, rel, source in stated_lineage(body)
                    ]
                    self._model(fh, truth, body, lineage, dataset_ids, paper_ids, task_ids)
                    tally.add(f"{self.recorded_accounts[body['author']]}_publish_model", True)

    def _model(
        self,
        fh: IO[str],
        truth: IO[str],
        body: dict[str, Any],
        lineage: list[dict[str, Any]],
        dataset_ids: set[str],
        paper_ids: set[str],
        task_ids: set[str],
    ) -> None:
        fh.write(dumps(body) + "\n")
        for rec in lineage:
            truth.write(dumps(rec) + "\n")
            self.tally.add(f"model_{rec['relation']}_model", not rec["dangling"])
        count_model(body, self.tally, dataset_ids, paper_ids, task_ids)

    def datasets(self) -> None:
        p = self.plan
        paper_ids, task_ids = set(p.paper_ids), set(self.tasks)
        rnd = pystream(p.seed, "dataset-bodies")
        with jsonl(self.out / "datasets.jsonl") as fh:
            for i in range(len(p.datasets)):
                body = self.bodies.dataset(i, rnd)
                fh.write(dumps(body) + "\n")
                count_dataset(body, self.tally, paper_ids, task_ids)
                self.tally.add(f"{'org' if p.datasets.owner_is_org[i] else 'user'}_publish_dataset", True)

    def spaces(self) -> None:
        p = self.plan
        rnd = pystream(p.seed, "space-bodies")
        with jsonl(self.out / "spaces.jsonl") as fh:
            for i in range(len(p.spaces)):
                body, edges = self.bodies.space(i, rnd)
                fh.write(dumps(body) + "\n")
                for relation, present in edges:
                    self.tally.add(relation, present)
                self.tally.add(f"{'org' if p.spaces.owner_is_org[i] else 'user'}_publish_space", True)

    def papers(self) -> None:
        p = self.plan
        rnd = pystream(p.seed, "paper-bodies")
        with jsonl(self.out / "papers.jsonl") as fh:
            for i in range(len(p.paper_ids)):
                fh.write(dumps(self.bodies.paper(i, rnd)) + "\n")
                self.tally.add("user_publish_paper", True, len(p.paper_users.of(i)))

    def collections(self) -> None:
        p = self.plan
        rnd = pystream(p.seed, "collection-bodies")
        with jsonl(self.out / "collections.jsonl") as fh:
            for i in range(len(p.collection_owner)):
                body, edges = self.bodies.collection(i, rnd)
                fh.write(dumps(body) + "\n")
                for relation, present in edges:
                    self.tally.add(relation, present)
                self.tally.add(f"{'org' if p.collection_owner_is_org[i] else 'user'}_own_collection", True)

    # --- accounts ---------------------------------------------------------------------------------
    def accounts(self) -> None:
        p, b = self.plan, self.bodies
        n_users, n_orgs = len(p.users), len(p.orgs)

        def owned(repos: Any, org: bool) -> np.ndarray:
            mask = repos.owner_is_org == org
            return np.bincount(repos.owner[mask], minlength=n_orgs if org else n_users)

        follow_u, follow_o = p.follow_users, p.follow_orgs
        member_org, member_user = p.members
        memberships = _group(member_user, member_org, n_users)
        likes_by_user = sum(np.bincount(user, minlength=n_users) for _, user, _ in p.likes.values())
        papers_by_user = np.bincount(p.paper_users.targets, minlength=n_users)
        counters = {
            "numModels": owned(p.models, False),
            "numDatasets": owned(p.datasets, False),
            "numSpaces": owned(p.spaces, False),
            "numPapers": papers_by_user,
            "numLikes": likes_by_user,
            "numFollowers": np.bincount(follow_u[1], minlength=n_users),
            "numFollowing": np.bincount(follow_u[0], minlength=n_users),
            "numFollowingOrgs": np.bincount(follow_o[0], minlength=n_users),
        }
        rnd = pystream(p.seed, "user-bodies")
        with jsonl(self.out / "users.jsonl") as fh:
            for u, name in enumerate(p.users):
                body = {
                    "_id": b.account_oid(False, u),
                    "user": name,
                    "fullname": b.user_fullnames[u],
                    "avatarUrl": b.avatar(name),
                    "isPro": u % 13 == 0,
                    "type": "user",
                    "createdAt": iso(p.user_created[u]),
                    "orgs": [
                        {
                            "_id": b.account_oid(True, o),
                            "name": p.orgs[o],
                            "fullname": org_full_name(p.orgs[o]),
                            "avatarUrl": b.avatar(p.orgs[o]),
                        }
                        for o in memberships[u]
                    ],
                    "details": rnd.choice(("", "ML engineer", "PhD student 🎓", "Building open models")),
                    "isFollowing": False,
                    "numBuckets": 0,
                    "numKernels": 0,
                    "numDiscussions": rnd.randrange(5),
                    "numUpvotes": rnd.randrange(20),
                }
                body |= {key: int(values[u]) for key, values in counters.items()}
                fh.write(dumps(body) + "\n")
            for name, kind in self.recorded_accounts.items():
                if kind == "user":
                    fh.write(dumps(self._recorded_account(name, kind)) + "\n")
        org_counters = {
            "numUsers": np.bincount(member_org, minlength=n_orgs),
            "numModels": owned(p.models, True),
            "numDatasets": owned(p.datasets, True),
            "numSpaces": owned(p.spaces, True),
            "numFollowers": np.bincount(follow_o[1], minlength=n_orgs),
        }
        with jsonl(self.out / "orgs.jsonl") as fh:
            for o, name in enumerate(p.orgs):
                body = {
                    "_id": b.account_oid(True, o),
                    "name": name,
                    "fullname": org_full_name(name),
                    "avatarUrl": b.avatar(name),
                    "type": "org",
                    "details": f"{org_full_name(name)} on the Hub",
                    "isVerified": o % 9 == 0,
                    "isFollowing": False,
                    "numKernels": 0,
                    "numBuckets": 0,
                    "numPapers": 0,
                }
                body |= {key: int(values[o]) for key, values in org_counters.items()}
                fh.write(dumps(body) + "\n")
            for name, kind in self.recorded_accounts.items():
                if kind == "org":
                    fh.write(dumps(self._recorded_account(name, kind)) + "\n")

    def _recorded_account(self, name: str, kind: str) -> dict[str, Any]:
        """Overview of the namespace of a recorded model (not itself recorded, so kept minimal)."""
        assert self.recorded is not None
        n_models = sum(1 for m in self.recorded.models if m.get("author") == name)
        created = min(m["createdAt"] for m in self.recorded.models if m.get("author") == name)
        oid = object_id(self.plan.seed, f"recorded-{kind}:{name}", 0, 0x60000000)
        common = {
            "_id": oid,
            "fullname": name,
            "avatarUrl": self.bodies.avatar(name),
            "numModels": n_models,
            "numDatasets": 0,
            "numSpaces": 0,
            "numFollowers": 0,
        }
        if kind == "user":
            return {
                "user": name,
                **common,
                "isPro": False,
                "type": "user",
                "createdAt": created,
                "orgs": [],
                "numPapers": 0,
                "numLikes": 0,
                "numFollowing": 0,
                "numFollowingOrgs": 0,
            }
        return {"name": name, **common, "type": "org", "isVerified": True, "numUsers": 0}

    def social(self) -> None:
        p = self.plan
        with jsonl(self.out / "follows.jsonl") as fh:
            for follower, followee in zip(*p.follow_users, strict=True):
                fh.write(
                    dumps({"follower": p.users[follower], "followee": p.users[followee], "followee_type": "user"})
                    + "\n"
                )
            for follower, followee in zip(*p.follow_orgs, strict=True):
                fh.write(
                    dumps({"follower": p.users[follower], "followee": p.orgs[followee], "followee_type": "org"}) + "\n"
                )
        self.tally.add("user_follow_user", True, len(p.follow_users[0]))
        self.tally.add("user_follow_org", True, len(p.follow_orgs[0]))
        rnd = pystream(p.seed, "members")
        with jsonl(self.out / "members.jsonl") as fh:
            for org, user in sorted(zip(*p.members, strict=True)):
                fh.write(dumps({"org": p.orgs[org], "user": p.users[user], "role": rnd.choice(ROLES)}) + "\n")
        self.tally.add("user_affiliatedWith_org", True, len(p.members[0]))
        with jsonl(self.out / "likes.jsonl") as fh:
            for kind, (repo, user, when) in p.likes.items():
                ids = {"model": p.models.ids, "dataset": p.datasets.ids, "space": p.spaces.ids}[kind]
                for r, u, t in zip(repo, user, when, strict=True):
                    fh.write(
                        dumps({"user": p.users[u], "repo_type": kind, "repo_id": ids[r], "createdAt": iso(t)}) + "\n"
                    )
                self.tally.add(f"user_like_{kind}", True, len(repo))

    def renames(self) -> None:
        p = self.plan
        with jsonl(self.out / "renames.jsonl") as fh:
            for repos in (p.models, p.datasets, p.spaces):
                for i, old in p.renames[repos.kind].items():
                    fh.write(dumps({"repo_type": repos.kind, "old_id": old, "new_id": repos.ids[i]}) + "\n")
            for old, new in self.recorded.renames if self.recorded else []:
                fh.write(dumps({"repo_type": "model", "old_id": old, "new_id": new}) + "\n")


def _group(keys: np.ndarray, values: np.ndarray, n: int) -> list[list[int]]:
    """``values`` grouped by ``keys`` (0..n-1)."""
    out: list[list[int]] = [[] for _ in range(n)]
    for k, v in zip(keys.tolist(), values.tolist(), strict=True):
        out[k].append(v)
    return out
