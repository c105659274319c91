"""Run the pipeline stage by stage against the emulator on a generated world and print per-stage figures.

    .venv/bin/python perf/pipeline_stages.py --nodes 26143 [--seed 0] [--work /tmp/hubkg-bench] [--resume RUN_DIR]
    .venv/bin/python perf/pipeline_stages.py --raw-loader --nodes 261430 2614300 5228600 [--seed 0] [--work DIR]

With `--raw-loader` the crawl is skipped: for each `--nodes` in turn (one world at a time, each in a fresh run
directory, recreated from `--nodes/--seed` alone), the world is generated, its raw layer written by
`perf/raw_loader.py` (the rows a crawl would store), and every later stage timed on its own — dbt build, exports,
benchmark exports, baselines, atlas, publish (to an emulator serving an empty world), serving, and the gates (every
GE suite once, `perf/gates.py`; last, as one suite checks the leaderboard) — with `HUBKG_DUCKDB_MEMORY_LIMIT=8GB`
unless set. The snapshot is the world's `now` date, so the run is deterministic. It ends with one table: wall and
peak RSS per stage and size, and each size's ratio to the previous one. Each size's run directory is deleted once
measured unless `--keep`.

A run killed mid-stage (e.g. a HuggingKG-size crawl longer than a working session) continues with `--resume`: the
finished stages are kept (`stages.json` in the run directory), the interrupted one runs again — the crawl resumes
from its checkpoint — and its wall time adds the killed attempt's (start to its last request) to the new one's.

Each stage is a separate `dagster asset materialize` process under `/usr/bin/time`, so the figures are the
stage's wall time and peak RSS (dbt included); requests come from the emulator's log, served from its own
process so it does not share the pipeline's interpreter. The transform floor is the time DuckDB needs to read
the snapshot's raw rows once, as staging reads them (each source's view over its interval references and its
bodies by content, every JSON body parsed), and write every output table (kg, lineage, atlas, benchmarks) once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assets.dbt import DBT_EXECUTABLE, DBT_PROJECT  # noqa: E402
from orchestration.emulator_process import pipeline_environment, running_emulator  # noqa: E402
from release.serving import SERVED_SCHEMAS  # noqa: E402

STAGES = {
    "crawl": "group:raw",
    "transform + gates": "group:staging or group:intermediate or group:kg or group:benchmarks or group:atlas",
    "exports": "group:exports",
    "baselines (leaderboard)": "group:baselines",
    "publish": "group:publish",
    "serving": "group:serving",
}


def _last_request_time(log: Path) -> float:
    """Epoch seconds of the last request in the emulator log (0 if none)."""
    last = b""
    if log.exists():
        with log.open("rb") as f:
            f.seek(max(0, log.stat().st_size - 4096))
            last = f.read().splitlines()[-1] if log.stat().st_size else b""
    return json.loads(last)["ts"] if last else 0.0


def _lines(path: Path) -> int:
    return sum(1 for _ in path.open()) if path.exists() else 0


class Timing(NamedTuple):
    """A command's wall seconds, peak RSS (MiB) and CPU seconds (user + system, its children's included)."""

    wall: float
    rss: float
    cpu: float


def timed(command: list[str], env: dict[str, str]) -> Timing:
    """The command's `Timing`, via /usr/bin/time."""
    stats = Path(env["HUBKG_DATA_DIR"]) / "time.txt"
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M %U %S", "-o", str(stats), *command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:  # dbt reports on stdout, Dagster on stderr
        sys.exit(f"{command} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    wall, rss_kib, user, system = stats.read_text().split()[-4:]
    return Timing(float(wall), int(rss_kib) / 1024, float(user) + float(system))


def base_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[tuple[str, str, list[str]]]:
    """(schema, table, columns) of every base table in `schemas`."""
    return con.execute(
        "SELECT table_schema, table_name, list(c.column_name) FROM information_schema.tables "
        "JOIN information_schema.columns AS c USING (table_catalog, table_schema, table_name) "
        f"WHERE table_type = 'BASE TABLE' AND table_schema IN {schemas} AND table_catalog = current_database() "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()


def raw_relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list[str]]]:
    """(schema, relation, columns) of what staging reads from raw: each source's view of its snapshots' rows
    (`raw.<source>`, over the references kept as intervals and the bodies by content) and the crawl's own tables."""
    return con.execute(
        "SELECT table_schema, table_name, list(c.column_name) FROM information_schema.tables "
        "JOIN information_schema.columns AS c USING (table_catalog, table_schema, table_name) "
        "WHERE table_schema = 'raw' AND table_catalog = current_database() AND NOT contains(table_name, '__') "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()


def transform_floor(warehouse: Path, snapshot: str) -> float:
    """Seconds for DuckDB to read the `snapshot` rows of every raw table (parsing each JSON body, or its two stored
    parts where the view has them) and write the snapshot's rows of every output table of the build (the served
    layers: kg, lineage, atlas, benchmarks) once."""

    def rows(schema: str, table: str, columns: list[str]) -> str:
        source = f'FROM {schema}."{table}"'
        if "snapshot_date" in columns:
            return f"{source} WHERE snapshot_date = '{snapshot}'"
        if "valid_from" in columns:  # a history table: the rows valid on the snapshot
            return f"{source} WHERE valid_from <= '{snapshot}' AND (valid_to IS NULL OR valid_to > '{snapshot}')"
        return source

    with duckdb.connect(str(warehouse)) as con:
        started = time.monotonic()
        for schema, table, columns in raw_relations(con):
            probe = "sum(length(json_keys(body)))" if "body" in columns else "count(*)"
            if "stored_body" in columns:  # a body is read as its two stored parts, as staging reads it
                probe = "sum(length(json_keys(stored_body)) + coalesce(length(json_keys(counters)), 0))"
            con.execute(f"SELECT {probe} {rows(schema, table, columns)}").fetchall()
        con.execute("CREATE SCHEMA IF NOT EXISTS floor_copy")
        for schema, table, columns in base_tables(con, SERVED_SCHEMAS):
            copy = f'CREATE OR REPLACE TABLE floor_copy."{schema}_{table}" AS SELECT *'
            con.execute(f"{copy} {rows(schema, table, columns)}")
        seconds = time.monotonic() - started
        con.execute("DROP SCHEMA floor_copy CASCADE")
    return seconds


def materialize(selection: str, snapshot: str, env: dict[str, str]) -> Timing:
    """The `Timing` of `dagster asset materialize` of `selection` for the `snapshot` partition."""
    dagster = str(Path(sys.executable).parent / "dagster")
    command = [dagster, "asset", "materialize", "-m", "orchestration.definitions", "--select", selection]
    return timed([*command, "--partition", snapshot], env)


def ensure_world(work: Path, nodes: int, seed: int) -> Path:
    """The generated world of `nodes` and `seed` under `work` (generated once, then reused)."""
    world = work / f"world-{nodes}-{seed}"
    if not (world / "world.json").exists():
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "hub_emulator",
                "generate",
                "--nodes",
                str(nodes),
                "--seed",
                str(seed),
                "--out",
                str(world),
            ],
            check=True,
            cwd=ROOT,
        )
        print(f"generated {world} in {time.monotonic() - started:.1f} s")
    return world


