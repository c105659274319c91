"""Start the Hub emulator as a child process and point `huggingface_hub` at it.

Used by the demo, the UI launcher, tests and benchmarks: one way to run the pipeline against a world.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from orchestration.settings import PROJECT_ROOT

SAMPLE_WORLD = PROJECT_ROOT / "hub_emulator" / "worlds" / "sample"
# The emulator accepts any token; a fixed dummy keeps the write path identical to the real Hub's.
EMULATOR_TOKEN = "hf_emulator_dummy_token"


def emulator_environment(url: str) -> dict[str, str]:
    """Variables that make the pipeline (and its dbt/Dagster children) talk to the emulator.
    Xet uploads need a CAS service the emulator does not run, so the client takes the LFS path."""
    return {"HF_ENDPOINT": url, "HF_HUB_DISABLE_XET": "1", "HF_TOKEN": EMULATOR_TOKEN}


def pipeline_environment(url: str, dagster_home: Path) -> dict[str, str]:
    """The environment of a pipeline process against the emulator at `url`: its Dagster instance lives in
    `dagster_home`, set up with HubKG's instance settings (one warehouse writer at a time, no telemetry)."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "orchestration" / "dagster.yaml", dagster_home / "dagster.yaml")
    return {
        **os.environ,
        **emulator_environment(url),
        "DAGSTER_HOME": str(dagster_home),
        "GX_ANALYTICS_ENABLED": "false",
    }


class EmulatorStartError(RuntimeError):
    """The emulator process exited before serving (a bad world, a port in use): its own message says why."""


@contextmanager
def running_emulator(
    world: Path, storage: Path, log: Path | None = None, extra_args: tuple[str, ...] = ()
) -> Iterator[str]:
    """Serve `world` on a free 127.0.0.1 port until the block exits; yields the base URL."""
    storage.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "hub_emulator", "serve", "--world", str(world), "--storage", str(storage)]
    if log is not None:
        command += ["--log", str(log)]
    # The emulator's own messages (a client hanging up, a failed start) go to a file beside its storage, not to
    # the operator's terminal; a failed start quotes the last of them.
    errors = storage / "emulator.log"
    with errors.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [*command, *extra_args], stdout=subprocess.PIPE, stderr=sink, text=True, cwd=PROJECT_ROOT
        )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http"):
            process.wait(timeout=10)
            lines = [line.strip() for line in errors.read_text(encoding="utf-8").splitlines() if line.strip()]
            reason = lines[-1] if lines else f"exit code {process.returncode}"
            raise EmulatorStartError(f"the Hub emulator did not start: {reason}")
        yield url
    finally:
        stop(process, timeout=10)


def stop(process: subprocess.Popen[Any], timeout: float) -> None:
    """Ask a child process to end (SIGTERM); kill it if it has not ended within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
