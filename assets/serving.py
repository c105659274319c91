"""Serving layer: the read-only copy of the last build that passed its gates, for SQL users."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import FOLLOW_INPUTS, SNAPSHOT_DAYS, snapshot_of
from assets.publish import SNAPSHOT_TABLES
from release.serving import refresh_serving_copy
from release.summary import markdown, summarize


@dg.asset(
    key=["serving", "warehouse"],
    group_name="serving",
    deps=SNAPSHOT_TABLES,
    kinds={"duckdb"},
    owners=["team:hubkg"],
    code_version="1",
    partitions_def=SNAPSHOT_DAYS,
    automation_condition=FOLLOW_INPUTS,
)
def serving_warehouse(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: dg.ResourceParam[Path]
) -> dg.MaterializeResult:
    """A read-only copy of the published layers (`kg`, …) of the last build that passed its blocking gates,
    swapped in atomically. `hubkg query` reads it, so queries never block a run or see a half-built state."""
    with warehouse.get_connection() as con:
        counts = refresh_serving_copy(con, data_dir, context.run.run_id)
        previews = {
            name: con.execute(f"SELECT * FROM {name} LIMIT 5").df().to_markdown(index=False)
            for name in list(counts)[:3]
        }
        changes = con.execute(
            "SELECT element, change, count(*) AS n FROM kg.kg_changes "
            "WHERE snapshot_date = ? GROUP BY ALL ORDER BY ALL",
            [snapshot_of(context)],
        ).df()
        summary = summarize(con, snapshot_of(context))
    preview_md = "\n\n".join(f"**{name}** ({counts[name]:,} rows)\n\n{md}" for name, md in previews.items())
    return dg.MaterializeResult(
        metadata={
            # the same summary `hubkg demo` ends with
            "summary": dg.MetadataValue.md(markdown(summary)),
            "tables": dg.MetadataValue.json(counts),
            "preview": dg.MetadataValue.md(preview_md),
            "changes_since_previous_snapshot": dg.MetadataValue.md(
                changes.to_markdown(index=False) if len(changes) else "first snapshot: no previous one to compare"
            ),
        }
    )
