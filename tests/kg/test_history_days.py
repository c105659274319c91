"""Ten daily snapshots of a small mutating world (1% structural churn, the default counter drift), each loaded
into raw the way a crawl writes it (perf/raw_loader.py) and built by dbt up to the kg: the history grows with what
changed, not with the days kept.

- kg rows written per day to hold the history (intervals opened and closed, narrow counter rows) stay within 3x the
  day's kg_changes rows; beside them the change log writes its own rows (one per change) and each kg model records
  the day in its `__snapshots` table (one row per model, whatever the size or the change);
- what a later day's build writes does not grow with the days kept (its wall time is a measurement, not a test:
  `python -m orchestration.demo_days`, figures in PERFORMANCE.md; the walls are printed here for the log);
- `kg.<table>__as_of(day)` returns each earlier day's graph as it was built that day;
- a model deleted on the Hub keeps its past: its interval is closed, not erased.
"""

import json
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from hub_emulator.worldgen.generate import generate_world
from hub_emulator.worldgen.mutate import COUNTER_DRIFT, mutate_world
from orchestration.demo_days import kg_rows_written
from perf.raw_loader import load_raw
from release.serving import BLOCK_SIZE
from tests.support import run_dbt

DAYS = 10
DELETED_ON = 5
FIRST = date(2026, 11, 1)
STATE = "SELECT id, likes, downloads, last_modified FROM {} ORDER BY id"


def delete_a_model(world: Path, held: set[str]) -> str:
    """Delete one model of `held` (kg models) that nothing refers to (no likes, no base
    model) from the world's listing; returns its id."""
    lines = (world / "models.jsonl").read_text(encoding="utf-8").splitlines()
    models = [json.loads(line) for line in lines]
    victim = next(
        m["id"] for m in models if m["id"] in held and not m.get("likes") and "base_model" not in json.dumps(m)
    )
    kept = [line for line, m in zip(lines, models, strict=True) if m["id"] != victim]
    (world / "models.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return victim


@pytest.fixture(scope="module")
def ten_days(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("ten-days")
    world = work / "world-0"
    generate_world(world, nodes=400, seed=25)
    warehouse = work / "hubkg.duckdb"
    played: dict = {"warehouse": warehouse, "walls": [], "written": [], "changes": [], "states": []}
    for n in range(DAYS):
        if n:
            mutate_world(world, work / f"world-{n}", 0.01, seed=n, counter_drift=COUNTER_DRIFT)
            world = work / f"world-{n}"
        if n == DELETED_ON:  # a world this small loses no repo to 1% churn (a tenth of it deletes)
            held = [{row[0] for row in played["states"][d]} for d in (0, -1)]
            played["deleted"] = delete_a_model(world, held[0] & held[1])  # held since day 0
        day = FIRST + timedelta(days=n)
        with duckdb.connect(str(warehouse), config={"default_block_size": str(BLOCK_SIZE)}) as con:
            load_raw(con, world, day, log=lambda _: None)
        started = time.monotonic()
        run_dbt("run", warehouse, work, "+kg", {"snapshot_date": day.isoformat()})
        played["walls"].append(time.monotonic() - started)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            played["written"].append(kg_rows_written(con, day))
            changes = con.execute("SELECT count(*) FROM kg.kg_changes WHERE snapshot_date = ?", [day]).fetchall()
            played["changes"].append(changes[0][0])
            played["states"].append(con.execute(STATE.format("kg.models")).fetchall())
            played["models"] = con.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = 'kg' AND ends_with(table_name, '__snapshots')"
            ).fetchall()[0][0]
    print(f"build wall per day (s): {[round(w, 1) for w in played['walls']]}")
    print(f"kg rows written per day: {played['written']}; kg_changes rows: {played['changes']}")
    return played


def test_kg_rows_written_stay_within_three_times_the_changes(ten_days: dict) -> None:
    for day, (written, changes) in enumerate(zip(ten_days["written"], ten_days["changes"], strict=True)):
        assert written["bookkeeping"] == ten_days["models"]  # one row per kg model and day
        assert written["change_log"] == changes
        if day:
            assert changes > 0, f"day {day}: the mutated world changed nothing in the kg"
            held = written["history"] + written["counters"]
            assert held <= 3 * changes, f"day {day}: {written} kg rows written for {changes} changes"
    first = ten_days["written"][0]["history"]
    assert first > 10 * max(w["history"] for w in ten_days["written"][1:])  # day 0 writes the whole graph once


def test_later_builds_write_no_more_than_the_first_ones(ten_days: dict) -> None:
    """The cost that could grow with the days kept is what each build rewrites: the last three days write no more
    history rows per change than the first three (with slack for the days' different mixes of changes)."""
    days = zip(ten_days["written"], ten_days["changes"], strict=True)
    per_change = [(w["history"] + w["counters"]) / max(c, 1) for w, c in days]
    early, late = statistics.median(per_change[1:4]), statistics.median(per_change[-3:])
    assert late <= 1.5 * early, f"history rows per change by day: {per_change}"


def test_each_earlier_day_reads_back_as_it_was_built(ten_days: dict) -> None:
    with duckdb.connect(str(ten_days["warehouse"]), read_only=True) as con:
        for n, state in enumerate(ten_days["states"]):
            day = FIRST + timedelta(days=n)
            assert con.execute(STATE.format(f"kg.models__as_of(DATE '{day}')")).fetchall() == state, day
            (served,) = con.execute(f"SELECT DISTINCT snapshot_date FROM kg.models__as_of(DATE '{day}')").fetchall()
            assert served == (day,)
    # the days differ, so the comparison above is not vacuous
    assert len({tuple(s) for s in ten_days["states"]}) == DAYS


def test_a_deleted_model_keeps_its_past(ten_days: dict) -> None:
    model, day = ten_days["deleted"], FIRST + timedelta(days=DELETED_ON)
    assert model not in {row[0] for row in ten_days["states"][DELETED_ON]}
    with duckdb.connect(str(ten_days["warehouse"]), read_only=True) as con:
        for table, key in (("models", "id"), ("kg_nodes", "node_id")):
            spans = con.execute(
                "SELECT min(valid_from), max(valid_to), count(*) - count(valid_to) "
                f"FROM kg.{table}__history WHERE {key} = ?",
                [model],
            )
            assert spans.fetchall() == [(FIRST, day, 0)], table  # held from day 0, closed the day it went, none open
            before = con.execute(
                f"SELECT count(*) FROM kg.{table}__as_of(DATE '{day - timedelta(days=1)}') WHERE {key} = ?", [model]
            ).fetchall()
            assert before == [(1,)], table
