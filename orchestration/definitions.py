"""The one entry point: assets by layer, checks, resources, jobs and schedules of HubKG."""

import dagster as dg

from assets.atlas import atlas_assets
from assets.baselines import baseline_assets
from assets.benchmarks import benchmark_export_assets
from assets.dbt import hubkg_dbt_models
from assets.exports import export_assets
from assets.publish import publish_assets
from assets.raw import raw_assets
from assets.serving import serving_warehouse
from orchestration.checks import gate_checks
from orchestration.maintenance import daily_maintenance, maintenance_job
from orchestration.resources import build_resources
from orchestration.schedules import automation_sensor, daily_snapshot, refresh_job
from orchestration.settings import Settings


def build_defs(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            *raw_assets,
            hubkg_dbt_models,
            *export_assets,
            *benchmark_export_assets,
            *baseline_assets,
            *atlas_assets,
            *publish_assets,
            serving_warehouse,
        ],
        asset_checks=gate_checks,
        jobs=[refresh_job, maintenance_job],
        # Ad-hoc materializations (UI, CLI, automation) too: one process, one DuckDB writer.
        executor=dg.in_process_executor,
        schedules=[daily_snapshot, daily_maintenance],
        sensors=[automation_sensor],
        resources=build_resources(settings),
    )


defs = build_defs(Settings.from_env())
