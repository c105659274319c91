"""When things run: one partition per snapshot date, the daily schedule, the conditions that let downstream layers
follow their inputs, and the freshness promise of what we publish."""

from datetime import date, timedelta

import dagster as dg

# Derived layers follow new inputs, but never past a failed blocking gate.
FOLLOW_INPUTS = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()

# The daily run starts at 03:00 UTC (SNAPSHOT_HOUR); a release is due by 12:00 UTC the same day.
SNAPSHOT_TIMEZONE = "UTC"
SNAPSHOT_HOUR = 3
PUBLISHED_FRESHNESS = dg.FreshnessPolicy.cron(
    deadline_cron="0 12 * * *", lower_bound_delta=timedelta(hours=9), timezone=SNAPSHOT_TIMEZONE
)
# Every run that writes the build database carries this tag; dagster.yaml allows one such run at a time.
WAREHOUSE_TAG = {"hubkg/warehouse": "build"}

# Every asset is partitioned by snapshot date (UTC), from the month of HuggingKG's crawl on. Today's
# partition exists from midnight (end_offset=1): the 03:00 run snapshots the Hub as it is that day. A partition is
# one snapshot in every layer; re-materializing it replaces exactly that snapshot's rows and files.
SNAPSHOT_DAYS = dg.DailyPartitionsDefinition(start_date="2024-12-01", end_offset=1, timezone=SNAPSHOT_TIMEZONE)


def snapshot_of(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> date:
    """The snapshot date of the partition being materialized or checked."""
    return date.fromisoformat(context.partition_key)


def built_snapshot(context: dg.AssetExecutionContext, con, table: str) -> date:
    """The partition's snapshot date, checked to have rows in `table` (what a downstream asset reads)."""
    snapshot = snapshot_of(context)
    if not con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE snapshot_date = ?)", [snapshot]).fetchone()[0]:
        raise dg.Failure(f"{table} has no rows for snapshot {snapshot}: build that partition's graph first")
    return snapshot
