"""Staging, intermediate, knowledge-graph, benchmark and atlas layers: the dbt project, one Dagster asset per model
(keyed and grouped by layer: `staging/…`, `kg/…`), dbt tests as checks."""

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from dagster_duckdb import DuckDBResource

from assets.partitions import FOLLOW_INPUTS, SNAPSHOT_DAYS, snapshot_of
from crawler.store import refresh_views

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DBT_PROJECT = DbtProject(project_dir=PROJECT_ROOT / "dbt_project", profiles_dir=PROJECT_ROOT / "dbt_project")
# The dbt of this environment, also when the venv is not activated (Dagster UI, CI).
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def _manifest_is_current() -> bool:
    manifest = DBT_PROJECT.manifest_path
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    sources = (
        p for p in DBT_PROJECT.project_dir.rglob("*") if p.suffix in {".sql", ".yml"} and "target" not in p.parts
    )
    return all(p.stat().st_mtime <= built for p in sources)


def ensure_manifest() -> None:
    """Parse the dbt project when its manifest is missing (fresh clone) or older than a model, macro or schema
    file, so definitions always show the project as it is. Parsing never opens the warehouse, so any path
    satisfies the profile here."""
    if _manifest_is_current():
        return
    env = {**os.environ, "HUBKG_DUCKDB_PATH": os.environ.get("HUBKG_DUCKDB_PATH", "parse-only.duckdb")}
    subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT.project_dir),
            "--profiles-dir",
            str(DBT_PROJECT.profiles_dir),
            "--target-path",
            str(DBT_PROJECT.target_path),
        ],
        check=True,
        env=env,
    )


def layer_models(layer: str) -> list[tuple[str, str]]:
    """(name, description) of every model in `models/<layer>/`, from the manifest, sorted by name."""
    ensure_manifest()
    nodes = json.loads(DBT_PROJECT.manifest_path.read_text(encoding="utf-8"))["nodes"].values()
    return sorted(
        (node["name"], node.get("description") or "")
        for node in nodes
        if node["resource_type"] == "model" and node["fqn"][1] == layer
    )


# Written by every build from the warehouse's own catalog (information_schema): the column types of every model,
# by `schema.table`. DuckDB's single writer (the dbt process, during the build) rules out dagster-dbt's
# `fetch_column_metadata`, which opens a second connection model by model while the build runs.
COLUMN_TYPES = DBT_PROJECT.manifest_path.parent / "column_types.json"


def record_column_types(con, schemas: list[str]) -> int:
    """Write the column types of every table in `schemas` to COLUMN_TYPES; returns the number of tables."""
    rows = con.execute(
        "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND list_contains(?, table_schema) "
        "ORDER BY table_schema, table_name, ordinal_position",
        [schemas],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    partial = COLUMN_TYPES.with_suffix(".json.tmp")
    partial.write_text(json.dumps(tables, indent=0), encoding="utf-8")
    partial.replace(COLUMN_TYPES)
    return len(tables)


def column_types() -> dict[str, list[tuple[str, str]]]:
    """(column, type) of each table of the last build, by `schema.table`; empty before the first build."""
    if not COLUMN_TYPES.exists():
        return {}
    return {table: [tuple(c) for c in columns] for table, columns in json.loads(COLUMN_TYPES.read_text()).items()}


def test_description(test: Mapping[str, Any]) -> str:
    """One line for a dbt test shown as a Dagster check: its own description, else what it tests."""
    if test.get("description"):
        return str(test["description"]).strip().splitlines()[0]
    name = (test.get("test_metadata") or {}).get("name") or test["name"]
    column = test.get("column_name")
    return f"dbt test `{name}`" + (f" on column `{column}`" if column else "") + " (this snapshot's rows)."


class LayeredTranslator(DagsterDbtTranslator):
    """Model `models/<layer>/<name>.sql` becomes asset `<layer>/<name>` in group `<layer>`; column types come from
    the last build's catalog, documented columns keep their descriptions."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
        self.column_types = column_types()

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        relation = f"{dbt_resource_props.get('schema')}.{dbt_resource_props.get('alias') or dbt_resource_props['name']}"
        built = self.column_types.get(relation)
        if built:
            documented = {name.lower(): info for name, info in dbt_resource_props.get("columns", {}).items()}
            columns = {name: {**documented.get(name.lower(), {}), "data_type": data_type} for name, data_type in built}
            dbt_resource_props = {**dbt_resource_props, "columns": columns}
        return super().get_metadata(dbt_resource_props)

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=test_description(manifest["nodes"][unique_id]))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["fqn"][1], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["fqn"][1]

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        return FOLLOW_INPUTS

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:hubkg"]


ensure_manifest()


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
    every other, and refuse to build from staging or intermediate tables that hold another snapshot."""
    snapshot = snapshot_of(context).isoformat()
    with warehouse.get_connection() as con:
        refresh_views(con)  # a warehouse an earlier version wrote gets the raw columns staging reads
    yield from dbt.cli(["build", "--vars", json.dumps({"snapshot_date": snapshot})], context=context).stream()
    with warehouse.get_connection() as con:
        tables = record_column_types(con, sorted({key.path[0] for key in context.selected_asset_keys}))
    context.log.info(f"column types of {tables} tables recorded for the UI ({COLUMN_TYPES.name})")
