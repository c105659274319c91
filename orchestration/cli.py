"""`hubkg`: run HubKG's pipeline against the Hub emulator, open the Dagster UI, see where things stand, and query
the last good build.

Errors are one line on stderr with a non-zero exit code; `--debug` adds the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError
from rich.console import Console

from orchestration.emulator_process import (
    SAMPLE_WORLD,
    EmulatorStartError,
    pipeline_environment,
    running_emulator,
    stop,
)
from orchestration.settings import PROJECT_ROOT, Settings
from release.sanitize import card_text

PROG = "hubkg"
EXAMPLES = {
    "demo": "hubkg demo                                  # the sample world, ≈ 1 minute\n"
    "  hubkg demo --world /tmp/world-100k --verbose\n"
    "  hubkg demo --days 10 --churn 0.01 --nodes 3000   # ten daily snapshots of a mutating world",
    "ui": "hubkg ui --port 3000                        # then open http://127.0.0.1:3000",
    "status": "hubkg status",
    "query": 'hubkg query "select node_type, count(*) from kg.kg_nodes group by all" --format csv',
}
PURPOSES = {
    "demo": "serve a world on the Hub emulator and run the whole pipeline once (crawl, dbt, gates, publish)",
    "ui": "serve a world on the Hub emulator and start the Dagster UI (webserver and daemon) wired to it",
    "status": "show the last snapshots, their gate results, what was published, the crawl coverage, the serving copy",
    "query": "run SQL on the serving copy of the last build that passed its gates",
}


class CliError(Exception):
    """A problem the operator can fix; its message says what is wrong and what to do."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (what is wrong, where the help is) and exit code 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


# --- checks before anything is started or written -------------------------------------------------------------


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except ValidationError as exc:
        problem = exc.errors()[0]
        variable = ".".join(str(part) for part in problem["loc"])
        raise CliError(f"invalid setting {variable}={problem.get('input')!r}: {problem['msg']}") from exc


def check_world(world: Path) -> Path:
    if not (world / "world.json").is_file():
        raise CliError(
            f"--world {world}: not a HubKG world (no world.json); generate one with "
            "`python -m hub_emulator generate --nodes 1000 --seed 1 --out DIR`"
        )
    return world.resolve()


