"""The one entry point: assets, checks, resources and jobs of HubKG."""

import dagster as dg

from assets.publish import graph_dataset
from assets.snapshot import snapshot_assets
from assets.transform import hubkg_dbt_models
from orchestration.checks import gate_checks
from orchestration.resources import build_resources
from orchestration.settings import Settings

# One warehouse file, one writer: the whole pipeline runs in one process, step after step.
refresh_job = dg.define_asset_job(
    "hubkg_refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Snapshot the Hub, build the graph, run the gates, publish.",
)


def build_defs(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[*snapshot_assets, hubkg_dbt_models, graph_dataset],
        asset_checks=gate_checks,
        jobs=[refresh_job],
        resources=build_resources(settings),
    )


defs = build_defs(Settings.from_env())