# --raw-loader: the stages after the raw layer, each a Dagster materialization (dbt build and gates are timed on
# their own: a materialization of the dbt assets would run the gates inside it).
LOADED_STAGES = {
    "exports": "group:exports",
    "benchmark exports": "group:benchmarks and not kind:dbt",
    "baselines": "group:baselines",
    "atlas": "group:atlas and not kind:dbt",
    "publish": "group:publish",
    "serving": "group:serving",
}
Figures = dict[str, Timing]  # stage: its Timing (a list in the saved JSON)


def loaded_run(work: Path, nodes: int, seed: int) -> tuple[Figures, float]:
    """Every stage after the crawl on a freshly generated and loaded world of `nodes`; (figures, transform floor)."""
    run_dir = work / f"loaded-{nodes}-{seed}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    world, warehouse = run_dir / "world", run_dir / "hubkg.duckdb"
    settings = {
        "HUBKG_DATA_DIR": str(run_dir),
        "HUBKG_DUCKDB_PATH": str(warehouse),
        "HUBKG_DUCKDB_MEMORY_LIMIT": os.environ.get("HUBKG_DUCKDB_MEMORY_LIMIT", "8GB"),
    }
    env = {**os.environ, **settings}
    figures: Figures = {}

    def stage(name: str, command: list[str]) -> None:
        record(name, timed(command, env))

    def record(name: str, figure: Timing) -> None:
        figures[name] = figure
        cpu = f"CPU {figure.cpu / figure.wall:4.0%} of one core"
        print(f"{nodes:>9} nodes  {name:18s} {figure.wall:9.1f} s  {figure.rss:8.0f} MiB  {cpu}", flush=True)

    python = [sys.executable]
    stage(
        "generate world",
        [*python, "-m", "hub_emulator", "generate", "--nodes", str(nodes), "--seed", str(seed), "--out", str(world)],
    )
    snapshot = json.loads((world / "world.json").read_text())["now"][:10]
    stage(
        "load raw",
        [*python, "perf/raw_loader.py", "--world", str(world), "--warehouse", str(warehouse), "--snapshot", snapshot],
    )
    dbt = [DBT_EXECUTABLE, "build", "--quiet", "--vars", json.dumps({"snapshot_date": snapshot})]
    dbt += ["--project-dir", str(DBT_PROJECT.project_dir), "--profiles-dir", str(DBT_PROJECT.profiles_dir)]
    stage("dbt build", [*dbt, "--target-path", f"{run_dir}/target", "--log-path", f"{run_dir}/logs"])
    floor = transform_floor(warehouse, snapshot)
    ratio = figures["dbt build"].wall / floor
    print(f"{nodes:>9} nodes  transform floor    {floor:9.1f} s  (dbt build / floor {ratio:.1f}x)", flush=True)
    (run_dir / "empty-world").mkdir()
    with running_emulator(run_dir / "empty-world", run_dir / "hub") as url:  # publishing needs a Hub, not the world
        dagster_env = {**pipeline_environment(url, run_dir / "dagster_home"), **settings}
        for name, selection in LOADED_STAGES.items():
            record(name, materialize(selection, snapshot, dagster_env))
    # Last: the suites include the leaderboard's, which the baselines stage writes.
    stage("gates", [*python, "perf/gates.py", "--warehouse", str(warehouse), "--repeat", "1", "--snapshot", snapshot])
    print_baselines(warehouse)
    return figures, floor


