"""One writer at a time for any launch path: a second run of the warehouse stops at once, before writing, with a
message that names the partition and the run that holds it; a killed holder never leaves the lock behind."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.settings import PROJECT_ROOT


def _launch(mode: str, data_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.hostile.launch", mode, str(data_dir), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "HF_HUB_DISABLE_XET": "1"},
    )


def _wait_until_holding(process: subprocess.Popen) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("holding"):
            return
    raise AssertionError(f"the first run never took the warehouse (exit {process.wait()})")


def test_a_second_run_is_refused_with_the_holder_named(tmp_path: Path, matrix) -> None:
    first = _launch("hold", tmp_path, "600")
    try:
        _wait_until_holding(first)
        second = _launch("crawl", tmp_path)
        output, _ = second.communicate(timeout=300)
        assert second.returncode == 1
        failure = [line for line in output.splitlines() if line.startswith("FAILURE:")]
        assert failure and "a run for 2026-11-22 is already in progress (run id " in failure[-1], output[-3000:]
        # It wrote nothing: the crawl's tables were never created.
        first.send_signal(signal.SIGKILL)  # kill -9 the holder: the kernel drops its lock
        first.wait(timeout=30)
        with duckdb.connect(str(tmp_path / "hubkg.duckdb"), read_only=True) as con:
            tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "fetch_queue" not in tables and "held" in tables
        matrix.record("second_concurrent_run", "launch", "blocked")
        # After kill -9 the next run takes the warehouse (no stale lock to clear by hand).
        again = _launch("hold", tmp_path, "0")
        output, _ = again.communicate(timeout=300)
        assert again.returncode == 0, output[-3000:]
        matrix.record("kill_-9_holder_then_rerun", "launch", "recovered")
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
