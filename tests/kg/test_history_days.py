"""Ten daily snapshots of a small mutating world (1% structural churn, the default counter drift), each loaded
into raw the way a crawl writes it (perf/raw_loader.py) and built by dbt up to the kg: the history grows with what
changed, not with the days kept.

- kg rows written per day to hold the history (intervals and narrow counter rows, opened and closed) stay within 3x
  the day's kg_changes rows (a view of the intervals: it writes nothing); beside them each stored kg model records
  the day in its `__snapshots` table (one row per model, whatever the size or the change);
- what a later day's build writes does not grow with the days kept (its wall time is a measurement, not a test:
  `python -m orchestration.demo_days`, figures in PERFORMANCE.md; the walls are printed here for the log);
- `kg.<table>__as_of(day)` returns each earlier day's graph as it was built that day;
- a model deleted on the Hub keeps its past: its interval is closed, not erased;
- kg_changes reports a node changed when any of its entity row's columns moved, counters included (read here
  straight from the entity marts), and a warehouse of kg_nodes' earlier layout converts without losing a day.
"""

import json
import shutil
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
from release.blocks import BLOCK_SIZE
from tests.support import DBT_PROJECT, run_dbt

DAYS = 10
DELETED_ON = 5
FIRST = date(2026, 11, 1)
STATE = "SELECT id, likes, downloads, last_modified FROM {} ORDER BY id"
NODE_ENTITIES = {
    "task": ("tasks", "id"),
    "model": ("models", "id"),
    "dataset": ("datasets", "id"),
    "space": ("spaces", "id"),
    "paper": ("papers", "id"),
    "collection": ("collections", "slug"),
    "user": ("users", "id"),
    "organization": ("organizations", "id"),
}
# kg_nodes and kg_changes as they were when kg_nodes kept `attributes_hash` (md5 of the whole entity row) as a
# counter column (98dac00): kept beside the test, so it needs no git history (CI may clone shallow).
EARLIER_LAYOUT = Path(__file__).parent / "earlier_layout"


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


def play(work: Path, projects: list[Path]) -> dict:
    """One day per project in `projects` (the dbt project that builds it), each loaded into raw and built by
    `dbt run +kg` in one warehouse; what each day wrote and served."""
    world = work / "world-0"
    generate_world(world, nodes=400, seed=25)
    warehouse = work / "hubkg.duckdb"
    played: dict = {"warehouse": warehouse, "walls": [], "written": [], "changes": [], "states": []}
    for n, project in enumerate(projects):
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
        run_dbt("run", warehouse, work, "+kg", {"snapshot_date": day.isoformat()}, project_dir=project)
        played["walls"].append(time.monotonic() - started)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            played["written"].append(kg_rows_written(con, day))
            changes = con.execute("SELECT count(*) FROM kg.kg_changes WHERE snapshot_date = ?", [day]).fetchall()
            played["changes"].append(changes[0][0])
            played["states"].append(con.execute(STATE.format("kg.models")).fetchall())
            played["models"] = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'kg' "
                "AND table_type = 'BASE TABLE' AND ends_with(table_name, '__snapshots')"
            ).fetchall()[0][0]
    print(f"build wall per day (s): {[round(w, 1) for w in played['walls']]}")
    print(f"kg rows written per day: {played['written']}; kg_changes rows: {played['changes']}")
    return played


