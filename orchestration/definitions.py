"""The one entry point: assets, checks, resources, jobs and schedules of HubKG."""

import dagster as dg

from assets.atlas import atlas_assets
from assets.baselines import baseline_assets
from assets.benchmark_exports import benchmark_export_assets
from assets.exports import export_assets
from assets.publish import publish_assets
from assets.serving import serving_warehouse
from assets.snapshot import snapshot_assets
from assets.transform import hubkg_dbt_models
from orchestration.automation import SNAPSHOT_DAYS, SNAPSHOT_HOUR, WAREHOUSE_TAG
from orchestration.checks import gate_checks
from orchestration.resources import build_resources
from orchestration.settings import Settings

# One warehouse file, one writer: a run executes its steps in one process, one after the other, and the
# `hubkg/warehouse` tag lets the run queue (dagster.yaml) admit one such run at a time.
refresh_job = dg.define_asset_job(
    "hubkg_refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    tags=WAREHOUSE_TAG,
    partitions_def=SNAPSHOT_DAYS,
    description="Snapshot the Hub, build the graph, run the gates, publish, refresh the serving copy.",
)
# Every day a run of that day's partition; the run key is the date, so one run per snapshot date.
daily_snapshot = dg.build_schedule_from_partitioned_job(
    refresh_job,
    name="daily_snapshot",
    hour_of_day=SNAPSHOT_HOUR,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Daily snapshot of the Hub: crawl, build, gate, publish. One run per snapshot date.",
)


def build_defs(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            *snapshot_assets,
            hubkg_dbt_models,
            *export_assets,
            *benchmark_export_assets,
            *baseline_assets,
            *atlas_assets,
            *publish_assets,
            serving_warehouse,
        ],
        asset_checks=gate_checks,
        jobs=[refresh_job],
        # Ad-hoc materializations (UI, CLI, automation) too: one process, one DuckDB writer.
        executor=dg.in_process_executor,
        schedules=[daily_snapshot],
        resources=build_resources(settings),
    )


defs = build_defs(Settings.from_env())
