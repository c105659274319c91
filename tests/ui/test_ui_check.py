"""The operator's view end to end (`make ui-check`): `hubkg demo` prints a short report, `hubkg status` tells where
things stand, and in a real browser (Playwright driving Debian's headless Chromium) the Dagster UI shows what the
README promises — the asset graph, a dbt model with column types, a GE gate, the schedule and the automation
sensor running, the demo's run, the atlas picture and the leaderboard chart — with no first-visit dialog.
Screenshots go to `data/ui/`."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from orchestration.checks import gate_checks
from orchestration.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "data" / "ui"
# The UI renders after its GraphQL queries return; a loaded machine takes its time.
WAIT_MS = 120_000


def hubkg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], subprocess.CompletedProcess]:
    """`hubkg demo` into its own data dir and Dagster instance."""
    home = tmp_path_factory.mktemp("operator")
    env = {**os.environ, "HUBKG_DATA_DIR": str(home / "data"), "DAGSTER_HOME": str(home / "dagster_home")}
    result = hubkg(env, "demo")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return env, result


def test_demo_prints_a_short_report_ending_in_the_summary(demo) -> None:
    env, result = demo
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "demo_output.txt").write_text(result.stdout)  # what the operator saw, beside the screenshots
    lines = result.stdout.rstrip().splitlines()
    assert len(lines) <= 60, result.stdout
    assert result.stderr == ""
    text = result.stdout
    for stage in ("crawl \\(raw\\)", "dbt models", "quality gates", "publish", "serving copy"):
        assert re.search(rf"^{stage} +━+ (\d+)/\1 ", text, re.MULTILINE), stage  # a full bar, done/total
    for row in ("entities (", "relations (", "dangling (", "quarantined (", "gates (GE)", "Data Docs", "full log"):
        assert row in text
    assert "hubkg/hubkg-graph" in text and "hubkg/hubkg-benchmarks" in text and "tag snapshot-" in text
    assert "· success" in text
    assert lines[-1].startswith("wall time")
    log = Path(env["HUBKG_DATA_DIR"]) / "logs"
    assert any(p.stat().st_size > 10_000 for p in log.glob("demo-*.log"))  # the full log went to the file


def test_status_shows_snapshots_gates_tags_and_coverage(demo) -> None:
    env, _ = demo
    result = hubkg(env, "status")
    assert result.returncode == 0, result.stderr
    gates = len(gate_checks)  # every GE gate of the snapshot passed
    for expected in ("Serving copy", "snapshots", "crawl coverage", "Last runs", f"{gates} passed", "@snapshot-"):
        assert expected in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def ui(demo) -> Iterator[str]:
    """`hubkg ui` on the demo's instance, in its own process group (stopped by its id at the end)."""
    env, _ = demo
    port = _free_port()
    log = Path(env["HUBKG_DATA_DIR"]) / "logs" / "ui.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "orchestration.cli", "ui", "--port", str(port)],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"{base}/server_info", timeout=5).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def page(ui) -> Iterator[Page]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make browser` installs it")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        expect.set_options(timeout=WAIT_MS)
        yield page
        browser.close()


def visit(page: Page, url: str, *texts: str) -> None:
    page.goto(url)
    for text in texts:
        expect(page.get_by_text(text).filter(visible=True).first).to_be_visible()
    # no "Join the Dagster community" dialog (nux off in dagster.yaml)
    expect(page.get_by_role("dialog")).to_have_count(0)


def shot(page: Page, name: str) -> None:
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def show_markdown(page: Page, entry: str) -> None:
    """Open the Markdown metadata entry `entry` of the asset page and expect a picture in it."""
    row = page.locator("tr", has=page.get_by_text(entry, exact=True)).first
    row.get_by_text("Show Markdown").click()
    picture = page.get_by_role("dialog").locator("img").first
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") > 0  # decoded, not a broken image


def test_ui_shows_what_the_readme_promises(demo, ui, page: Page) -> None:
    env, _ = demo
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        run_id = instance.get_runs(limit=1)[0].run_id

    visit(page, f"{ui}/asset-groups", "raw", "kg", "publish")
    shot(page, "asset_graph")

    visit(page, f"{ui}/assets/kg/models", "HuggingKG model nodes", "Columns", "VARCHAR", "TIMESTAMP WITH TIME ZONE")
    shot(page, "asset_kg_models")

    visit(
        page,
        f"{ui}/assets/kg/models?view=checks&checkDetail=ge_kg_models",
        "This is a blocking asset check",
        "Great Expectations suite",
        "Passed",
    )
    shot(page, "check_ge_kg_models")

    visit(page, f"{ui}/automation", "daily_snapshot", "default_automation_condition_sensor")
    for name in ("daily_snapshot", "default_automation_condition_sensor"):
        row = page.locator("div[class*=VirtualizedTable_row]", has=page.get_by_text(name, exact=True))
        switch = row.locator("input[type=checkbox]").last  # the first one selects the row, the last is on/off
        expect(switch).to_be_checked()  # running from the start
    shot(page, "automation")

    visit(page, f"{ui}/runs/{run_id}", "hubkg_refresh", "Success", "partition: ")
    expect(page.get_by_text("Loading run logs")).to_have_count(0)  # the run's event log is shown
    shot(page, "last_run")

    visit(page, f"{ui}/assets/atlas/atlas_picture", "preview")
    show_markdown(page, "preview")
    shot(page, "atlas_picture")

    visit(page, f"{ui}/assets/benchmarks/leaderboard", "chart_preview")
    show_markdown(page, "chart_preview")
    shot(page, "leaderboard_chart")
