"""`hubkg` command: the demo against the Hub emulator, the Dagster UI wired to it, and SQL on the serving copy."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.emulator_process import SAMPLE_WORLD, pipeline_environment, running_emulator
from orchestration.settings import PROJECT_ROOT, Settings

DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _summary(settings: Settings, url: str) -> None:
    from huggingface_hub import HfApi

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        models = con.execute("SELECT count(*), max(snapshot_date) FROM kg.models").fetchall()[0]
        quarantined = con.execute("SELECT count(*) FROM raw.quarantine").fetchall()[0][0]
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


def format_failed_check(evaluation: Any) -> str:
    """One failed asset check (a Dagster `AssetCheckEvaluation`) as terminal text: a GE gate names its suite, the
    failed expectations with observed values and offending rows, and its Data Docs page; a dbt test its metadata."""
    from expectations.bridge import describe_failures

    metadata = {k: getattr(v, "value", v) for k, v in evaluation.metadata.items()}
    target = f"{evaluation.asset_check_key.name} on {evaluation.asset_key.to_user_string()}"
    if "failures_json" in metadata:
        report = describe_failures(metadata["suite"], metadata["failures_json"], metadata.get("data_docs"))
        return f"check {target}\n{report}"
    details = ", ".join(f"{k}: {v}" for k, v in metadata.items() if not isinstance(v, (dict, list)))
    return f"check {target} failed" + (f" ({details})" if details else "")


def _failed_checks(dagster_home: Path) -> list[str]:
    """The failed checks of the latest run recorded in `dagster_home`, formatted for a terminal."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return []
        entries = instance.all_logs(runs[0].run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = [e.dagster_event.event_specific_data for e in entries if e.dagster_event is not None]
    return [format_failed_check(ev) for ev in evaluations if isinstance(ev, dg.AssetCheckEvaluation) and not ev.passed]


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
            for report in _failed_checks(DAGSTER_HOME):
                print(report, file=sys.stderr)
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
    """Run SQL on the serving copy (sandboxed: read-only, no file or network access) and print it escaped."""
    from release.serving import QueryRefused, render
    from release.serving import query as run_query

    try:
        result = run_query(sql, Settings.from_env().data_dir)
    except QueryRefused as exc:
        print(f"hubkg query: {exc}", file=sys.stderr)
        return 2
    print(render(result, output))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hubkg", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("demo", "run the whole pipeline once"), ("ui", "start the Dagster UI")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--world", type=Path, default=SAMPLE_WORLD, help="world directory to serve")
        if name == "ui":
            cmd.add_argument("--port", type=int, default=3000)
    sql = sub.add_parser("query", help="run SQL against the serving copy of the last good build")
    sql.add_argument("sql")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table", dest="output")
    args = parser.parse_args(argv)
    if args.command == "query":
        return query(args.sql, args.output)
    if args.command == "demo":
        return demo(args.world)
    return ui(args.world, args.port)


if __name__ == "__main__":
    sys.exit(main())
