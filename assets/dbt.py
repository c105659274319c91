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

from assets.partitions import FOLLOW_INPUTS, SNAPSHOT_DAYS, snapshot_of

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


class LayeredTranslator(DagsterDbtTranslator):
    """Model `models/<layer>/<name>.sql` becomes asset `<layer>/<name>` in group `<layer>`."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

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
def hubkg_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Builds the dbt models (staging, intermediate, knowledge-graph and benchmark tables) of the partition's
    snapshot and runs their tests; the marts (`snapshot_partition`) replace exactly that snapshot's rows and keep
    every other, and refuse to build from staging or intermediate tables that hold another snapshot."""
    snapshot = snapshot_of(context).isoformat()
    yield from dbt.cli(["build", "--vars", json.dumps({"snapshot_date": snapshot})], context=context).stream()
