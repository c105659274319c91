"""Dagster's own storage has retention: the maintenance job deletes finished runs (records, event logs, compute
logs) and dbt target folders older than the setting, and keeps what is younger and itself."""

import gzip
import os
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from dagster_duckdb import DuckDBResource

from orchestration import maintenance
from orchestration.definitions import build_defs
from orchestration.maintenance import (
    GATE_RESULTS,
    Retention,
    compact_tables,
    compress_older_files,
    link_identical_files,
    maintenance_job,
    prune_gate_results,
    prune_snapshot_folders,
    prune_snapshot_marts,
)
from orchestration.settings import Settings
from release.blocks import BLOCK_SIZE, LARGE_BLOCK_SIZE

pytestmark = pytest.mark.fast  # a temporary instance and two tiny jobs: no server, no dbt build


@dg.op
def say_something(context: dg.OpExecutionContext) -> None:
    context.log.info("a line for the event log")
    print("a line for the compute log")


@dg.job
def busy_job() -> None:
    say_something()


def test_runs_and_dbt_folders_past_the_retention_are_pruned(tmp_path: Path, monkeypatch) -> None:
    def resources(days: float) -> dict:
        warehouse = DuckDBResource(database=str(tmp_path / "w.duckdb"))
        return {"storage_retention": Retention(days), "warehouse": warehouse, "data_dir": tmp_path / "data"}

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
        kept = maintenance_job.execute_in_process(instance=instance, resources=resources(2))
        assert kept.success and len(instance.get_runs()) == 3
        # A retention of 0 days prunes every finished run but the maintenance run itself.
        pruned = maintenance_job.execute_in_process(instance=instance, resources=resources(0))
        assert pruned.success
        assert [r.run_id for r in instance.get_runs()] == [pruned.run_id]
        assert not any(f.exists() for f in files)  # the event shards and compute logs are gone from disk
        assert instance.all_logs(pruned.run_id)
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json"]  # the young folder went with 0 days


@dg.asset
def wordy_asset() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"preview": dg.MetadataValue.md("x" * 200_000)})


@dg.asset_check(asset=wordy_asset)
def wordy_check() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True, metadata={"sample": dg.MetadataValue.md("y" * 200_000)})


def test_pruned_runs_give_their_bytes_back_from_the_event_index(tmp_path: Path) -> None:
    """An asset event is stored in its run's shard and again in the SQLite index, and a check's evaluation once
    more in the index's check executions, which Dagster's `delete_run` leaves; once the run is deleted its pages
    would stay in the index file for reuse, so the file only ever grew."""
    resources = {"storage_retention": Retention(0), "warehouse": DuckDBResource(database=str(tmp_path / "w.duckdb"))}
    check = wordy_check.check_key
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        for _ in range(5):
            assert dg.materialize([wordy_asset, wordy_check], instance=instance).success
        assert len(instance.event_log_storage.get_asset_check_execution_history(check, limit=10)) == 5
        index = tmp_path / "history" / "runs" / "index.db"
        before = index.stat().st_size
        assert before > 5 * 3 * 200_000  # each run's materialization is in the index, its check evaluation twice
        pruned = maintenance_job.execute_in_process(instance=instance, resources=resources | {"data_dir": tmp_path})
        assert pruned.success
        assert [r.run_id for r in instance.get_runs()] == [pruned.run_id]
        assert instance.event_log_storage.get_asset_check_execution_history(check, limit=10) == []
        assert index.stat().st_size < before - 4 * 3 * 200_000
        messages = [e.message for e in instance.all_logs(pruned.run_id) if e.message]
        assert any("MB given back by the event index" in m for m in messages)


def test_the_job_and_its_schedule_are_defined_with_the_settings(tmp_path: Path) -> None:
    defs = build_defs(
        Settings(data_dir=tmp_path, dagster_retention_days=3, output_retention_days=2, raw_retention_days=20)
    )
    assert defs.get_job_def("maintenance_job").tags["hubkg/warehouse"] == "build"  # one warehouse writer
    assert defs.get_schedule_def("daily_maintenance").job_name == "maintenance_job"
    assert defs.resources["storage_retention"] == Retention(3, 2, 20)


