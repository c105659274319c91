"""Staging and knowledge-graph layers: the dbt project, one Dagster asset per model, dbt tests as checks."""

import json

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_duckdb import DuckDBResource

from orchestration.automation import SNAPSHOT_DAYS, snapshot_of
from orchestration.dbt import DBT_PROJECT, LayeredTranslator, ensure_manifest, layer_models

ensure_manifest()

# Rebuilt for the snapshot of each build, not kept per snapshot: a mart reads whichever snapshot they hold.
PER_BUILD_LAYERS = ("staging", "intermediate")
PER_BUILD_KEYS = {dg.AssetKey([layer, name]) for layer in PER_BUILD_LAYERS for name, _ in layer_models(layer)}


def check_per_build_layers(context: dg.AssetExecutionContext, warehouse: DuckDBResource, snapshot: str) -> None:
    """A run that builds marts without the staging and intermediate models must find those tables holding its
    own snapshot; otherwise the marts would be built from another day's rows."""
    if set(context.selected_asset_keys) >= PER_BUILD_KEYS:
        return
    with warehouse.get_connection() as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.columns WHERE column_name = 'snapshot_date' "
            f"AND table_schema IN {PER_BUILD_LAYERS} AND table_catalog = current_database()"
        ).fetchall()
        held = {
            str(day)
            for schema, table in tables
            for (day,) in con.execute(f'SELECT DISTINCT snapshot_date FROM {schema}."{table}"').fetchall()
        }
    if held - {snapshot}:
        raise dg.Failure(
            f"the staging and intermediate tables hold snapshot {', '.join(sorted(held))}, not {snapshot}: "
            "materialize them in the same run (select the whole dbt layer chain, or the full job) for this partition"
        )


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    dagster_dbt_translator=LayeredTranslator(),
    partitions_def=SNAPSHOT_DAYS,
    # one snapshot per run, like every other asset (dbt's default would build a backfill's days in one run)
    backfill_policy=dg.BackfillPolicy.multi_run(1),
)
def hubkg_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBResource):
    """Builds the dbt models (staging, intermediate, knowledge-graph and benchmark tables) of the partition's
    snapshot and runs their tests; the marts (`snapshot_partition`) replace exactly that snapshot's rows and keep
    every other."""
    snapshot = snapshot_of(context).isoformat()
    check_per_build_layers(context, warehouse, snapshot)
    yield from dbt.cli(["build", "--vars", json.dumps({"snapshot_date": snapshot})], context=context).stream()