def loaded_runs(work: Path, sizes: list[int], seed: int, keep: bool) -> int:
    """`loaded_run` for each size in turn, then the scaling table."""
    runs = {}
    for nodes in sizes:
        runs[nodes] = loaded_run(work, nodes, seed)
        # Each finished size is kept on disk: a run stopped before the last size still has the earlier ones' figures.
        (work / f"loaded-{seed}.json").write_text(json.dumps({str(n): run for n, run in runs.items()}, indent=1))
        if not keep:  # a 2x world and warehouse take tens of GB; each size is recreated from --nodes/--seed
            shutil.rmtree(work / f"loaded-{nodes}-{seed}")
    print_scaling(runs)
    return 0


def print_scaling(runs: dict[int, tuple[Figures, float]]) -> None:
    """One table: wall and peak RSS per stage and size, and each size's ratio to the previous size."""
    sizes = list(runs)
    head = "| stage | " + " | ".join(f"{n:,} nodes: wall s | peak RSS MiB" for n in sizes)
    head += "".join(f" | wall {b:,}/{a:,} | RSS {b:,}/{a:,}" for a, b in zip(sizes, sizes[1:], strict=False))
    print(f"\n{head} |\n|---|" + "---|" * (2 * len(sizes) + 2 * (len(sizes) - 1)))
    for name in runs[sizes[0]][0]:
        cells = [f"{runs[n][0][name][0]:.1f} | {runs[n][0][name][1]:,.0f}" for n in sizes]
        ratios = [
            f"{runs[b][0][name][0] / runs[a][0][name][0]:.2f} | {runs[b][0][name][1] / runs[a][0][name][1]:.2f}"
            for a, b in zip(sizes, sizes[1:], strict=False)
        ]
        print(f"| {name} | " + " | ".join(cells + ratios) + " |")
    floors = " | ".join(f"{runs[n][1]:.1f} s, dbt/floor {runs[n][0]['dbt build'][0] / runs[n][1]:.1f}x" for n in sizes)
    print(f"transform floor per size: {floors}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, nargs="+", required=True, help="several only with --raw-loader")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/hubkg-bench"))
    parser.add_argument("--resume", type=Path, default=None, help="continue an interrupted run in this run directory")
    parser.add_argument("--raw-loader", action="store_true", help="load the raw layer instead of crawling")
    parser.add_argument("--keep", action="store_true", help="--raw-loader: keep each size's run directory")
    args = parser.parse_args()
    if args.raw_loader:
        return loaded_runs(args.work, args.nodes, args.seed, args.keep)
    if len(args.nodes) > 1:
        parser.error("several --nodes need --raw-loader")
    args.nodes = args.nodes[0]
    world = ensure_world(args.work, args.nodes, args.seed)
    counts = json.loads((world / "world.json").read_text())["counts"]
    entities = sum(counts["nodes"].values())
    run_dir = args.resume or args.work / f"run-{args.nodes}-{args.seed}-{int(time.time())}"
    log = run_dir / "requests.jsonl"
    # Finished stages and the attempts of an interrupted one (wall times add up; the crawl resumes where it was).
    record = run_dir / "stages.json"
    done = json.loads(record.read_text()) if record.exists() else {}
    # Every stage materializes the same partition: the date the run began, kept for resumes.
    snapshot_file = run_dir / "snapshot_date"
    if not snapshot_file.exists():
        run_dir.mkdir(parents=True, exist_ok=True)
        snapshot_file.write_text(datetime.now(UTC).date().isoformat())
    snapshot = snapshot_file.read_text().strip()
    with running_emulator(world, run_dir / "hub", log=log) as url:
        env = {**pipeline_environment(url, run_dir / "dagster_home"), "HUBKG_DATA_DIR": str(run_dir)}
        for stage, selection in STAGES.items():
            if done.get(stage, {}).get("finished"):
                continue
            attempt = done.setdefault(stage, {"wall": 0.0, "rss": 0.0, "requests": 0, "attempts": 0})
            before = _lines(log)
            if attempt.get("open_since"):  # killed last time: it worked until its last request
                attempt["wall"] += max(0.0, _last_request_time(log) - attempt["open_since"])
                attempt["requests"] += before - attempt["requests_before"]
            attempt.update(attempts=attempt["attempts"] + 1, open_since=time.time(), requests_before=before)
            record.write_text(json.dumps(done, indent=1))
            wall, rss, _cpu = materialize(selection, snapshot, env)
            attempt.update(
                wall=attempt["wall"] + wall,
                rss=max(attempt["rss"], rss),
                requests=attempt["requests"] + _lines(log) - before,
                open_since=None,
                finished=True,
            )
            record.write_text(json.dumps(done, indent=1))
            print(f"{stage:18s} {wall:9.1f} s  {rss:8.0f} MiB  {_lines(log) - before:9d} requests", flush=True)
    floor = transform_floor(run_dir / "hubkg.duckdb", snapshot)
    print(f"\nworld: {args.nodes} nodes ({entities} entities), seed {args.seed}; run {run_dir}")
    print("| stage | wall s | peak RSS MiB | requests | entities/s | attempts |")
    print("|---|---|---|---|---|---|")
    for stage, row in done.items():
        print(
            f"| {stage} | {row['wall']:.1f} | {row['rss']:.0f} | {row['requests']} | "
            f"{entities / row['wall']:,.0f} | {row['attempts']} |"
        )
    transform = done["transform + gates"]["wall"]
    print(f"| transform floor (DuckDB reads raw, writes every output table once) | {floor:.1f} | | | | |")
    print(f"transform / floor = {transform / floor:.1f}x")
    print_steps(run_dir / "dagster_home")
    print_baselines(run_dir / "hubkg.duckdb")
    return 0


