"""Fault injection, request accounting and the command line."""

from __future__ import annotations

import json
import re
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest
from huggingface_hub import HfApi

from hub_emulator.server.faults import FaultPlan

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


def test_a_client_hanging_up_is_one_line_not_a_traceback(make_hub: MakeHub, capfd: pytest.CaptureFixture[str]) -> None:
    hub = make_hub()
    host, port = hub.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall(f"GET /api/models HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        # Linger 0: close sends a reset, so the emulator's reply meets a connection the client already dropped.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    err = ""
    for _ in range(50):
        err += capfd.readouterr().err
        if "hung up" in err:
            break
        time.sleep(0.1)
    assert re.search(r"hub emulator: client 127\.0\.0\.1:\d+ hung up \((BrokenPipe|ConnectionReset)Error\)", err), err
    assert "Traceback" not in err
    # The emulator serves on.
    assert [m.id for m in HfApi(endpoint=hub.url, token=TOKEN).list_models()] == [m["id"] for m in MODELS]


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
