"""The Great Expectations → Dagster bridge.

`dagster-ge` does not support GE 1.x, so suites run here: a narrow frame is read from DuckDB, validated by a GE
checkpoint (which also renders Data Docs for the run), and the outcome becomes a Dagster `AssetCheckResult`
whose metadata lists every failed expectation with its observed value and a sample of offending values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from expectations.suites import SuiteSpec
from release.sanitize import card_text

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402  (analytics must be off before GE is imported)

SAMPLE_SIZE = 10


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int
    rows: int
    failures: list[dict[str, Any]]
    docs_url: str | None


def _context(gx_root: Path) -> Any:
    context = gx.get_context(mode="file", project_root_dir=str(gx_root))
    context.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    return context


def read_frame(con: duckdb.DuckDBPyConnection, spec: SuiteSpec, snapshot: date) -> pd.DataFrame:
    """The suite's narrow frame of `snapshot`, computed in DuckDB."""
    return con.execute(spec.frame_sql, {"snapshot": snapshot}).df()


def validate(spec: SuiteSpec, frame: pd.DataFrame, gx_root: Path, now: datetime | None = None) -> SuiteOutcome:
    """Run `spec`'s suite on `frame` through a GE checkpoint and render Data Docs for this validation."""
    context = _context(gx_root)
    suite = context.suites.add_or_update(spec.suite(now or datetime.now(UTC)))
    source = context.data_sources.add_or_update_pandas("hubkg")
    asset = next((a for a in source.assets if a.name == spec.name), None) or source.add_dataframe_asset(spec.name)
    batch = next((b for b in asset.batch_definitions if b.name == "snapshot"), None)
    batch = batch or asset.add_batch_definition_whole_dataframe("snapshot")
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=spec.name,
            validation_definitions=[definition],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": SAMPLE_SIZE,
                "unexpected_index_column_names": [spec.index_column],
            },
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    identifier, validation = next(iter(result.run_results.items()))
    failures = [
        {
            "expectation": r.expectation_config.type,
            "kwargs": {k: str(v) for k, v in r.expectation_config.kwargs.items() if k != "batch_id"},
            "observed_value": str(r.result.get("observed_value")),
            "unexpected_count": r.result.get("unexpected_count"),
            "sample": [str(v) for v in (r.result.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]],
            "rows": [str(row.get(spec.index_column)) for row in r.result.get("partial_unexpected_index_list") or []],
        }
        for r in validation.results
        if not r.success
    ]
    urls = context.get_docs_sites_urls(resource_identifier=identifier)
    return SuiteOutcome(
        suite=spec.name,
        success=bool(result.success),
        evaluated=len(validation.results),
        rows=len(frame),
        failures=failures,
        docs_url=urls[0]["site_url"] if urls else None,
    )


def describe_failures(suite: str, failures: list[dict[str, Any]], docs_url: str | None, rows: int = 3) -> str:
    """What a person at a terminal needs when a gate fails: the suite, each failed expectation with its arguments,
    observed value and a few offending rows, and where the Data Docs page is. Observed values and rows come from
    Hub data (ids, names), so they pass through `release.sanitize.card_text` before they are printed."""
    lines = [f"Great Expectations suite `{suite}` failed:"]
    for f in failures:
        # a table-level expectation has an observed value; a per-row one, the unexpected values it saw
        observed = f.get("observed_value")
        if observed in (None, "None"):
            observed = ", ".join(str(v) for v in (f.get("sample") or [])[:rows]) or "n/a"
        unexpected = f.get("unexpected_count")
        offending = ", ".join(card_text(v, 120) for v in (f.get("rows") or [])[:rows])
        lines.append(
            f"  - {f['expectation']} {card_text(f.get('kwargs', {}), 200)}: observed {card_text(observed, 200)}"
            + (f" ({unexpected} unexpected)" if unexpected is not None else "")
            + (f"; offending rows: {offending}" if offending else "")
        )
    lines.append(f"  Data Docs: {docs_url or 'not rendered'}")
    return "\n".join(lines)


def to_check_result(
    outcome: SuiteOutcome, severity: dg.AssetCheckSeverity, thresholds: str | None = None
) -> dg.AssetCheckResult:
    """Failed expectations with their observed value, a sample of offending values and the rows they sit in."""
    failed = "\n".join(
        f"- `{f['expectation']}` {f['kwargs']}: {f['unexpected_count']} unexpected, observed {f['observed_value']}, "
        f"sample {f['sample']}, rows {f['rows']}"
        for f in outcome.failures
    )
    metadata: dict[str, Any] = {
        "suite": outcome.suite,
        "rows_validated": outcome.rows,
        "expectations_evaluated": outcome.evaluated,
        "expectations_failed": len(outcome.failures),
        "failures": dg.MetadataValue.md(failed or "none"),
        "failures_json": dg.MetadataValue.json(outcome.failures),
    }
    if outcome.docs_url:
        metadata["data_docs"] = dg.MetadataValue.url(outcome.docs_url)
    if thresholds:
        metadata["threshold_source"] = thresholds
    return dg.AssetCheckResult(passed=outcome.success, severity=severity, metadata=metadata)
