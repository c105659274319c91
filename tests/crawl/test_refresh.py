"""An incremental refresh after a simulated day (1% churn): every change to repos, likes (with their time),
collections, papers and accounts is captured, for a few percent of a full snapshot's requests; follower lists are
current for every account re-read that day and exactly the previous day's for the rest, and a refresh whose budget
re-reads every account reproduces the day exactly."""

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from crawler import entities, store
from crawler.queue import ensure_tables
from hub_emulator.server import HubEmulator
from hub_emulator.worldgen.mutate import mutate_world
from tests.crawl.conftest import snapshot_raw
from tests.crawl.test_snapshot_complete import assert_snapshot_matches_world
from tests.crawl.world_truth import expected_edges
from tests.support import insert_raw

FULL, REFRESH, REREAD_ALL = "2026-11-22", "2026-11-23", "2026-11-24"


@dataclass
class Refresh:
    data: Path
    yesterday: Path
    today: Path
    changes: dict[str, int]
    requests: dict[str, int]  # snapshot → GET requests the emulator served for it
    started: dict[str, datetime]

    def sql(self, query: str, params: list) -> list[tuple]:
        with duckdb.connect(str(self.data / "hubkg.duckdb"), read_only=True) as con:
            return con.execute(query, params).fetchall()


def _crawl(world: Path, work: Path, refresh: Refresh, snapshot: str, **settings) -> None:
    log = work / f"requests-{snapshot}.jsonl"
    with HubEmulator(world, work / f"hub-{snapshot}", log_path=log) as hub:
        refresh.started[snapshot] = datetime.now(UTC)
        assert snapshot_raw(hub.url, refresh.data, snapshot, **settings).success
    refresh.requests[snapshot] = sum(1 for line in log.read_text().splitlines() if '"GET"' in line)


