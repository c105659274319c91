"""When HubKG runs: the refresh job (every asset of one snapshot date) and its daily schedule."""

import dagster as dg

from assets.partitions import SNAPSHOT_HOUR, WAREHOUSE_TAG

# One warehouse file, one writer: a run executes its steps in one process, one after the other, and the
# `hubkg/warehouse` tag lets the run queue (dagster.yaml) admit one such run at a time.
refresh_job = dg.define_asset_job(
    "hubkg_refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    tags=WAREHOUSE_TAG,
    description="Snapshot the Hub, build the graph, run the gates, publish, refresh the serving copy.",
)
# Every asset is partitioned by SNAPSHOT_DAYS, so the job is too. Every day a run of that day's partition; the run key is the date, so one run per snapshot date.
daily_snapshot = dg.build_schedule_from_partitioned_job(
    refresh_job,
    name="daily_snapshot",
    hour_of_day=SNAPSHOT_HOUR,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily snapshot of the Hub: crawl, build, gate, publish. One run per snapshot date.",
)
