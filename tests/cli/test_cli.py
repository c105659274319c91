"""`hubkg` as an operator meets it: help with a purpose and an example per command, and bad input answered by one
clear line on stderr, a non-zero exit code, no traceback (unless --debug) and nothing written."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import PURPOSES

pytestmark = pytest.mark.fast

ROOT = Path(__file__).resolve().parents[2]


def hubkg(*args: str, env: dict[str, str] | None = None, tmp: Path | None = None) -> subprocess.CompletedProcess:
    """Run the CLI in a child process, with its data dir and Dagster home under `tmp` unless `env` says otherwise."""
    base = {**os.environ}
    if tmp is not None:
        base |= {"HUBKG_DATA_DIR": str(tmp / "data"), "DAGSTER_HOME": str(tmp / "dagster_home")}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        env=base | (env or {}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_help_has_a_purpose_and_an_example_per_command() -> None:
    top = hubkg("--help")
    assert top.returncode == 0
    for name, purpose in PURPOSES.items():
        assert purpose in " ".join(top.stdout.split())
        assert f"hubkg {name}" in top.stdout.split("examples:")[1]
        sub = hubkg(name, "--help")
        assert sub.returncode == 0
        assert "example:" in sub.stdout and f"hubkg {name}" in sub.stdout.split("example:")[1]


def test_unknown_subcommand() -> None:
    result = hubkg("crawl")
    assert result.returncode == 2
    line = one_line_error(result)
    assert "invalid choice: 'crawl'" in line and "hubkg --help" in line


def test_bad_world_writes_nothing(tmp_path: Path) -> None:
    line = one_line_error(hubkg("demo", "--world", str(tmp_path / "nowhere"), tmp=tmp_path))
    assert "not a HubKG world" in line and "hub_emulator generate" in line
    assert not (tmp_path / "data").exists() and not (tmp_path / "dagster_home").exists()


@pytest.mark.parametrize(
    ("command", "option"), [("ui", "--port"), ("demo", "--emulator-port"), ("ui", "--emulator-port")]
)
def test_port_in_use(tmp_path: Path, command: str, option: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line_error(hubkg(command, option, str(port), tmp=tmp_path))
    assert f"port {port}" in line and "in use" in line and option in line
    assert not (tmp_path / "data").exists()


def test_read_only_data_dir(tmp_path: Path) -> None:
    # /sys refuses new directories even to root, where a chmod'ed directory would not
    read_only = Path("/sys/hubkg-data") if os.geteuid() == 0 else tmp_path / "ro" / "data"
    if os.geteuid() != 0:
        read_only.parent.mkdir()
        read_only.parent.chmod(0o555)
    env = {"HUBKG_DATA_DIR": str(read_only), "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    line = one_line_error(hubkg("demo", env=env))
    assert f"data dir {read_only} is not writable" in line and "HUBKG_DATA_DIR" in line
    assert not read_only.exists() and not (tmp_path / "dagster_home").exists()


def test_invalid_setting(tmp_path: Path) -> None:
    line = one_line_error(hubkg("status", env={"HUBKG_PAGE_SIZE": "0"}, tmp=tmp_path))
    assert "HUBKG_PAGE_SIZE" in line and "'0'" in line


def test_query_without_serving_copy(tmp_path: Path) -> None:
    line = one_line_error(hubkg("query", "select 1", tmp=tmp_path))
    assert "no serving copy" in line and "make demo" in line


def test_query_error_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    serving = tmp_path / "data" / "serving" / "hubkg.duckdb"
    serving.parent.mkdir(parents=True)
    with duckdb.connect(str(serving)) as con:
        con.execute("CREATE SCHEMA kg; CREATE TABLE kg.models AS SELECT 'a/b' AS id")
    ok = hubkg("query", "select id from kg.models", "--format", "csv", tmp=tmp_path)
    assert ok.returncode == 0 and ok.stdout.split() == ["id", "a/b"]
    line = one_line_error(hubkg("query", "select nope from kg.models", tmp=tmp_path))
    assert line.startswith("hubkg query: Binder Error") and "nope" in line
    debug = hubkg("--debug", "query", "select nope from kg.models", tmp=tmp_path)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_status_before_any_run(tmp_path: Path) -> None:
    result = hubkg("status", tmp=tmp_path)
    assert result.returncode == 0
    assert "none yet" in result.stdout and "no Dagster instance" in result.stdout
