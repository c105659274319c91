"""Check the Dagster UI in a real browser: start `hubkg ui`, open the asset graph and the latest run in headless
Chromium (Debian's `chromium` package) driven over the DevTools protocol, dismiss the first-visit dialog like a
person would, and save screenshots. Run after `make demo`:

    .venv/bin/python tools/ui_screenshots.py [--out data/ui]
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parent.parent
PORT = 3123
DEVTOOLS_PORT = 9333
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1600,1000",
    f"--remote-debugging-port={DEVTOOLS_PORT}",
]
# Clicks "Skip" on Dagster's first-visit community dialog when it is shown.
DISMISS_DIALOG = (
    "[...document.querySelectorAll('button')].filter(b => b.innerText.trim() === 'Skip').map(b => b.click()).length"
)


class Browser:
    """The smallest DevTools-protocol client that navigates, runs a script and takes a screenshot."""

    def __init__(self, chromium: str, profile: Path) -> None:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                targets = json.loads(_get(f"http://127.0.0.1:{DEVTOOLS_PORT}/json"))
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                if time.monotonic() > deadline:
                    sys.exit("chromium did not start")
                time.sleep(0.5)
        self.page_url = page["webSocketDebuggerUrl"]
        self.ids = itertools.count(1)

    def __enter__(self) -> Browser:
        self._connection = connect(self.page_url, max_size=None)
        self.socket = self._connection.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._connection.__exit__(*exc)
        self.process.terminate()
        self.process.wait(timeout=10)

    def call(self, method: str, **params) -> dict:
        call_id = next(self.ids)
        self.socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == call_id:
                return message.get("result", {})

    def screenshot(self, url: str, target: Path, settle: float = 8.0) -> None:
        self.call("Page.navigate", url=url)
        time.sleep(settle)  # the UI renders asynchronously after its GraphQL queries return
        if self.call("Runtime.evaluate", expression=DISMISS_DIALOG)["result"].get("value"):
            time.sleep(1.5)
        shot = self.call("Page.captureScreenshot", format="png")
        target.write_bytes(base64.b64decode(shot["data"]))


def _get(url: str, payload: dict | None = None) -> bytes:
    data = json.dumps(payload).encode() if payload else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def _latest_run_id(base: str) -> str:
    query = {"query": "{ runsOrError(limit: 1) { ... on Runs { results { runId status } } } }"}
    runs = json.loads(_get(f"{base}/graphql", query))["data"]["runsOrError"]["results"]
    if not runs:
        sys.exit("no runs in DAGSTER_HOME: run `make demo` first")
    return runs[0]["runId"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "ui")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or sys.exit("install Debian's chromium package first")
    args.out.mkdir(parents=True, exist_ok=True)
    hubkg = str(Path(sys.executable).parent / "hubkg")
    # Own process group: `dagster dev` and its children are stopped together, by PID.
    ui = subprocess.Popen(
        [hubkg, "ui", "--port", str(PORT)],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{base}/server_info")
                break
            except OSError:
                if time.monotonic() > deadline or ui.poll() is not None:
                    sys.exit("the Dagster UI did not come up")
                time.sleep(1)
        run_id = _latest_run_id(base)
        pages = {
            "asset_graph": f"{base}/asset-groups",
            "latest_run": f"{base}/runs/{run_id}",
            "assets": f"{base}/assets",
        }
        with Browser(chromium, args.out / ".chromium") as browser:
            for name, url in pages.items():
                target = args.out / f"{name}.png"
                browser.screenshot(url, target)
                print(f"{name}: {url} -> {target}")
    finally:
        os.killpg(ui.pid, signal.SIGTERM)
        ui.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
