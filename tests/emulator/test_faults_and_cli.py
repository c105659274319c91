"""Fault injection, request accounting and the command line."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from huggingface_hub import HfApi

from hub_emulator.faults import FaultPlan

from .conftest import MODELS, TOKEN, MakeHub


def test_scripted_faults_then_recovery(make_hub: MakeHub, tmp_path: Path) -> None:
    hub = make_hub(faults=FaultPlan(script=["503", "truncated_json", "disconnect"], path_pattern=r"^/api/models"))
    first = httpx2.get(f"{hub.url}/api/models")
    assert first.status_code == 503 and "error" in first.json()
    truncated = httpx2.get(f"{hub.url}/api/models")
    assert truncated.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        truncated.json()
    with pytest.raises(httpx2.RemoteProtocolError):
        httpx2.get(f"{hub.url}/api/models")
    # The script is spent: requests are served normally again.
    assert [m.id for m in HfApi(endpoint=hub.url, token=TOKEN).list_models()] == [m["id"] for m in MODELS]
    log = [json.loads(line) for line in (tmp_path / "requests.jsonl").read_text().splitlines()]
    assert [r["status"] for r in log if r["path"] == "/api/models"][:3] == [503, 200, 200]
    assert {"method", "path", "query", "status", "bucket", "ts"} <= set(log[0])


def test_random_faults_are_reproducible_per_seed() -> None:
    def draws(seed: int) -> list[str | None]:
        plan = FaultPlan(seed=seed, probabilities={"500": 0.3, "slow": 0.2})
        return [plan.draw("/api/models") for _ in range(50)]

    assert draws(7) == draws(7)
    assert {"500", "slow", None} == set(draws(7))
    assert FaultPlan(probabilities={"500": 1.0}).draw("/datasets/a/b/resolve/main/x") is None  # path filter
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan(script=["418"])


def test_cli_serves_until_sigterm(world_dir: Path, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "hub_emulator", "serve", "--world", str(world_dir), "--storage", str(tmp_path / "s")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert httpx2.get(f"{url}/api/models/acme/model-1").json()["id"] == "acme/model-1"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
