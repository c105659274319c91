"""Great Expectations suites wired to the tables they guard, as blocking Dagster asset checks.

Each check validates the partition's snapshot. A failing ERROR check stops everything downstream of its asset in
the same run, so nothing that failed its expectations is ever published.
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.dbt import layer_models
from assets.partitions import SNAPSHOT_DAYS, snapshot_of
from expectations.bridge import describe_failures, read_frame, to_check_result, validate
from expectations.suites import (
    BENCHMARK_SUITES,
    CRAWL_COVERAGE,
    ENTITIES,
    LINEAGE_PRIORS,
    SuiteSpec,
    drift_suite,
)

SEVERITY = {"error": dg.AssetCheckSeverity.ERROR, "warn": dg.AssetCheckSeverity.WARN}


def build_gate(spec: SuiteSpec) -> dg.AssetChecksDefinition:
    blocking = spec.severity == "error"

    @dg.asset_check(
        asset=dg.AssetKey(list(spec.asset)),
        name=f"ge_{spec.name}",
        blocking=blocking,
        partitions_def=SNAPSHOT_DAYS,
        description=f"Great Expectations suite `{spec.name}`"
        + (" (blocks publishing on failure)." if blocking else " (warning only)."),
    )
    def _gate(
        context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource, data_dir: dg.ResourceParam[Path]
    ) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            frame = read_frame(con, spec, snapshot_of(context))
        outcome = validate(spec, frame, data_dir / "gx")
        if not outcome.success:
            # the run log (and so the terminal of `hubkg demo` or a scheduled run) says why, not only the UI
            report = describe_failures(outcome.suite, outcome.failures, outcome.docs_url)
            (context.log.error if blocking else context.log.warning)(report)
        return to_check_result(outcome, SEVERITY[spec.severity], spec.thresholds)

    return _gate


KG_TABLES = [name for name, _ in layer_models("kg")]
SUITES = (
    *ENTITIES,
    # one row per change or per kind of call: their row counts are no measure of the graph's size
    drift_suite(tuple(t for t in KG_TABLES if t not in ("kg_changes", "kg_crawl_coverage"))),
    LINEAGE_PRIORS,
    CRAWL_COVERAGE,
    *BENCHMARK_SUITES,
)
gate_checks = [build_gate(spec) for spec in SUITES]
