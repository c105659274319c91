"""The gates that real data exposed: row-count bounds that let a scope empty a family, lineage priors judged
against calibrated floors and the previous snapshot, and a failed gate that says why in a terminal."""

from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from expectations.bridge import describe_failures, read_frame, to_check_result, validate
from expectations.suites import CLASSIFICATION_SPLIT, LINEAGE_PRIORS, PRIOR_FLOORS, drift_suite
from orchestration.report import format_failed_check

pytestmark = pytest.mark.fast
NOW = datetime(2026, 11, 23, tzinfo=UTC)
CUR, PREV = date(2026, 11, 22), date(2026, 11, 15)


def _warehouse(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA kg; CREATE SCHEMA staging")
    con.execute("CREATE TABLE kg.kg_nodes (node_id VARCHAR, snapshot_date DATE)")
    con.execute("INSERT INTO kg.kg_nodes VALUES ('a', ?), ('a', ?)", [PREV, CUR])
    con.execute("CREATE TABLE kg.models (id VARCHAR, created_at TIMESTAMPTZ, snapshot_date DATE)")
    con.execute("CREATE TABLE kg.spaces (id VARCHAR, snapshot_date DATE)")
    con.execute("CREATE TABLE staging.stg_models (model_id VARCHAR, snapshot_date DATE)")
    con.execute("CREATE TABLE staging.stg_spaces (space_id VARCHAR, snapshot_date DATE)")
    con.execute("CREATE TABLE kg.kg_edges (head VARCHAR, relation VARCHAR, tail VARCHAR, snapshot_date DATE)")


def _as_intervals(con: duckdb.DuckDBPyConnection) -> None:
    """Serve the full copies written above as the kg does (macros/validity_intervals.sql): `kg.<table>` the latest
    snapshot, `kg.<table>__as_of(d)` the one on or before `d`, the snapshots held in `kg.kg_nodes__snapshots`."""
    con.execute("CREATE TABLE kg.kg_nodes__snapshots AS SELECT DISTINCT snapshot_date FROM kg.kg_nodes")
    for table in ("kg_nodes", "models", "spaces", "kg_edges"):
        con.execute(f"ALTER TABLE kg.{table} RENAME TO {table}__copies")
        latest = "(SELECT max(snapshot_date) FROM kg.kg_nodes__snapshots)"
        con.execute(f"CREATE VIEW kg.{table} AS SELECT * FROM kg.{table}__copies WHERE snapshot_date = {latest}")
        con.execute(
            f"CREATE MACRO kg.{table}__as_of(d) AS TABLE SELECT * FROM kg.{table}__copies WHERE snapshot_date = "
            "(SELECT max(snapshot_date) FROM kg.kg_nodes__snapshots WHERE snapshot_date <= d)"
        )


def _drift(tmp_path: Path, staged_spaces: int) -> dict:
    with duckdb.connect() as con:
        _warehouse(con)
        con.execute("INSERT INTO kg.models VALUES ('o/a', NULL, ?), ('o/a', NULL, ?)", [PREV, CUR])
        con.execute("INSERT INTO staging.stg_models VALUES ('o/a', ?)", [CUR])
        con.execute("INSERT INTO staging.stg_spaces SELECT 'o/s' || i, ? FROM range(?) t(i)", [CUR, staged_spaces])
        _as_intervals(con)
        spec = drift_suite(("models", "spaces"))
        outcome = validate(spec, read_frame(con, spec, CUR), tmp_path / "gx", now=NOW)
    return {f["expectation"]: f for f in outcome.failures}


def test_an_empty_family_with_an_empty_source_passes(tmp_path: Path) -> None:
    assert _drift(tmp_path, staged_spaces=0) == {}


def test_an_empty_table_whose_source_has_rows_fails(tmp_path: Path) -> None:
    failures = _drift(tmp_path, staged_spaces=3)
    assert failures["expect_column_values_to_be_in_set"]["rows"] == ["spaces"]


def _priors(tmp_path: Path, current_older: int) -> tuple:
    """10 finetune edges per snapshot; the previous snapshot's parents are all older, the current's
    `current_older` of them."""
    with duckdb.connect() as con:
        _warehouse(con)
        for snapshot, older in ((PREV, 10), (CUR, current_older)):
            for i in range(10):
                parent_year, child_year = (2020, 2021) if i < older else (2022, 2021)
                con.execute(
                    "INSERT INTO kg.models VALUES (?, make_timestamptz(?, 1, 1, 0, 0, 0), ?), "
                    "(?, make_timestamptz(?, 1, 1, 0, 0, 0), ?)",
                    [f"p/{i}", parent_year, snapshot, f"c/{i}", child_year, snapshot],
                )
                edge = [f"p/{i}", f"c/{i}", snapshot]
                con.execute("INSERT INTO kg.kg_edges VALUES (?, 'model_finetune_model', ?, ?)", edge)
        _as_intervals(con)
        frame = read_frame(con, LINEAGE_PRIORS, CUR)
    return frame, validate(LINEAGE_PRIORS, frame, tmp_path / "gx", now=NOW)


def test_priors_pass_at_realistic_shares_and_warn_on_a_drop_and_below_the_floor(tmp_path: Path) -> None:
    frame, outcome = _priors(tmp_path, current_older=10)
    assert outcome.success, outcome.failures
    row = frame.set_index("prior").loc["parent_older"]
    assert row["share"] == 1.0 and row["floor"] == PRIOR_FLOORS["parent_older"] and row["paper_share"] == 0.9973

    frame, outcome = _priors(tmp_path, current_older=9)  # 90%: below the floor, 10 points below last snapshot
    failed = {f["expectation"]: f for f in outcome.failures}
    assert failed["expect_column_values_to_be_between"]["rows"] == ["parent_older"]  # the drop
    assert "expect_column_pair_values_a_to_be_greater_than_b" in failed  # the floor
    result = to_check_result(outcome, dg.AssetCheckSeverity.WARN, LINEAGE_PRIORS.thresholds)
    assert (
        "issue 27" in result.metadata["threshold_source"].value
        and "hub-samples" in result.metadata["threshold_source"].value
    )


def test_a_failed_gate_reads_in_a_terminal(tmp_path: Path) -> None:
    _, outcome = _priors(tmp_path, current_older=9)
    report = describe_failures(outcome.suite, outcome.failures, outcome.docs_url)
    assert "suite `lineage_priors` failed" in report
    assert "expect_column_values_to_be_between" in report and "parent_older" in report
    assert "observed" in report and f"Data Docs: {outcome.docs_url}" in report
    assert Path(outcome.docs_url.removeprefix("file://")).exists()
    # the same text from the Dagster check evaluation the demo reads after a failed run
    result = to_check_result(outcome, dg.AssetCheckSeverity.ERROR)
    evaluation = dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(["kg", "kg_edges"]),
        check_name="ge_lineage_priors",
        passed=False,
        metadata=result.metadata,
    )
    printed = format_failed_check(evaluation)
    assert printed.startswith("check ge_lineage_priors on kg/kg_edges") and report in printed


