"""The `kg_models` suite on a real DuckDB table: good data passes, each class of fault fails its expectation."""

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from expectations.bridge import read_frame, validate
from expectations.suites import MODELS

NOW = datetime(2026, 11, 22, tzinfo=UTC)
GOOD = [
    ("org/a", 10, 12, 1, "2024-01-01", "2024-02-01"),
    ("org/b", 0, 0, 0, "2024-01-01", "2024-01-01"),
    ("user/c.d_e-1", 5, 5, 2, "2023-05-01", "2025-01-01"),
]


def _validate(tmp_path: Path, rows: list[tuple]) -> dict[str, dict]:
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA kg")
        con.execute(
            "CREATE TABLE kg.models (id VARCHAR, downloads BIGINT, downloads_all_time BIGINT, likes BIGINT, "
            "created_at TIMESTAMPTZ, last_modified TIMESTAMPTZ, snapshot_date DATE DEFAULT DATE '2026-11-22')"
        )
        con.executemany(
            "INSERT INTO kg.models (id, downloads, downloads_all_time, likes, created_at, last_modified) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        frame = read_frame(con, MODELS, date(2026, 11, 22))
    outcome = validate(MODELS, frame, tmp_path / "gx", now=NOW)
    assert outcome.docs_url and Path(outcome.docs_url.removeprefix("file://")).exists()
    assert outcome.success == (not outcome.failures)
    return {f["expectation"]: f for f in outcome.failures}


def test_good_models_pass(tmp_path: Path) -> None:
    assert _validate(tmp_path, GOOD) == {}


@pytest.mark.parametrize(
    ("bad_row", "expectation", "sample"),
    [
        (("no-slash", 1, 1, 1, "2024-01-01", "2024-01-02"), "expect_column_values_to_match_regex", "no-slash"),
        (("org/neg", -5, 1, 1, "2024-01-01", "2024-01-02"), "expect_column_values_to_be_between", "-5"),
        (("org/future", 1, 1, 1, "2027-01-01", "2027-01-02"), "expect_column_values_to_be_between", None),
        (("org/order", 1, 1, 1, "2024-03-01", "2024-01-01"), "expect_column_pair_values_a_to_be_greater_than_b", None),
    ],
)
def test_each_fault_fails_its_expectation(tmp_path: Path, bad_row: tuple, expectation: str, sample: str | None) -> None:
    failures = _validate(tmp_path, [*GOOD, bad_row])
    assert expectation in failures
    if sample is not None:
        assert sample in failures[expectation]["sample"]
