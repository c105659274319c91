"""Dagster's own storage has retention: the maintenance job deletes finished runs (records, event logs, compute
logs) and dbt target folders older than the setting, and keeps what is younger and itself."""

import os
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration import maintenance
from orchestration.definitions import build_defs
from orchestration.maintenance import Retention, maintenance_job
from orchestration.settings import Settings

pytestmark = pytest.mark.fast  # a temporary instance and two tiny jobs: no server, no dbt build


@dg.op
def say_something(context: dg.OpExecutionContext) -> None:
    context.log.info("a line for the event log")
    print("a line for the compute log")


@dg.job
def busy_job() -> None:
    say_something()


def test_runs_and_dbt_folders_past_the_retention_are_pruned(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "target"
    (target / "hubkg_dbt_models-aaaaaaa-1111111").mkdir(parents=True)
    (target / "hubkg_dbt_models-bbbbbbb-2222222").mkdir()
    (target / "manifest.json").write_text("{}")
    old = time.time() - 3 * 86400
    os.utime(target / "hubkg_dbt_models-aaaaaaa-1111111", (old, old))
    monkeypatch.setattr(maintenance, "DBT_TARGET", target)
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        old_runs = [busy_job.execute_in_process(instance=instance).run_id for _ in range(2)]
        assert all(instance.all_logs(run_id) for run_id in old_runs)
        files = [tmp_path / "history" / "runs" / f"{run_id}.db" for run_id in old_runs]
        files += [tmp_path / "storage" / run_id / "compute_logs" for run_id in old_runs]
        assert all(f.exists() for f in files)
        # Nothing is 2 days old yet: a 2-day retention prunes no run.
        kept = maintenance_job.execute_in_process(instance=instance, resources={"storage_retention": Retention(2)})
        assert kept.success and len(instance.get_runs()) == 3
        # A retention of 0 days prunes every finished run but the maintenance run itself.
        pruned = maintenance_job.execute_in_process(instance=instance, resources={"storage_retention": Retention(0)})
        assert pruned.success
        assert [r.run_id for r in instance.get_runs()] == [pruned.run_id]
        assert not any(f.exists() for f in files)  # the event shards and compute logs are gone from disk
        assert instance.all_logs(pruned.run_id)
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json"]  # the young folder went with 0 days


def test_the_job_and_its_schedule_are_defined_with_the_setting(tmp_path: Path) -> None:
    defs = build_defs(Settings(data_dir=tmp_path, dagster_retention_days=3))
    assert defs.get_job_def("maintenance_job")
    assert defs.get_schedule_def("daily_maintenance").job_name == "maintenance_job"
    assert defs.resources["storage_retention"] == Retention(3)
