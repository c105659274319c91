"""When HubKG runs: the refresh job (every asset of one snapshot date), its daily schedule, and the automation
sensor that lets derived layers follow their inputs."""

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
# Every asset is partitioned by SNAPSHOT_DAYS, so the job is too.
# Every day a run of that day's partition; the run key is the date, so one run per snapshot date.
daily_snapshot = dg.build_schedule_from_partitioned_job(
    refresh_job,
    name="daily_snapshot",
    hour_of_day=SNAPSHOT_HOUR,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily snapshot of the Hub: crawl, build, gate, publish. One run per snapshot date.",
)
# The README promises that derived layers follow their inputs (eager automation conditions, never past a failed
# gate): that takes the automation sensor running, so it is on from the start.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "default_automation_condition_sensor",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Materializes derived assets when their inputs change (eager conditions), never past a failed gate.",
)