def test_outputs_keep_the_latest_snapshot_and_the_window_before_it(tmp_path: Path) -> None:
    days = [f"2026-11-{d:02d}" for d in range(1, 11)]
    for root in ("exports", "benchmarks", "atlas", "releases/hubkg-graph", "releases/hubkg-benchmarks"):
        for day in days:
            (tmp_path / root / day).mkdir(parents=True)
    (tmp_path / "benchmarks" / "leaderboard.svg").write_text("<svg/>")
    assert prune_snapshot_folders(tmp_path, 3) == 5 * 6
    for root in ("exports", "atlas", "releases/hubkg-graph"):
        assert sorted(p.name for p in (tmp_path / root).iterdir()) == days[-4:]
    assert (tmp_path / "benchmarks" / "leaderboard.svg").exists()
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE SCHEMA benchmarks; CREATE SCHEMA kg")
        for table in ("benchmarks.rec_interactions", "kg.models__history"):
            con.execute(
                f"CREATE TABLE {table} AS SELECT (DATE '2026-11-01' + INTERVAL (i) DAY)::DATE AS snapshot_date "
                "FROM range(10) t(i)"
            )
        assert prune_snapshot_marts(con, 3) == 6
        assert con.execute("SELECT min(snapshot_date)::VARCHAR FROM benchmarks.rec_interactions").fetchone() == (
            days[-4],
        )
        assert con.execute("SELECT count(*) FROM kg.models__history").fetchone() == (10,)  # kg is kept whole


def test_identical_output_files_become_one_file_and_outlive_the_folder_pruned(tmp_path: Path) -> None:
    table, changed = b"PAR1 the same relation PAR1", b"PAR1 models of day 2 PAR1"
    files = {
        "exports/2026-11-01/relations/r.parquet": table,
        "exports/2026-11-02/relations/r.parquet": table,  # unchanged since yesterday
        "releases/hubkg-graph/2026-11-02/data/r/train-00000-of-00001.parquet": table,  # the release's shard
        "exports/2026-11-01/nodes/models.parquet": b"PAR1 models of day 1 PAR1",
        "exports/2026-11-02/nodes/models.parquet": changed,  # same size, other bytes
        "atlas/2026-11-02/atlas.svg": b"<svg/>",
        "atlas/2026-11-02/space/atlas.svg": b"<svg/>",
        "benchmarks/leaderboard.svg": b"<svg/>",  # not a dated folder: left alone
        "benchmarks/2026-11-02/.tracing.tmp/train.txt": table,  # a folder being written: left alone
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "exports/2026-11-02/relations/.r.parquet.link").write_bytes(b"PAR1 half")  # a job stopped there

    assert link_identical_files(tmp_path) == (3, 2 * len(table) + len(b"<svg/>"))
    inode = {name: (tmp_path / name).stat().st_ino for name in files}
    assert inode["exports/2026-11-01/relations/r.parquet"] == inode["exports/2026-11-02/relations/r.parquet"]
    assert (
        inode["exports/2026-11-01/relations/r.parquet"]
        == inode["releases/hubkg-graph/2026-11-02/data/r/train-00000-of-00001.parquet"]
    )
    assert inode["atlas/2026-11-02/atlas.svg"] == inode["atlas/2026-11-02/space/atlas.svg"]
    assert inode["exports/2026-11-01/nodes/models.parquet"] != inode["exports/2026-11-02/nodes/models.parquet"]
    assert inode["benchmarks/leaderboard.svg"] != inode["atlas/2026-11-02/atlas.svg"]
    assert inode["benchmarks/2026-11-02/.tracing.tmp/train.txt"] != inode["exports/2026-11-02/relations/r.parquet"]
    assert {name: (tmp_path / name).read_bytes() for name in files} == files
    assert not list(tmp_path.rglob("*.link"))
    assert link_identical_files(tmp_path) == (0, 0)  # nothing left to link

    # The oldest folder pruned: its linked file lives on under the names the kept folders give it.
    assert prune_snapshot_folders(tmp_path, 0) == 1
    assert (tmp_path / "exports/2026-11-02/relations/r.parquet").read_bytes() == table
    assert (tmp_path / "releases/hubkg-graph/2026-11-02/data/r/train-00000-of-00001.parquet").read_bytes() == table