def test_hub_text_in_a_report_is_made_inert() -> None:
    failures = [{"expectation": "e", "kwargs": {}, "observed_value": "x", "rows": ["evil\x1b[31m{{ x }}"]}]
    report = describe_failures("s", failures, None)
    assert "\x1b" not in report and "{{" not in report and "Data Docs: not rendered" in report


@pytest.mark.parametrize(("nodes", "train", "passes"), [(6, 3, True), (60, 18, False), (60, 42, True)])
def test_the_time_split_share_is_judged_from_a_meaningful_size(tmp_path: Path, nodes, train, passes) -> None:
    """A one-author scope has a handful of classification nodes: their train share is not judged."""
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA benchmarks")
        con.execute("CREATE TABLE benchmarks.cls_nodes (node_id VARCHAR, split VARCHAR, snapshot_date DATE)")
        con.execute(
            "INSERT INTO benchmarks.cls_nodes SELECT 'n' || i, CASE WHEN i < ? THEN 'train' ELSE 'test' END, ? "
            "FROM range(?) t(i)",
            [train, CUR, nodes],
        )
        frame = read_frame(con, CLASSIFICATION_SPLIT, CUR)
    assert validate(CLASSIFICATION_SPLIT, frame, tmp_path / "gx", now=NOW).success == passes
