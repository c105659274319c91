"""A snapshot under a request budget (HUBKG_REQUEST_BUDGET) spends no more than it, fetches the most valuable keys
first, and loses nothing: keys left over are deferred (no older answer) or reuse an older answer marked stale, the
coverage report counts them, and a later run with budget to spare fetches them, ending exactly at the world."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from expectations.bridge import read_frame, validate
from expectations.suites import CRAWL_COVERAGE
from hub_emulator.server import HubEmulator
from hub_emulator.worldgen.mutate import mutate_world
from tests.crawl.conftest import snapshot_raw
from tests.crawl.test_snapshot_complete import assert_snapshot_matches_world
from tests.support import run_dbt

DAY1, DAY2, DAY3 = "2026-11-22", "2026-11-23", "2026-11-24"
BUDGET = 1_500  # about 30% of the ~4,900 requests the 3,000-node test world needs
TIGHT = 60  # under half of what the refresh after a 1% day needs (~150)


class Coverage(NamedTuple):
    keys: int
    fetched: int
    reused_unchanged: int
    stale: int
    deferred: int
    coverage: float
    current_share: float
    current_value_share: float


@dataclass
class Budgeted:
    world: Path
    today: Path
    warehouse: Path
    requests: dict[str, int]  # run → GET requests the emulator served
    queues: dict[str, list[tuple]]  # run → (kind, key, status, priority, requests, stale) of its snapshot
    started: dict[str, datetime]
    spent: dict[str, int]  # run → the snapshot's request ledger after it (listing pages + per-entity requests)
    coverage: dict[str, dict[str, Coverage]]  # run → kind → kg_crawl_coverage row
    coverage_gate: dict[str, list[str]]  # run → the failed expectations of the coverage warning gate

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(query, params or []).fetchall()


def _run(state: Budgeted, work: Path, name: str, world: Path, snapshot: str, **settings) -> None:
    log = work / f"requests-{name}.jsonl"
    with HubEmulator(world, work / f"hub-{name}", log_path=log) as hub:
        state.started[name] = datetime.now(UTC)
        assert snapshot_raw(hub.url, state.warehouse.parent, snapshot, **settings).success
    state.requests[name] = sum(1 for line in log.read_text().splitlines() if '"GET"' in line)
    state.queues[name] = state.sql(
        "SELECT kind, key, status, priority, requests, stale FROM raw.fetch_queue WHERE snapshot_date = ?", [snapshot]
    )
    state.spent[name] = state.sql(
        "SELECT (SELECT sum(requests) FROM raw.crawl_state WHERE snapshot_date = $1) "
        "+ (SELECT sum(requests) FROM raw.fetch_queue WHERE snapshot_date = $1)",
        [snapshot],
    )[0][0]
    run_dbt("build", state.warehouse, work / name, "stg_fetch_queue kg_crawl_coverage", {"snapshot_date": snapshot})
    rows = state.sql(
        f"SELECT kind, {', '.join(Coverage._fields)} FROM kg.kg_crawl_coverage WHERE snapshot_date = ?", [snapshot]
    )
    state.coverage[name] = {kind: Coverage(*rest) for kind, *rest in rows}
    with duckdb.connect(str(state.warehouse), read_only=True) as con:
        outcome = validate(
            CRAWL_COVERAGE, read_frame(con, CRAWL_COVERAGE, date.fromisoformat(snapshot)), work / name / "gx"
        )
    state.coverage_gate[name] = [failure["expectation"] for failure in outcome.failures]


@pytest.fixture(scope="module")
def budgeted(crawl_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Budgeted:
    work = tmp_path_factory.mktemp("budget")
    today = work / "day-after"
    mutate_world(crawl_world, today, 0.01, seed=5)
    state = Budgeted(crawl_world, today, work / "data" / "hubkg.duckdb", {}, {}, {}, {}, {}, {})
    _run(state, work, "budgeted", crawl_world, DAY1, request_budget=BUDGET)
    _run(state, work, "resumed", crawl_world, DAY1)  # same snapshot, no budget: finishes what was deferred
    _run(state, work, "tight_refresh", today, DAY2, request_budget=TIGHT)
    # the next day, no budget (and every account re-read, so follower lists are exact too): stale keys are asked
    _run(state, work, "refresh_again", today, DAY3, revalidate_share=1.0)
    return state


def test_the_budget_caps_the_requests_and_the_ledger_counts_every_one(budgeted: Budgeted) -> None:
    served = budgeted.requests["budgeted"]
    assert BUDGET - 50 <= served <= BUDGET + 20, served  # the last batch may overrun by a list's extra pages
    assert budgeted.spent["budgeted"] == served
    assert budgeted.spent["resumed"] - budgeted.spent["budgeted"] == budgeted.requests["resumed"]
    assert budgeted.requests["tight_refresh"] <= TIGHT + 20
    assert budgeted.spent["tight_refresh"] == budgeted.requests["tight_refresh"]


def test_the_most_valuable_keys_are_fetched_first(budgeted: Budgeted) -> None:
    by_kind: dict[str, dict[str, list[float]]] = {}
    for kind, _, status, priority, requests, _ in budgeted.queues["budgeted"]:
        outcome = "fetched" if requests > 0 else status
        by_kind.setdefault(kind, {}).setdefault(outcome, []).append(priority)
    cut = [kind for kind, outcomes in by_kind.items() if "fetched" in outcomes and "deferred" in outcomes]
    assert cut, f"the budget did not cut into any kind: {sorted(by_kind)}"
    for kind in cut:
        assert min(by_kind[kind]["fetched"]) >= max(by_kind[kind]["deferred"]), kind


def test_nothing_is_dropped_silently_under_a_budget(budgeted: Budgeted) -> None:
    queue = budgeted.queues["budgeted"]
    assert {status for _, _, status, *_ in queue} <= {"done", "missing", "deferred"}
    coverage = budgeted.coverage["budgeted"]
    assert sum(c.deferred for c in coverage.values()) == sum(status == "deferred" for _, _, status, *_ in queue) > 0
    for kind, c in coverage.items():
        assert c.keys == c.fetched + c.reused_unchanged + c.stale + c.deferred, kind
        assert c.coverage == pytest.approx((c.keys - c.deferred) / c.keys), kind
        if c.deferred and c.fetched:
            assert c.current_value_share >= c.current_share, kind  # the answered keys are the valuable ones


def test_the_coverage_gate_warns_about_an_incomplete_or_stale_snapshot(budgeted: Budgeted) -> None:
    assert budgeted.coverage_gate["budgeted"] and budgeted.coverage_gate["tight_refresh"]
    assert budgeted.coverage_gate["resumed"] == [] and budgeted.coverage_gate["refresh_again"] == []


def test_a_later_run_with_budget_to_spare_completes_the_snapshot_exactly(budgeted: Budgeted) -> None:
    assert_snapshot_matches_world(budgeted.warehouse, budgeted.world, DAY1)
    assert all(c.deferred == 0 and c.coverage == 1.0 for c in budgeted.coverage["resumed"].values())


def test_a_spent_budget_reuses_older_answers_marked_stale(budgeted: Budgeted) -> None:
    stale = {(kind, key) for kind, key, *_, is_stale in budgeted.queues["tight_refresh"] if is_stale}
    coverage = budgeted.coverage["tight_refresh"]
    assert stale and sum(c.stale for c in coverage.values()) == len(stale)
    assert any(c.current_share < 1.0 for c in coverage.values())
    # stale answers keep the time they were observed: before this run
    for kind in {kind for kind, _ in stale}:
        (rows, newest) = budgeted.sql(
            f"SELECT count(*), max(r.observed_at) FROM raw.{kind} AS r JOIN raw.fetch_queue AS q "
            "ON q.snapshot_date = r.snapshot_date AND q.kind = ? AND q.key = r.key "
            "WHERE r.snapshot_date = ? AND q.stale",
            [kind, DAY2],
        )[0]
        assert rows == 0 or newest < budgeted.started["tight_refresh"], kind


def test_stale_answers_are_asked_again_and_the_refresh_ends_at_the_world(budgeted: Budgeted) -> None:
    assert_snapshot_matches_world(budgeted.warehouse, budgeted.today, DAY3)
    stale = {(kind, key) for kind, key, *_, is_stale in budgeted.queues["tight_refresh"] if is_stale}
    asked = {(kind, key) for kind, key, _, _, requests, _ in budgeted.queues["refresh_again"] if requests > 0}
    # every stale key still wanted the next day was asked (a user whose fresh overview shows no likes is not)
    wanted = {(kind, key) for kind, key, *_ in budgeted.queues["refresh_again"]}
    assert stale & wanted and stale & wanted <= asked
    assert not any(is_stale for *_, is_stale in budgeted.queues["refresh_again"])