def test_older_snapshots_large_export_and_benchmark_files_are_gzipped(tmp_path: Path) -> None:
    triples = "".join(f"user{i}\tuser_like_model\torg/model-{i % 97}\n" for i in range(40_000)).encode()
    assert len(triples) > 1 << 20
    days = ("2026-11-01", "2026-11-02", "2026-11-03")
    large = ("exports/{}/triples.txt", "benchmarks/{}/recommendation/recbole/kg/kg.kg")
    kept = ("exports/{}/nodes/models.parquet", "releases/hubkg-graph/{}/data/big.txt", "atlas/{}/space/atlas.svg")
    for day in days:
        for name in (*large, *kept):
            (tmp_path / name.format(day)).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name.format(day)).write_bytes(triples)
        (tmp_path / f"exports/{day}/README.txt").write_text("small")
        variant = tmp_path / f"benchmarks/{day}/recommendation/recbole/kg2/kg2.kg"  # RecBole's linked variants
        variant.parent.mkdir()
        os.link(tmp_path / large[1].format(day), variant)

    (tmp_path / f"benchmarks/{days[0]}/recommendation/recbole/kg2/.kg2.kg.gz.tmp").write_bytes(b"half")  # a job stopped

    compressed, saved = compress_older_files(tmp_path)
    assert compressed == 2 * (len(large) + 1)  # the two older days; the latest stays as the tools read it
    linked = tmp_path / f"benchmarks/{days[0]}/recommendation/recbole/kg2/kg2.kg.gz"
    assert linked.samefile(tmp_path / f"{large[1].format(days[0])}.gz")  # one file compressed once
    assert saved > 0.9 * 2 * len(large) * len(triples)
    for day in days[:2]:
        for name in large:
            assert not (tmp_path / name.format(day)).exists()
            assert gzip.decompress((tmp_path / f"{name.format(day)}.gz").read_bytes()) == triples
        assert (tmp_path / f"exports/{day}/README.txt").read_text() == "small"  # below the size worth it
    read = pd.read_csv(tmp_path / f"exports/{days[0]}/triples.txt.gz", sep="\t", header=None)
    assert read.shape == (40_000, 3)
    for name in (*large, *kept):
        assert (tmp_path / name.format(days[-1])).read_bytes() == triples
    for name in kept:  # parquet is compressed; releases and the atlas are repos to publish
        assert all((tmp_path / name.format(day)).exists() for day in days)
    assert not list(tmp_path.rglob("*.tmp"))
    assert compress_older_files(tmp_path) == (0, 0)
    # The same bytes give the same compressed file, so the older days' copies become one file.
    gz = [tmp_path / f"{large[0].format(day)}.gz" for day in days[:2]]
    assert gz[0].read_bytes() == gz[1].read_bytes()
    link_identical_files(tmp_path)
    assert gz[0].samefile(gz[1])


def test_gate_results_keep_each_suites_last_runs(tmp_path: Path) -> None:
    runs = [f"20261{d}01T031500.000000Z" for d in range(1, 10)]  # nine runs, names in time order
    for root in GATE_RESULTS:
        for suite in ("kg_models", "leaderboard"):
            for run in runs:
                (tmp_path / root / suite / "__none__" / run).mkdir(parents=True)
                (tmp_path / root / suite / "__none__" / run / "result.json").write_text("{}")
    static = tmp_path / "gx/gx/uncommitted/data_docs/local_site/static"
    static.mkdir(parents=True)
    assert prune_gate_results(tmp_path, 3) == 2 * 2 * 6
    for root in GATE_RESULTS:
        assert sorted(p.name for p in (tmp_path / root / "kg_models" / "__none__").iterdir()) == runs[-3:]
    assert static.is_dir()  # the site's own files stay


def test_the_dbt_target_pruned_is_the_projects_own() -> None:
    """The folder dagster-dbt writes each invocation's artifacts in, whatever the working directory."""
    assert Path(__file__).resolve().parents[2] / "dbt_project" / "target" == maintenance.DBT_TARGET