def check_writable(path: Path, what: str, variable: str) -> None:
    """Create `path` if needed and write a probe file in it, so a read-only location fails before any work."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CliError(f"{what} {path} is not writable ({reason}): set {variable} to a writable directory") from exc


def check_port(port: int, what: str, option: str) -> None:
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise CliError(
                f"port {port} for the {what} is in use: pass {option} with a free port, or stop what holds it"
            ) from exc


def check_environment(args: argparse.Namespace) -> tuple[Settings, Path]:
    """Settings, world, writable directories and free ports of `demo` and `ui`; returns (settings, world)."""
    settings = load_settings()
    world = check_world(args.world)
    check_port(getattr(args, "port", 0), "Dagster UI", "--port")
    check_port(args.emulator_port, "Hub emulator", "--emulator-port")
    check_writable(settings.data_dir, "data dir", "HUBKG_DATA_DIR")
    check_writable(settings.dagster_home, "Dagster home", "DAGSTER_HOME")
    return settings, world


@contextmanager
def emulator(world: Path, settings: Settings, port: int) -> Iterator[str]:
    storage = settings.data_dir / "emulator"
    try:
        serving = running_emulator(world, storage, storage / "requests.jsonl", ("--port", str(port)))
        url = serving.__enter__()
    except EmulatorStartError as exc:
        raise CliError(f"{exc} (see {storage / 'emulator.log'})") from exc
    try:
        yield url
    finally:
        serving.__exit__(None, None, None)


# --- hubkg demo -----------------------------------------------------------------------------------------------


def _pump(source: IO[str], sinks: tuple[IO[str], ...]) -> None:
    for line in source:
        for sink in sinks:
            sink.write(line)
            sink.flush()


def follow_run(console: Console, env: dict[str, str], partition: str, log_path: Path, verbose: bool) -> Any:
    """Launch the run and draw its progress per stage until it ends; returns its RunWatcher."""
    import dagster as dg
    from sqlalchemy.exc import OperationalError

    from assets.dbt import hubkg_dbt_models
    from orchestration.definitions import defs
    from orchestration.report import RunWatcher, StagePlan, StageProgress

    run_id = str(uuid.uuid4())
    watcher = RunWatcher(dg.DagsterInstance.get(), run_id, StagePlan.of(defs, hubkg_dbt_models.keys))
    with log_path.open("w", encoding="utf-8") as log:
        child = _start(env, partition, run_id, log, verbose)
        try:
            with StageProgress(console, watcher, disabled=verbose) as progress:
                while True:
                    running = child.poll() is None
                    if watcher.instance.get_run_by_id(run_id) is not None:
                        # the run's event database may be mid-write: then the next tick reads it
                        with contextlib.suppress(OperationalError):
                            watcher.poll()
                    progress.refresh()
                    if not running:
                        break
                    time.sleep(0.5)
        finally:
            if child.poll() is None:
                child.terminate()
                child.wait(timeout=60)
    if verbose:
        console.print(progress.table())
    if child.returncode != 0 and watcher.status not in ("failure", "canceled"):
        watcher.status = f"process exited with code {child.returncode}"
    return watcher


def _start(env: dict[str, str], partition: str, run_id: str, log: IO[str], verbose: bool) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "orchestration.launch", "--partition", partition, "--run-id", run_id]
    if not verbose:
        return subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    child = subprocess.Popen(
        command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert child.stdout is not None
    threading.Thread(target=_pump, args=(child.stdout, (log, sys.stdout)), daemon=True).start()
    return child


def add_days_arguments(cmd: argparse.ArgumentParser) -> None:
    """`hubkg demo --days N [--churn C --counter-drift D --nodes K]`: several daily snapshots of a mutating
    generated world (orchestration/demo_days.py), with each day's requests, wall time, bytes and rows."""
    from orchestration.demo_days import add_arguments

    add_arguments(cmd)
    cmd.set_defaults(days=0)


def demo(args: argparse.Namespace, console: Console) -> int:
    """Serve the world, run the refresh job for today's partition, print its progress and a summary; with
    `--days N`, play N daily snapshots of a generated world mutated day by day instead."""
    from orchestration.report import Where, failure_report, read_summary, run_report

    if args.days:
        from orchestration.demo_days import run

        args.world = None  # a generated world of --nodes, mutated day by day
        return run(args)
    settings, world = check_environment(args)
    started = time.monotonic()
    partition = datetime.now(UTC).date().isoformat()
    log_path = settings.data_dir / "logs" / f"demo-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with emulator(world, settings, args.emulator_port) as url:
        env = pipeline_environment(url, settings.dagster_home)
        os.environ["DAGSTER_HOME"] = str(settings.dagster_home)  # this process follows the run in that instance
        console.print(f"HubKG demo · snapshot {partition} · world {world.name} served by the Hub emulator at {url}")
        console.print(f"full log: {log_path}" + ("" if args.verbose else " (--verbose: also here)"))
        watcher = follow_run(console, env, partition, log_path, args.verbose)
    if watcher.status != "success":
        console.print(failure_report(watcher, log_path))
        raise CliError(f"the run ended: {watcher.status}; the full log is {log_path}")
    where = Where(settings.data_dir, url, log_path, settings.dagster_home)
    console.print(run_report(watcher, read_summary(settings.warehouse_path, date.fromisoformat(partition)), where))
    console.print(
        f'wall time {time.monotonic() - started:.1f} s · SQL: hubkg query "select count(*) from kg.models" · '
        "where things stand: hubkg status"
    )
    return 0


# --- hubkg ui, status, query ----------------------------------------------------------------------------------