def print_steps(dagster_home: Path) -> None:
    """Where each stage's time went: the Dagster steps of every run (dbt build, each GE gate, each asset) ≥ 1 s,
    and the gates' total."""
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    import dagster as dg

    instance = dg.DagsterInstance.get()
    print("\n| step | seconds |\n|---|---|")
    gates = 0.0
    for run in reversed(instance.get_runs()):
        for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS):
            seconds = record.dagster_event.event_specific_data.duration_ms / 1000
            step = record.dagster_event.step_key
            gates += seconds if "_ge_" in step else 0.0
            if seconds >= 1:
                print(f"| {step} | {seconds:.1f} |")
    print(f"| all GE gates | {gates:.1f} |")


def print_baselines(warehouse: Path) -> None:
    """Each baseline's run time and headline score, from the leaderboard tables the stage wrote."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            SELECT r.benchmark, r.variant, r.method, r.seconds, l.metric, l.value, l.evaluated
            FROM benchmarks.baseline_runs AS r
            JOIN benchmarks.leaderboard AS l USING (snapshot_date, benchmark, variant, method)
            WHERE l.metric IN ('recall@20', 'micro_f1', 'mrr')
                AND r.snapshot_date = (SELECT max(snapshot_date) FROM benchmarks.baseline_runs)
            ORDER BY 1, 2, 3
            """
        ).fetchall()
    print("\n| benchmark | split | baseline | seconds | metric | score | evaluated |")
    print("|---|---|---|---|---|---|---|")
    for benchmark, variant, method, seconds, metric, value, evaluated in rows:
        print(f"| {benchmark} | {variant} | {method} | {seconds:.1f} | {metric} | {value:.4f} | {evaluated:,} |")


if __name__ == "__main__":
    sys.exit(main())
