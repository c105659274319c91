"""The hostile-input and fault matrix: every case records what happened to it, and the session ends with the counts.

A case is one bad input (or fault) at one place it enters (listing page, body, card, id, counter, query, publish,
launch…). Its outcome is what HubKG documents for it (README, "What happens to bad input"):

- `quarantined`: the bad row is in `raw.quarantine` (or `kg_dangling_edges`) with its reason, the rest goes on;
- `blocked`: the run or the query stops with a clear one-line reason and nothing published is altered;
- `recovered`: a fault (5xx, timeout, truncated body, kill -9, disk full, clock skew) is retried or resumed and the
  result is the one a clean run gives;
- `crashed`: anything else (an uncaught exception, a traceback to the user, a half-written state). Must stay 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from hub_emulator.server import HubEmulator
from tests.hostile import world
from tests.pipeline.conftest import SNAPSHOT, PipelineRun, run_refresh

OUTCOMES = ("quarantined", "blocked", "recovered")
_cases: list[tuple[str, str, str]] = []  # (case, where it enters, outcome)
_crashed: list[str] = []


class Matrix:
    def record(self, case: str, where: str, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of {OUTCOMES}")
        _cases.append((case, where, outcome))


@pytest.fixture
def matrix() -> Iterator[Matrix]:
    yield Matrix()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    report = yield
    # A hostile test that fails or errors is a case HubKG did not handle as documented: a crash of the matrix.
    if report.failed and "tests/hostile/" in item.nodeid.replace("\\", "/"):
        _crashed.append(item.nodeid)
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _cases and not _crashed:
        return
    counts = Counter(outcome for _, _, outcome in _cases)
    places = Counter(where for _, where, _ in _cases)
    tried = len(_cases) + len(_crashed)
    terminalreporter.section("hostile input and faults")
    terminalreporter.write_line(
        f"tried {tried} / quarantined {counts['quarantined']} / blocked {counts['blocked']} / "
        f"recovered {counts['recovered']} / crashed {len(_crashed)}"
    )
    terminalreporter.write_line("by where they enter: " + ", ".join(f"{w} {n}" for w, n in sorted(places.items())))
    for nodeid in _crashed:
        terminalreporter.write_line(f"crashed: {nodeid}")


@dataclass
class HostileRun:
    """The one pipeline run over the hostile world that many cases share."""

    world: Path
    storage: Path  # the emulator's repos: what the run published
    facts: dict
    run: PipelineRun

    def sql(self, query: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.run.settings.warehouse_path), read_only=True) as con:
            return con.execute(query, params or []).fetchall()


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> HostileRun:
    """Serve the hostile world and run the whole `hubkg_refresh` job (crawl, dbt, gates, publish) once."""
    work = tmp_path_factory.mktemp("hostile")
    facts = world.build(work / "world")
    with HubEmulator(work / "world", work / "storage", log_path=work / "requests.jsonl") as emulator:
        run = run_refresh(emulator, work / "data", page_size=200, snapshot=SNAPSHOT)
    return HostileRun(work / "world", work / "storage", facts, run)
