"""Great Expectations suites wired to the tables they guard, as blocking Dagster asset checks.

A failing ERROR check stops everything downstream of its asset in the same run, so nothing that failed its
expectations is ever published.
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from expectations.bridge import read_frame, to_check_result, validate
from expectations.suites import MODELS, SuiteSpec
from orchestration.resources import DataDirResource


def build_gate(spec: SuiteSpec, asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key,
        name=f"ge_{spec.name}",
        blocking=True,
        description=f"Great Expectations suite `{spec.name}` on `{spec.table}` (blocks publishing on failure).",
    )
    def _gate(warehouse: DuckDBResource, data_dir: DataDirResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            frame = read_frame(con, spec)
        outcome = validate(spec, frame, Path(data_dir.path) / "gx")
        return to_check_result(outcome, dg.AssetCheckSeverity.ERROR)

    return _gate


gate_checks = [build_gate(MODELS, dg.AssetKey(["kg", "models"]))]