@pytest.fixture(scope="module")
def ten_days(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return play(tmp_path_factory.mktemp("ten-days"), [DBT_PROJECT.project_dir] * DAYS)


@pytest.fixture(scope="module")
def converted_days(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two days built by the project as it was at EARLIER_LAYOUT (kg_nodes' hashes in kg_nodes__counters),
    then two by today's, which converts the history on its first build."""
    work = tmp_path_factory.mktemp("converted-days")
    earlier = work / "dbt-earlier"
    shutil.copytree(DBT_PROJECT.project_dir, earlier, ignore=shutil.ignore_patterns("target", "logs"))
    for model in ("kg_nodes", "kg_changes"):
        shutil.copy(EARLIER_LAYOUT / f"{model}.sql", earlier / "models" / "kg" / "graph" / f"{model}.sql")
    played = play(work, [earlier, earlier, DBT_PROJECT.project_dir, DBT_PROJECT.project_dir])
    with duckdb.connect(str(played["warehouse"]), read_only=True) as con:
        played["tables"] = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return played


def node_changes_from_entities(con: duckdb.DuckDBPyConnection, day: date) -> list[tuple]:
    """What kg_changes should say of the nodes on `day`, read from the entity marts themselves: a node added,
    removed, or changed when any of its columns (counters included) differs from the previous day's."""
    before = day - timedelta(days=1)
    rows = (
        "SELECT {key} AS node_id, md5(to_json(e)::varchar) AS h "
        "FROM (SELECT * EXCLUDE (snapshot_date) FROM kg.{table}__as_of(DATE '{day}')) AS e"
    )
    found = []
    for node_type, (table, key) in NODE_ENTITIES.items():
        found += con.execute(
            "SELECT CASE WHEN b.node_id IS NULL THEN 'added' WHEN n.node_id IS NULL THEN 'removed' ELSE 'changed' END, "
            f"'{node_type}', coalesce(n.node_id, b.node_id) "
            f"FROM ({rows.format(key=key, table=table, day=day)}) AS n "
            f"FULL JOIN ({rows.format(key=key, table=table, day=before)}) AS b ON b.node_id = n.node_id "
            "WHERE n.h IS DISTINCT FROM b.h"
        ).fetchall()
    return sorted(found)


def reported_node_changes(con: duckdb.DuckDBPyConnection, day: date) -> list[tuple]:
    query = (
        "SELECT change, node_type, node_id FROM kg.kg_changes "
        "WHERE element = 'node' AND snapshot_date = ? AND previous_snapshot_date = ?"
    )
    return sorted(con.execute(query, [day, day - timedelta(days=1)]).fetchall())


def test_kg_rows_written_stay_within_three_times_the_changes(ten_days: dict) -> None:
    for day, (written, changes) in enumerate(zip(ten_days["written"], ten_days["changes"], strict=True)):
        assert written["bookkeeping"] == ten_days["models"]  # one row per kg model and day
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


def test_a_node_changes_when_any_of_its_entity_columns_does(ten_days: dict) -> None:
    with duckdb.connect(str(ten_days["warehouse"]), read_only=True) as con:
        kinds = set()
        for n in range(1, DAYS):
            day = FIRST + timedelta(days=n)
            expected = node_changes_from_entities(con, day)
            assert reported_node_changes(con, day) == expected, day
            kinds |= {change for change, *_ in expected}
    assert kinds == {"added", "removed", "changed"}  # every kind was exercised


def test_the_counter_hash_layout_converts_without_losing_a_day(converted_days: dict) -> None:
    assert "kg_nodes__counters" not in converted_days["tables"]
    with duckdb.connect(str(converted_days["warehouse"]), read_only=True) as con:
        for n in range(len(converted_days["changes"])):
            day = FIRST + timedelta(days=n)
            nodes = con.execute(f"SELECT count(*) FROM kg.kg_nodes__as_of(DATE '{day}')").fetchall()[0][0]
            entities = sum(
                con.execute(f"SELECT count(*) FROM kg.{table}__as_of(DATE '{day}')").fetchall()[0][0]
                for table, _ in NODE_ENTITIES.values()
            )
            assert nodes == entities, day
            if n:  # the earlier layout's days and the converted ones report the same kind of changes
                assert reported_node_changes(con, day) == node_changes_from_entities(con, day), day
    # the conversion day rewrote only what changed, not every node's row
    converted = converted_days["written"][2]
    assert converted["history"] + converted["counters"] <= 3 * converted_days["changes"][2]
