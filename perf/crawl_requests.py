"""Request accounting of a full snapshot: requests spent per entity family against the minimum the crawl
strategy needs, computed from the world's ground truth.

    .venv/bin/python perf/crawl_requests.py --requests <run dir>/requests.jsonl --world <world dir> [--page-size 1000]

The minimum of the strategy: one request per listing page; one per collection, per cited or daily arXiv id (a 404
is only known after asking), per day of daily papers and per account name (two for an organisation: the user
overview answers 404 first);
one per page of likers of each repo with likes > 0, of followers of each account with followers, of members
of each organisation with members, of likes of each user whose overview counts likes; one README download per
model with card data and per dataset.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.entities import DAILY_PAPERS, DAILY_PAPERS_START  # noqa: E402

FAMILIES = [
    ("listing: models", r"^/api/models$"),
    ("listing: datasets", r"^/api/datasets$"),
    ("listing: spaces", r"^/api/spaces$"),
    ("listing: collections", r"^/api/collections$"),
    ("tasks", r"^/api/tasks$"),
    ("collections", r"^/api/collections/"),
    ("papers", r"^/api/papers/"),
    ("daily papers (one per day)", r"^/api/daily_papers$"),
    ("likers", r"/likers$"),
    ("account overviews", r"/overview$"),
    ("user followers", r"^/api/users/[^/]+/followers$"),
    ("org followers", r"^/api/organizations/[^/]+/followers$"),
    ("org members", r"^/api/organizations/[^/]+/members$"),
    ("user likes", r"^/api/users/[^/]+/likes$"),
    ("README files (resolvers bucket)", r"/resolve/main/README\.md$"),
]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def requests_by_family(log: Path) -> Counter:
    """GET requests of an emulator request log, per entity family."""
    used: Counter = Counter()
    if not log.exists():
        return used
    with log.open(encoding="utf-8") as lines:  # streamed: a HuggingKG-size log has millions of lines
        for line in lines:
            record = json.loads(line)
            if record["method"] != "GET":
                continue
            family = next((name for name, pattern in FAMILIES if re.search(pattern, record["path"])), None)
            if family:
                used[family] += 1
    return used


def minimum(world: Path, page: int, list_page: int, snapshot: str) -> Counter:
    def pages(n: int, size: int) -> int:
        return max(1, math.ceil(n / size))

    need: Counter = Counter()
    bodies = {s: _lines(world / f"{s}.jsonl") for s in ("models", "datasets", "spaces", "collections", "papers")}
    for source in ("models", "datasets", "spaces", "collections"):
        need[f"listing: {source}"] = pages(len(bodies[source]), page)
    need["tasks"] = 1
    need["collections"] = len(bodies["collections"])
    cited = {
        t[6:]
        for s in ("models", "datasets", "spaces")
        for b in bodies[s]
        for t in b.get("tags") or []
        if t.startswith("arxiv:")
    }
    cited |= {i["id"] for c in bodies["collections"] for i in c["items"] if i["type"] == "paper"}
    daily = {p["id"] for p in bodies["papers"] if p.get("submittedOnDailyAt")}
    need["papers"] = len(cited | daily)
    first, last = date.fromisoformat(DAILY_PAPERS_START), date.fromisoformat(snapshot)
    per_day = Counter(p["submittedOnDailyAt"][:10] for p in bodies["papers"] if p.get("submittedOnDailyAt"))
    need["daily papers (one per day)"] = sum(
        per_day[(first + timedelta(days=d)).isoformat()] // DAILY_PAPERS.page_size + 1
        for d in range((last - first).days + 1)
    )
    likes = Counter((r["repo_type"], r["repo_id"]) for r in _lines(world / "likes.jsonl"))
    need["likers"] = sum(pages(n, list_page) for n in likes.values())
    users, orgs = _lines(world / "users.jsonl"), _lines(world / "orgs.jsonl")
    need["account overviews"] = len(users) + 2 * len(orgs)
    follows = _lines(world / "follows.jsonl")
    followers = Counter((r["followee_type"], r["followee"]) for r in follows)
    need["user followers"] = sum(pages(n, list_page) for (kind, _), n in followers.items() if kind == "user")
    need["org followers"] = sum(pages(n, list_page) for (kind, _), n in followers.items() if kind == "org")
    members = Counter(r["org"] for r in _lines(world / "members.jsonl"))
    need["org members"] = sum(pages(n, list_page) for n in members.values())
    liked_by = Counter(r["user"] for r in _lines(world / "likes.jsonl"))
    need["user likes"] = sum(pages(n, list_page) for n in liked_by.values())
    carded = sum(isinstance(b.get("cardData"), dict) for b in bodies["models"])
    need["README files (resolvers bucket)"] = carded + len(bodies["datasets"])
    return need


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=Path, required=True)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--snapshot", default=date.today().isoformat(), help="the crawl's snapshot date")
    args = parser.parse_args()
    used = requests_by_family(args.requests)
    need = minimum(args.world, args.page_size, args.page_size, args.snapshot)
    print("| family | requests | minimum | ratio |\n|---|---|---|---|")
    for name, _ in FAMILIES:
        print(f"| {name} | {used[name]} | {need[name]} | {used[name] / max(need[name], 1):.2f} |")
    total_used, total_need = sum(used.values()), sum(need.values())
    print(f"| **total** | {total_used} | {total_need} | {total_used / total_need:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
