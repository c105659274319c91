"""When things run: the daily snapshot schedule, the conditions that let downstream layers follow their inputs,
and the freshness promise of what we publish."""

from datetime import UTC, timedelta

import dagster as dg

# Derived layers follow new inputs, but never past a failed blocking gate.
FOLLOW_INPUTS = dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()

# The schedule starts at 03:00 UTC; a release is due by 12:00 UTC the same day.
SNAPSHOT_CRON = "0 3 * * *"
SNAPSHOT_TIMEZONE = "UTC"
PUBLISHED_FRESHNESS = dg.FreshnessPolicy.cron(
    deadline_cron="0 12 * * *", lower_bound_delta=timedelta(hours=9), timezone=SNAPSHOT_TIMEZONE
)
# Every run that writes the build database carries this tag; dagster.yaml allows one such run at a time.
WAREHOUSE_TAG = {"hubkg/warehouse": "build"}
SNAPSHOT_TAG = "hubkg/snapshot_date"


def build_daily_schedule(job: str) -> dg.ScheduleDefinition:
    @dg.schedule(
        job_name=job,
        cron_schedule=SNAPSHOT_CRON,
        execution_timezone=SNAPSHOT_TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Daily snapshot of the Hub: crawl, build, gate, publish. One run per snapshot date.",
    )
    def daily_snapshot(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = context.scheduled_execution_time.astimezone(UTC).date().isoformat()
        return dg.RunRequest(run_key=f"snapshot-{day}", tags={SNAPSHOT_TAG: day, **WAREHOUSE_TAG})

    return daily_snapshot
