"""`hubkg` command: the demo against the Hub emulator, the Dagster UI wired to it, and SQL on the serving copy."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.emulator_process import SAMPLE_WORLD, pipeline_environment, running_emulator
from orchestration.settings import PROJECT_ROOT, Settings

DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _summary(settings: Settings, url: str) -> None:
    from huggingface_hub import HfApi

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        models = con.execute("SELECT count(*), max(snapshot_date) FROM kg.models").fetchone()
        quarantined = con.execute("SELECT count(*) FROM raw.quarantine").fetchone()[0]
    repo_id = f"{settings.publish_namespace}/{settings.graph_repo}"
    files = HfApi(endpoint=url).list_repo_files(repo_id, repo_type="dataset")
    print(
        "\nHubKG demo finished.\n"
        f"  warehouse      {settings.warehouse_path}  (kg.models: {models[0]} rows, snapshot {models[1]};"
        f" quarantined rows: {quarantined})\n"
        f"  published      dataset {repo_id} on the emulator: {len(files)} files ({', '.join(sorted(files))})\n"
        f"  releases       {settings.data_dir / 'releases'}\n"
        f"  Dagster runs   DAGSTER_HOME={DAGSTER_HOME}; open the UI with `make ui` (http://127.0.0.1:3000)\n"
        f'  SQL            {_bin("hubkg")} query "select count(*) from kg.models"  (serving copy, never blocks runs)'
    )


def demo(world: Path) -> int:
    """Serve `world` from the emulator, materialize every asset through Dagster, print where to look."""
    settings = Settings.from_env()
    started = time.monotonic()
    storage = settings.data_dir / "emulator"
    with running_emulator(world, storage, log=storage / "requests.jsonl") as url:
        print(f"Hub emulator serving {world} at {url}")
        # Today's partition, as the daily schedule would run it.
        today = {"dagster/partition": datetime.now(UTC).date().isoformat()}
        command = [_bin("dagster"), "job", "execute", "-m", "orchestration.definitions", "-j", "hubkg_refresh"]
        command += ["--tags", json.dumps(today)]
        result = subprocess.run(command, env=pipeline_environment(url, DAGSTER_HOME), cwd=PROJECT_ROOT)
        if result.returncode != 0:
            print(f"the pipeline run failed (exit {result.returncode}); see the log above", file=sys.stderr)
            return result.returncode
        _summary(settings, url)
    print(f"  wall time      {time.monotonic() - started:.1f} s")
    return 0


def ui(world: Path, port: int) -> int:
    """Serve `world` from the emulator and start `dagster dev` against it until interrupted."""
    settings = Settings.from_env()
    storage = settings.data_dir / "emulator"
    with running_emulator(world, storage, log=storage / "requests.jsonl") as url:
        print(f"Hub emulator serving {world} at {url}; Dagster UI on http://127.0.0.1:{port}")
        command = [_bin("dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
        try:
            return subprocess.run(command, env=pipeline_environment(url, DAGSTER_HOME), cwd=PROJECT_ROOT).returncode
        except KeyboardInterrupt:
            return 0


def query(sql: str, output: str) -> int:
    """Run SQL on the serving copy and print it as a table, CSV or JSON."""
    from release.serving import query as run_query

    try:
        relation = run_query(sql, Settings.from_env().data_dir)
    except (FileNotFoundError, duckdb.Error) as exc:
        print(f"hubkg query: {exc}", file=sys.stderr)
        return 2
    if output == "table":
        relation.show(max_rows=1000, max_width=250)
    else:
        frame = relation.df()
        print(frame.to_csv(index=False) if output == "csv" else frame.to_json(orient="records", date_format="iso"))
    return 0


def add_days_arguments(cmd: argparse.ArgumentParser) -> None:
    """`hubkg demo --days N [--churn C --counter-drift D --nodes K]`: several daily snapshots of a mutating
    generated world (perf/history_days.py), with each day's requests, wall time, bytes and rows."""
    from perf.history_days import add_arguments

    add_arguments(cmd)
    cmd.set_defaults(days=0)


def demo_days(args: argparse.Namespace) -> int:
    from perf.history_days import run

    args.world = None  # a generated world of --nodes, mutated day by day
    return run(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hubkg", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("demo", "run the whole pipeline once"), ("ui", "start the Dagster UI")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--world", type=Path, default=SAMPLE_WORLD, help="world directory to serve")
        if name == "ui":
            cmd.add_argument("--port", type=int, default=3000)
        else:
            add_days_arguments(cmd)
    sql = sub.add_parser("query", help="run SQL against the serving copy of the last good build")
    sql.add_argument("sql")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table", dest="output")
    args = parser.parse_args(argv)
    if args.command == "query":
        return query(args.sql, args.output)
    if args.command == "demo" and args.days:
        return demo_days(args)
    if args.command == "demo":
        return demo(args.world)
    return ui(args.world, args.port)


if __name__ == "__main__":
    sys.exit(main())
