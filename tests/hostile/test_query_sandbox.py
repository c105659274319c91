"""`hubkg query` is a sandbox: every escape the attack report tried is refused with one clear line, the serving file
and the file system are left as they were, and what is printed cannot drive the terminal."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PROJECT_ROOT
from release.serving import QueryLimits, QueryRefused, query, render, serving_path

pytestmark = pytest.mark.fast

HOSTILE_TITLE = "\x1b]0;pwned\x07\x1b[31mred\u202eevil<script>alert(1)</script>"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A serving copy with one hostile title, next to a build database holding raw rows a query must never see."""
    with duckdb.connect(str(tmp_path / "hubkg.duckdb")) as build:
        build.execute("CREATE SCHEMA raw; CREATE TABLE raw.quarantine AS SELECT 'secret' AS payload")
    path = serving_path(tmp_path)
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA kg; CREATE TABLE kg.models (id VARCHAR, likes BIGINT)")
        con.execute("INSERT INTO kg.models VALUES ('a/b', 3), (?, 1)", [HOSTILE_TITLE])
    return tmp_path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ESCAPES = {
    "copy_to_path": "COPY (SELECT * FROM kg.models) TO '{out}'",
    "copy_over_serving_db": "COPY (SELECT 1) TO '{serving}'",
    "export_database": "EXPORT DATABASE '{outdir}'",
    "read_environ": "SELECT * FROM read_text('/proc/self/environ')",
    "read_passwd": "SELECT * FROM read_csv('/etc/passwd')",
    "glob_files": "SELECT * FROM glob('/etc/*')",
    "remote_url": "SELECT * FROM 'http://127.0.0.1:9/x.csv'",
    "attach_build_db": "ATTACH '{build}' AS b",
    "attach_in_select": "SELECT * FROM b.raw.quarantine",
    "set_option": "SET enable_external_access = true",
    "reset_option": "RESET lock_configuration",
    "pragma_write": "PRAGMA threads = 1",
    "install_extension": "INSTALL httpfs",
    "load_extension": "LOAD httpfs",
    "create_table": "CREATE TABLE kg.x AS SELECT 1",
    "two_statements": "SELECT 1; COPY (SELECT 1) TO '{out}'",
    "not_sql": "SELEC nonsense",
}


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_each_escape_is_refused_and_changes_nothing(case: str, data_dir: Path, tmp_path: Path, matrix) -> None:
    serving = serving_path(data_dir)
    before = _digest(serving), sorted(p.name for p in tmp_path.iterdir())
    sql = ESCAPES[case].format(
        out=tmp_path / "out.csv", outdir=tmp_path / "export", serving=serving, build=data_dir / "hubkg.duckdb"
    )
    with pytest.raises(QueryRefused) as refused:
        query(sql, data_dir)
    message = str(refused.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert (_digest(serving), sorted(p.name for p in tmp_path.iterdir())) == before
    matrix.record(f"query:{case}", "query", "blocked")


def test_the_token_is_not_readable(data_dir: Path, matrix) -> None:
    os.environ["HUBKG_SANDBOX_PROBE"] = "hf_secret_probe"
    try:
        for sql in ("SELECT getenv('HUBKG_SANDBOX_PROBE')", "SELECT current_setting('HUBKG_SANDBOX_PROBE')"):
            with pytest.raises(QueryRefused):
                query(sql, data_dir)
    finally:
        del os.environ["HUBKG_SANDBOX_PROBE"]
    matrix.record("query:getenv", "query", "blocked")


def test_a_slow_query_is_interrupted(data_dir: Path, matrix) -> None:
    slow = "SELECT count(*) FROM range(100000000000) a"
    with pytest.raises(QueryRefused, match="time limit"):
        query(slow, data_dir, QueryLimits(timeout_seconds=0.5))
    matrix.record("query:runaway", "query", "blocked")


def test_output_is_capped_in_rows_and_bytes(data_dir: Path, matrix) -> None:
    result = query("SELECT * FROM range(1000)", data_dir, QueryLimits(max_rows=10))
    assert len(result.rows) == 10 and "10 rows" in result.truncated
    assert len(render(result, "csv", max_bytes=12).encode()) <= 12
    matrix.record("query:huge_output", "query", "blocked")


@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_printed_text_cannot_drive_the_terminal(output: str, data_dir: Path, matrix) -> None:
    """Through the real CLI: no ESC, BEL or bidi override reaches stdout; the text is shown escaped."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "query",
            "SELECT id FROM kg.models ORDER BY likes",
            "--format",
            output,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HUBKG_DATA_DIR": str(data_dir)},
        cwd=PROJECT_ROOT,
        check=True,
    )
    assert not any(c in completed.stdout for c in "\x1b\x07\u202e")
    assert "\\x1b[31mred" in completed.stdout and "\\u202e" in completed.stdout
    if output == "json":
        assert json.loads(completed.stdout)[1]["id"] == "a/b"
    matrix.record(f"query:terminal_escape_{output}", "cli output", "blocked")


def test_a_refusal_is_one_line_with_exit_2(data_dir: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "query", "COPY (SELECT 1) TO '/tmp/hubkg-escape.csv'"],
        capture_output=True,
        text=True,
        env={**os.environ, "HUBKG_DATA_DIR": str(data_dir)},
        cwd=PROJECT_ROOT,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().count("\n") == 0 and "COPY is not allowed" in completed.stderr
    assert not Path("/tmp/hubkg-escape.csv").exists()