@pytest.fixture(scope="module")
def refresh(crawl_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Refresh:
    work = tmp_path_factory.mktemp("refresh")
    today = work / "day-after"
    result = Refresh(work / "data", crawl_world, today, mutate_world(crawl_world, today, 0.01, seed=3), {}, {})
    _crawl(crawl_world, work, result, FULL)
    _crawl(today, work, result, REFRESH)
    _crawl(today, work, result, REREAD_ALL, revalidate_share=1.0)
    return result


def test_the_day_changed_every_kind_of_thing(refresh: Refresh) -> None:
    for change in ("models_created", "models_modified", "models_deleted", "renames", "likes", "unlikes", "follows"):
        assert refresh.changes[change] > 0, change


def test_refresh_captures_every_change_for_a_few_percent_of_the_requests(refresh: Refresh) -> None:
    # accounts re-read today have today's follower lists; the others keep exactly yesterday's
    reread = {
        key
        for (key,) in refresh.sql(
            "SELECT key FROM raw.principals WHERE snapshot_date = ? AND observed_at >= ?",
            [REFRESH, refresh.started[REFRESH]],
        )
    }
    today, yesterday = expected_edges(refresh.today)["follows"], expected_edges(refresh.yesterday)["follows"]
    follows = {f for f in today if f[0] in reread} | {f for f in yesterday if f[0] not in reread}
    assert_snapshot_matches_world(refresh.data / "hubkg.duckdb", refresh.today, REFRESH, follows=follows)
    assert refresh.requests[REFRESH] <= 0.05 * refresh.requests[FULL], refresh.requests
    # new likes carry the day's time
    day = json.loads((refresh.today / "world.json").read_text(encoding="utf-8"))["now"]
    new_like_times = refresh.sql(
        "SELECT count(*) FROM raw.user_likes WHERE snapshot_date = ? AND body ->> 'createdAt' = ?", [REFRESH, day]
    )[0][0]
    assert new_like_times == refresh.changes["likes"]


def test_reused_answers_keep_when_they_were_observed(refresh: Refresh) -> None:
    (reused,) = refresh.sql(
        "SELECT count(*) FROM raw.likers WHERE snapshot_date = ? AND observed_at < ?",
        [REFRESH, refresh.started[REFRESH]],
    )[0]
    assert reused > 0
    (fresh,) = refresh.sql(
        "SELECT count(DISTINCT key) FROM raw.likers WHERE snapshot_date = ? AND observed_at >= ?",
        [REFRESH, refresh.started[REFRESH]],
    )[0]
    assert 0 < fresh < reused


def test_a_budget_that_rereads_every_account_reproduces_the_day_exactly(refresh: Refresh) -> None:
    assert_snapshot_matches_world(refresh.data / "hubkg.duckdb", refresh.today, REREAD_ALL)
    assert refresh.requests[REREAD_ALL] < refresh.requests[FULL]


def test_print_request_figures(refresh: Refresh) -> None:
    print(f"\nrequests: {refresh.requests}, changes: {refresh.changes}")
    assert refresh.requests[FULL] > 0


def test_a_collection_whose_hidden_item_was_renamed_or_deleted_is_read_again() -> None:
    """The listing entry shows four items and `lastUpdated` stays when an item's repo is renamed or deleted: the
    rule must still not vouch for the collection's old items."""
    day1, day2 = "2026-11-22", "2026-11-23"
    entry = json.dumps({"lastUpdated": "2026-11-01T00:00:00.000Z", "items": []})

    def listed_on(day: str) -> dict:
        return {"snapshot_date": date.fromisoformat(day), "observed_at": datetime.now(UTC), "page": 1}

    with duckdb.connect() as con:
        ensure_tables(con, entities.ALL_KINDS)
        for source in (*entities.REPO_SOURCES, "collection_index"):
            store.ensure_raw(con, source)
        listed = {
            day1: [("m1", "org/old"), ("m2", "org/kept"), ("m3", "org/gone")],
            day2: [("m1", "org/new"), ("m2", "org/kept")],
        }
        for day, rows in listed.items():
            for key, repo_id in rows:
                insert_raw(con, "models", listed_on(day), key=key, id=repo_id, body="{}")
            for slug in ("org/renamed", "org/deleted", "org/untouched"):
                insert_raw(con, "collection_index", listed_on(day), key=slug, id=slug, body=entry)
        hidden = [{"type": "paper", "id": "2401.00001"}] * 4  # the four items the listing entry shows
        for slug, item in (("org/renamed", "org/old"), ("org/deleted", "org/gone"), ("org/untouched", "org/kept")):
            body = json.dumps({"items": [*hidden, {"type": "model", "id": item}]})
            head = {"snapshot_date": date.fromisoformat(day1), "observed_at": datetime.now(UTC)}
            insert_raw(con, "collections", head, key=slug, variant="collection", body=body)
        vouched = {key for (key,) in con.execute(entities.COLLECTION_UNCHANGED, [day2, day1]).fetchall()}
    assert vouched == {"org/untouched"}


def _swap_one_like(world: Path, out: Path) -> tuple[str, str, str]:
    """`world` with one like moved from its user to another on the same repo: the repo's counter stays as it was.
    Returns (repo key, old user, new user)."""
    shutil.copytree(world, out)
    likes = [json.loads(line) for line in (out / "likes.jsonl").read_text(encoding="utf-8").splitlines()]
    users = [json.loads(line) for line in (out / "users.jsonl").read_text(encoding="utf-8").splitlines()]
    likers: dict[tuple[str, str], set[str]] = {}
    for like in likes:
        likers.setdefault((like["repo_type"], like["repo_id"]), set()).add(like["user"])
    like = next(k for k in likes if k["repo_type"] == "model" and len(likers[(k["repo_type"], k["repo_id"])]) > 1)
    newcomer = next(u["user"] for u in users if u["user"] not in likers[(like["repo_type"], like["repo_id"])])
    old, like["user"] = like["user"], newcomer
    for user in users:  # the Hub's own counters follow the like
        user["numLikes"] += {old: -1, newcomer: 1}.get(user["user"], 0)
    (out / "likes.jsonl").write_text("".join(json.dumps(k) + "\n" for k in likes), encoding="utf-8")
    (out / "users.jsonl").write_text("".join(json.dumps(u) + "\n" for u in users), encoding="utf-8")
    return f"models/{like['repo_id']}", old, newcomer


def test_a_like_swap_moves_no_counter_and_the_likers_rotation_finds_it(crawl_world: Path, tmp_path: Path) -> None:
    swapped = tmp_path / "swapped"
    repo, old, newcomer = _swap_one_like(crawl_world, swapped)
    result = Refresh(tmp_path / "data", crawl_world, swapped, {}, {}, {})
    _crawl(crawl_world, tmp_path, result, FULL)
    _crawl(swapped, tmp_path, result, REFRESH, revalidate_share=0.0)
    _crawl(swapped, tmp_path, result, REREAD_ALL, revalidate_share=1.0)

    def likers_of(snapshot: str) -> set[str]:
        query = "SELECT body ->> 'user' FROM raw.likers WHERE snapshot_date = ? AND key = ?"
        return {user for (user,) in result.sql(query, [snapshot, repo])}

    assert old in likers_of(FULL) and newcomer not in likers_of(FULL)
    assert likers_of(REFRESH) == likers_of(FULL)  # no counter moved: nothing flags the list
    assert newcomer in likers_of(REREAD_ALL) and old not in likers_of(REREAD_ALL)  # re-read on the rotation
    assert_snapshot_matches_world(result.data / "hubkg.duckdb", swapped, REREAD_ALL)
