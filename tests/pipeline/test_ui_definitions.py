"""What the Dagster UI shows comes from the definitions and the instance settings: a description on every asset
and check, the automation sensor and the schedule running from the start, no first-visit dialog, column types
for dbt models."""

import json
from pathlib import Path

import dagster as dg
import pytest
import yaml

from assets import dbt as dbt_assets
from orchestration.definitions import defs
from orchestration.settings import PROJECT_ROOT

pytestmark = pytest.mark.fast


def test_every_asset_and_check_has_a_description() -> None:
    graph = defs.resolve_asset_graph()
    missing = [k.to_user_string() for k in graph.get_all_asset_keys() if not (graph.get(k).description or "").strip()]
    assert missing == []
    checks = list(graph.asset_check_keys)
    manifest = json.loads(dbt_assets.DBT_PROJECT.manifest_path.read_text())
    dbt_tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test" and n["attached_node"]}
    names = {c.name for c in checks}
    assert dbt_tests and dbt_tests <= names  # every dbt test of a model is a check
    assert any(name.startswith("ge_") for name in names)  # and the GE gates
    no_text = [c.to_user_string() for c in checks if not (graph.get_check_spec(c).description or "").strip()]
    assert no_text == []


def test_automation_sensor_and_schedule_run_by_default() -> None:
    sensor = defs.resolve_sensor_def("default_automation_condition_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensor.description
    assert defs.resolve_schedule_def("daily_snapshot").default_status == dg.DefaultScheduleStatus.RUNNING


def test_instance_settings_turn_the_first_visit_dialog_off() -> None:
    settings = yaml.safe_load((PROJECT_ROOT / "orchestration" / "dagster.yaml").read_text())
    assert settings["nux"] == {"enabled": False}
    assert settings["telemetry"] == {"enabled": False}


def test_dbt_models_carry_column_types_from_the_last_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    types = tmp_path / "column_types.json"
    types.write_text(json.dumps({"kg.models": [["id", "VARCHAR"], ["downloads", "BIGINT"], ["extra", "DATE"]]}))
    monkeypatch.setattr(dbt_assets, "COLUMN_TYPES", types)
    manifest = json.loads(dbt_assets.DBT_PROJECT.manifest_path.read_text())
    columns = dbt_assets.LayeredTranslator().get_metadata(manifest["nodes"]["model.hubkg.models"])
    schema = {c.name: c for c in columns["dagster/column_schema"].columns}
    assert {name: c.type for name, c in schema.items()} == {"id": "VARCHAR", "downloads": "BIGINT", "extra": "DATE"}
    assert schema["id"].description  # the column docs of schema.yml are kept