def test_tables_the_deletes_left_mostly_empty_are_rewritten_and_give_their_blocks_back(tmp_path: Path) -> None:
    """Deletes spread over a table's row groups (what the retention does to raw spans) free no block until the
    table is rewritten — DuckDB's checkpoint merges neighbouring row groups only when their live rows fit in fewer,
    never in a table of one or two groups (most tables at 26K nodes); a table with few deleted rows, or with a
    primary key, is left as it is."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE SCHEMA raw")
        kept = {"raw.models__spans": "i % 10 >= 3", "raw.likes__spans": "i % 50 <> 0"}  # 30% and 2% deleted
        for table in kept:
            con.execute(f"CREATE TABLE {table} AS SELECT i, 'org/model-' || i AS key FROM range(200000) t(i)")
        con.execute("CREATE TABLE raw.crawl_state (i BIGINT PRIMARY KEY)")
        con.execute("INSERT INTO raw.crawl_state SELECT * FROM range(200000)")
        con.execute("CHECKPOINT")
        for table, rows in kept.items():
            con.execute(f"DELETE FROM {table} WHERE NOT ({rows})")
        con.execute("DELETE FROM raw.crawl_state WHERE i % 2 = 1")
        con.execute("CHECKPOINT")
        before = {
            t: con.execute(f"SELECT i, key FROM raw.{t} ORDER BY rowid").fetchall()
            for t in ("models__spans", "likes__spans")
        }
        used = con.execute("SELECT used_blocks FROM pragma_database_size()").fetchone()

        assert compact_tables(con) == ["raw.models__spans"]

        for table, rows in before.items():  # the same rows in the same order
            assert con.execute(f"SELECT i, key FROM raw.{table} ORDER BY rowid").fetchall() == rows
        stored = dict(con.execute("SELECT table_name, estimated_size FROM duckdb_tables()").fetchall())
        assert stored["models__spans"] == 140000  # no deleted row left
        assert stored["crawl_state"] > 100000  # kept as it was
        assert con.execute("SELECT used_blocks FROM pragma_database_size()").fetchone() < used
        assert compact_tables(con) == []  # nothing left to gain


def test_a_rewrite_reuses_the_blocks_the_days_deletes_freed(tmp_path: Path) -> None:
    """The retention deletes a mart's oldest snapshots (whole row groups) and the rewrite then copies what is left:
    the copy goes first into the blocks the deletes freed, so the file grows by less than half a copy of the table
    (by a whole copy when the rewrite ran before the checkpoint that frees them)."""
    with duckdb.connect(str(tmp_path / "w.duckdb"), config={"default_block_size": "16384"}) as con:
        con.execute("CREATE SCHEMA atlas")
        con.execute(
            "CREATE TABLE atlas.atlas_nodes AS SELECT (DATE '2026-11-01' + INTERVAL (i // 200000) DAY)::DATE "
            "AS snapshot_date, i, 'model-' || i AS id FROM range(1000000) t(i)"
        )
        con.execute("CHECKPOINT")
        (before,) = con.execute("SELECT total_blocks FROM pragma_database_size()").fetchone() or (0,)
        # the oldest two snapshots pruned, and a third of one more (rows spread over its row groups)
        con.execute("DELETE FROM atlas.atlas_nodes WHERE i < 400000 OR (i < 600000 AND i % 3 = 0)")
        assert compact_tables(con) == ["atlas.atlas_nodes"]
        assert con.execute("SELECT count(*) FROM atlas.atlas_nodes").fetchone() == (533334,)
        (after,) = con.execute("SELECT total_blocks FROM pragma_database_size()").fetchone() or (0,)
        (copy,) = con.execute(
            "SELECT count(DISTINCT block_id) FROM pragma_storage_info('atlas.atlas_nodes') WHERE block_id >= 0"
        ).fetchone() or (0,)
        assert after - before < copy / 2


def test_a_warehouse_past_its_row_threshold_moves_into_large_blocks_once(tmp_path: Path, monkeypatch) -> None:
    """The warehouse starts with small blocks (a small world's file stays small) and the maintenance job moves it
    into 64 KB blocks once it holds `LARGE_WAREHOUSE_ROWS` rows: every table, view, table macro and key comes along,
    and the file is replaced whole (no half-copied file is ever the warehouse, none is left beside it)."""
    path = tmp_path / "w.duckdb"
    config = {"default_block_size": str(BLOCK_SIZE)}
    with duckdb.connect(str(path), config=config) as con:
        con.execute("CREATE SCHEMA raw; CREATE SCHEMA kg")
        con.execute("CREATE TABLE raw.crawl_state (source VARCHAR PRIMARY KEY, done BOOLEAN)")
        con.execute("INSERT INTO raw.crawl_state VALUES ('models', true)")
        con.execute(
            "CREATE TABLE kg.models__history AS SELECT i AS id, 'org/model-' || i AS name FROM range(50000) t(i)"
        )
        con.execute("CREATE VIEW kg.models AS SELECT * FROM kg.models__history WHERE id % 2 = 0")
        con.execute("CREATE MACRO kg.models__as_of(d) AS TABLE SELECT * FROM kg.models__history WHERE id < d")
    monkeypatch.setattr(maintenance, "DBT_TARGET", tmp_path / "target")
    resources = {
        "storage_retention": Retention(2),
        "warehouse": DuckDBResource(database=str(path), connection_config=config),
        "data_dir": tmp_path / "data",
    }

    def run_maintenance(threshold: int) -> int:
        monkeypatch.setattr(maintenance, "LARGE_WAREHOUSE_ROWS", threshold)
        with dg.instance_for_test() as instance:
            assert maintenance_job.execute_in_process(instance=instance, resources=resources).success
        with duckdb.connect(str(path), read_only=True) as con:
            return int(con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0])

    assert run_maintenance(50_002) == BLOCK_SIZE  # 50,001 rows stored: not yet
    assert run_maintenance(50_001) == LARGE_BLOCK_SIZE
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".w", "w"))) == ["w.duckdb"]
    with duckdb.connect(str(path)) as con:
        assert con.execute("SELECT count(*), sum(id) FROM kg.models__history").fetchone() == (50000, 1249975000)
        assert con.execute("SELECT count(*) FROM kg.models").fetchone() == (25000,)
        assert con.execute("SELECT count(*) FROM kg.models__as_of(10)").fetchone() == (10,)
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO raw.crawl_state VALUES ('models', false)")
    assert run_maintenance(1) == LARGE_BLOCK_SIZE  # moved once: a 64 KB file stays as it is