def ui(args: argparse.Namespace, console: Console) -> int:
    """Serve the world, then the Dagster webserver and daemon (schedules, the automation sensor) against it until
    interrupted. The two are started directly: `dagster dev`, which wraps them, is superseded."""
    settings, world = check_environment(args)
    bin_dir = Path(sys.executable).parent
    workspace = ["-w", "workspace.yaml"]
    daemon_log = settings.data_dir / "logs" / "dagster-daemon.log"
    daemon_log.parent.mkdir(parents=True, exist_ok=True)
    with emulator(world, settings, args.emulator_port) as url, daemon_log.open("a", encoding="utf-8") as sink:
        env = pipeline_environment(url, settings.dagster_home)
        daemon = subprocess.Popen(
            [str(bin_dir / "dagster-daemon"), "run", *workspace], env=env, cwd=PROJECT_ROOT, stdout=sink, stderr=sink
        )
        console.print(f"Hub emulator serving {world} at {url}; Dagster UI on http://127.0.0.1:{args.port}")
        console.print(f"daemon (schedule, automation sensor) log: {daemon_log}")
        command = [str(bin_dir / "dagster-webserver"), *workspace, "-h", "127.0.0.1", "-p", str(args.port)]
        try:
            return subprocess.run(command, env=env, cwd=PROJECT_ROOT).returncode
        except KeyboardInterrupt:
            return 0
        finally:
            stop(daemon, timeout=30)


def status(args: argparse.Namespace, console: Console) -> int:
    """The serving copy's snapshots and summary, then the last runs with their gates and published tags."""
    import dagster as dg

    from orchestration.launch import JOB
    from orchestration.report import runs_table, serving_table

    settings = load_settings()
    console.print(serving_table(settings.data_dir))
    if not (settings.dagster_home / "dagster.yaml").is_file():
        console.print(f"no Dagster instance at {settings.dagster_home} yet: run `make demo` first")
        return 0
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        console.print(runs_table(instance, JOB))
    return 0


def query(args: argparse.Namespace, console: Console) -> int:
    """Run SQL on the serving copy (sandboxed: read-only, no file or network access) and print it escaped."""
    from release.serving import QueryRefused, render
    from release.serving import query as run_query

    try:
        result = run_query(args.sql, load_settings().data_dir)
    except QueryRefused as exc:
        raise CliError(str(exc), code=2) from exc
    print(render(result, args.output))
    return 0


# --- the parser -----------------------------------------------------------------------------------------------

Handler = Callable[[argparse.Namespace, Console], int]


def _command(sub: Any, name: str, handler: Handler) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=PURPOSES[name],
        description=PURPOSES[name].capitalize() + ".",
        epilog=f"example:\n  {EXAMPLES[name]}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    parser.set_defaults(handler=handler)
    return parser


def _world_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--world", type=Path, default=SAMPLE_WORLD, help="world directory to serve (default: sample)")
    parser.add_argument("--emulator-port", type=int, default=0, help="port of the Hub emulator (default 0: a free one)")


def build_parser() -> Parser:
    examples = "\n".join(f"  {EXAMPLES[name]}" for name in PURPOSES)
    parser = Parser(
        prog=PROG,
        description=__doc__,
        epilog=f"examples:\n{examples}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{demo,ui,status,query}")
    demo_cmd = _command(sub, "demo", demo)
    _world_options(demo_cmd)
    demo_cmd.add_argument("--verbose", action="store_true", help="also print the full log (Dagster, dbt) here")
    add_days_arguments(demo_cmd)
    ui_cmd = _command(sub, "ui", ui)
    _world_options(ui_cmd)
    ui_cmd.add_argument("--port", type=int, default=3000, help="port of the Dagster UI (default 3000)")
    _command(sub, "status", status)
    sql = _command(sub, "query", query)
    sql.add_argument("sql", help="one SQL statement")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table", dest="output")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # A pipe or a CI log has no width of its own: 120 columns keep the report's rows on one line each.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    try:
        return int(args.handler(args, console))
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the one place every error becomes one line
        if args.debug:
            traceback.print_exc()
        if isinstance(exc, CliError):
            print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
            return exc.code
        message = card_text(" ".join(str(exc).split()) or "no message", 500)
        hint = "" if args.debug else " (run with --debug for the traceback)"
        print(f"{PROG} {args.command}: {type(exc).__name__}: {message}{hint}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
