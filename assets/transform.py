"""Staging and knowledge-graph layers: the dbt project, one Dagster asset per model, dbt tests as checks."""

import json

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.automation import SNAPSHOT_DAYS, snapshot_of
from orchestration.dbt import DBT_PROJECT, LayeredTranslator, ensure_manifest

ensure_manifest()


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    dagster_dbt_translator=LayeredTranslator(),
    partitions_def=SNAPSHOT_DAYS,
    # one snapshot per run, like every other asset (dbt's default would build a backfill's days in one run)
    backfill_policy=dg.BackfillPolicy.multi_run(1),
)
def hubkg_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Builds the dbt models (staging, intermediate, knowledge-graph and benchmark tables) of the partition's
    snapshot and runs their tests; the marts (`snapshot_partition`) replace exactly that snapshot's rows and keep
    every other, and refuse to build from staging or intermediate tables that hold another snapshot."""
    snapshot = snapshot_of(context).isoformat()
    yield from dbt.cli(["build", "--vars", json.dumps({"snapshot_date": snapshot})], context=context).stream()
