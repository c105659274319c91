"""Staging and knowledge-graph layers: the dbt project, one Dagster asset per model, dbt tests as checks."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt import DBT_PROJECT, LayeredTranslator, ensure_manifest

ensure_manifest()


@dbt_assets(manifest=DBT_PROJECT.manifest_path, dagster_dbt_translator=LayeredTranslator())
def hubkg_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Builds the dbt models (staging views, knowledge-graph tables) and runs their tests."""
    yield from dbt.cli(["build"], context=context).stream()
