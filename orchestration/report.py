"""The operator's view of a run, read from the Dagster instance: progress per stage while it runs (from its event
log), the report that ends `hubkg demo`, and `hubkg status`.

Everything here reads what the run recorded (events, materialization metadata, the warehouse it built); nothing
is recomputed, so the terminal shows what the UI shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster._core.events import DagsterEventType
from rich.console import Console, Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from crawler.progress import PROGRESS_PREFIX
from release import summary as snapshot_summary
from release.sanitize import card_text
from release.serving import serving_path

# (stage, label) in the order a run reaches them.
STAGES = (
    ("crawl", "crawl (raw)"),
    ("dbt", "dbt models"),
    ("gates", "quality gates"),
    ("exports", "exports, atlas, leaderboard"),
    ("publish", "publish"),
    ("serving", "serving copy"),
)
RUN_STATUS = {
    DagsterEventType.RUN_START: "started",
    DagsterEventType.RUN_SUCCESS: "success",
    DagsterEventType.RUN_FAILURE: "failure",
    DagsterEventType.RUN_CANCELED: "canceled",
}
GATE_PREFIX = "ge_"  # Great Expectations gates; the other checks are dbt tests


@dataclass(frozen=True)
class StagePlan:
    """Which stage each asset belongs to and how many assets and gates each stage has."""

    stage_of: dict[dg.AssetKey, str]
    gates: int

    @classmethod
    def of(cls, defs: dg.Definitions, dbt_keys: Iterable[dg.AssetKey]) -> StagePlan:
        dbt = set(dbt_keys)
        named = {"raw": "crawl", "publish": "publish", "serving": "serving"}
        graph = defs.resolve_asset_graph()
        stage_of = {
            key: named.get(key.path[0], "dbt" if key in dbt else "exports") for key in graph.get_all_asset_keys()
        }
        gates = sum(1 for check in graph.asset_check_keys if check.name.startswith(GATE_PREFIX))
        return cls(stage_of, gates)

    def total(self, stage: str) -> int:
        return self.gates if stage == "gates" else sum(1 for s in self.stage_of.values() if s == stage)


def format_failed_check(evaluation: Any) -> str:
    """One failed asset check (a Dagster `AssetCheckEvaluation`) as terminal text: a GE gate names its suite, the
    failed expectations with observed values and offending rows, and its Data Docs page; a dbt test its metadata."""
    from expectations.bridge import describe_failures

    metadata = {k: getattr(v, "value", v) for k, v in evaluation.metadata.items()}
    target = f"{evaluation.asset_check_key.name} on {evaluation.asset_key.to_user_string()}"
    if "failures_json" in metadata:
        report = describe_failures(metadata["suite"], metadata["failures_json"], metadata.get("data_docs"))
        return f"check {target}\n{report}"
    details = ", ".join(f"{k}: {v}" for k, v in metadata.items() if not isinstance(v, (dict, list)))
    return f"check {target} failed" + (f" ({details})" if details else "")


@dataclass
class CheckTally:
    passed: int = 0
    warned: int = 0
    failed: int = 0
    failed_names: list[str] = field(default_factory=list)
    failed_reports: list[str] = field(default_factory=list)  # what failed and why, for the terminal

    def add(self, evaluation: dg.AssetCheckEvaluation) -> None:
        if evaluation.passed:
            self.passed += 1
        elif evaluation.severity == dg.AssetCheckSeverity.WARN:
            self.warned += 1
        else:
            self.failed += 1
            key = evaluation.asset_check_key
            self.failed_names.append(f"{key.asset_key.to_user_string()}:{key.name}")
            self.failed_reports.append(format_failed_check(evaluation))

    @property
    def total(self) -> int:
        return self.passed + self.warned + self.failed

    def text(self) -> str:
        return f"{self.passed:,} passed, {self.warned:,} warned, {self.failed:,} failed"


def _innermost(error: Any) -> str:
    """The first line of the user code's error, not of Dagster's wrappers around it."""
    while error is not None and error.cause is not None:
        error = error.cause
    return card_text(error.message.strip().splitlines()[0], 200) if error else "failed"


def _metadata_values(metadata: dict[str, Any]) -> dict[str, Any]:
    return {name: getattr(value, "value", value) for name, value in metadata.items()}


@dataclass
class RunWatcher:
    """Follows one run through the instance's event log (a cursor, polled)."""

    instance: dg.DagsterInstance
    run_id: str
    plan: StagePlan
    cursor: str | None = None
    done: dict[str, int] = field(default_factory=dict)
    gates: CheckTally = field(default_factory=CheckTally)
    tests: CheckTally = field(default_factory=CheckTally)
    materialized: dict[dg.AssetKey, dict[str, Any]] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    crawl_line: str = ""
    status: str = "starting"

    def poll(self) -> None:
        connection = self.instance.get_records_for_run(self.run_id, cursor=self.cursor)
        for record in connection.records:
            self._take(record.event_log_entry)
        self.cursor = connection.cursor

    def _take(self, entry: Any) -> None:
        event = entry.dagster_event
        if event is None:
            if entry.user_message.startswith(PROGRESS_PREFIX):
                self.crawl_line = card_text(entry.user_message[len(PROGRESS_PREFIX) :].lstrip(": "), 56)
            return
        kind = event.event_type
        self.status = RUN_STATUS.get(kind, self.status)
        if kind == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.materialization
            stage = self.plan.stage_of.get(materialization.asset_key, "exports")
            self.done[stage] = self.done.get(stage, 0) + 1
            self.materialized[materialization.asset_key] = _metadata_values(dict(materialization.metadata))
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            tally = self.gates if evaluation.asset_check_key.name.startswith(GATE_PREFIX) else self.tests
            tally.add(evaluation)
        elif kind == DagsterEventType.STEP_FAILURE:
            self.failures.append((event.step_key or "?", _innermost(event.step_failure_data.error)))
        elif kind == DagsterEventType.RUN_FAILURE and not self.failures:  # failed before any step (resources)
            self.failures.append(("run", _innermost(event.job_failure_data.error)))

    def count(self, stage: str) -> int:
        return self.gates.total if stage == "gates" else self.done.get(stage, 0)

    def detail(self, stage: str) -> str:
        if stage == "crawl":
            return self.crawl_line
        if stage == "gates":
            return self.gates.text()
        if stage == "dbt" and self.tests.total:
            return f"dbt tests: {self.tests.text()}"
        return ""


class StageProgress:
    """One progress bar per stage, driven by a RunWatcher (rich; not drawn when `disabled`, e.g. --verbose)."""

    def __init__(self, console: Console, watcher: RunWatcher, disabled: bool) -> None:
        self.watcher = watcher
        self.progress = Progress(
            TextColumn("{task.description:<27}"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            # cut, never wrapped: a long detail would squeeze the bars out of a 120-column line
            TextColumn("{task.fields[detail]}", table_column=Column(no_wrap=True, overflow="ellipsis", max_width=56)),
            console=console,
            disable=disabled,
        )
        self.tasks = {
            stage: self.progress.add_task(label, total=watcher.plan.total(stage), detail="", start=False)
            for stage, label in STAGES
        }

    def __enter__(self) -> StageProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.refresh()
        self.progress.__exit__(None, None, None)

    def refresh(self) -> None:
        for stage, task in self.tasks.items():
            count = self.watcher.count(stage)
            if count and not self.progress.tasks[task].started:
                self.progress.start_task(task)
            finished = count >= (self.progress.tasks[task].total or 0)
            if finished and not self.progress.tasks[task].finished:
                self.progress.stop_task(task)
            self.progress.update(task, completed=count, detail=self.watcher.detail(stage))

    def table(self) -> Table:
        """The stages as they ended (for --verbose, where no live bars were drawn)."""
        return self.progress.make_tasks_table(self.progress.tasks)


def _published(watcher: RunWatcher, endpoint: str) -> Iterator[tuple[str, str]]:
    for key, meta in sorted(watcher.materialized.items(), key=lambda item: item[0].to_user_string()):
        if key.path[0] != "publish":
            continue
        if meta.get("dry_run"):
            yield key.path[-1], f"dry run: release folder {meta.get('folder')}"
            continue
        repo, tag = meta.get("repo_id", "?"), meta.get("tag") or meta.get("superseded_by", "?")
        commit = meta.get("commit", "?")
        yield repo, f"tag {tag} ({'no new commit' if commit == 'unchanged' else 'commit ' + str(commit)[:10]})"
        yield "", f"{endpoint}/datasets/{repo}/tree/{tag}"


def _pictures(watcher: RunWatcher) -> list[str]:
    found = []
    for key, meta in watcher.materialized.items():
        for name in ("png", "chart"):
            if name in meta:
                found.append(f"{key.to_user_string()}: {meta[name]}")
    return sorted(found)


def _graph_rows(table: Table, summary: snapshot_summary.SnapshotSummary) -> None:
    def listing(counts: dict[str, int]) -> str:
        return " · ".join(f"{name} {n:,}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1]))

    table.add_row(f"entities ({sum(summary.entities.values()):,})", listing(summary.entities))
    table.add_row(f"relations ({sum(summary.relations.values()):,})", listing(summary.relations))
    table.add_row(f"dangling ({summary.dangling:,})", snapshot_summary.reasons_text(summary.dangling_reasons))
    if summary.quarantined is not None:
        reasons = snapshot_summary.reasons_text(summary.quarantine_reasons)
        table.add_row(f"quarantined ({summary.quarantined:,})", reasons)
    table.add_row("crawl coverage", snapshot_summary.coverage_text(summary.coverage))


@dataclass(frozen=True)
class Where:
    """Paths and addresses the report points at."""

    data_dir: Path
    endpoint: str
    log: Path
    dagster_home: Path


def run_report(watcher: RunWatcher, summary: snapshot_summary.SnapshotSummary | None, where: Where) -> Table:
    """The summary table that ends `hubkg demo`."""
    table = Table(title=f"HubKG run {watcher.run_id[:8]} · {watcher.status}", show_header=False, expand=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    if summary is not None:
        table.add_row("snapshot", str(summary.snapshot))
        _graph_rows(table, summary)
    table.add_row("gates (GE)", watcher.gates.text())
    table.add_row("dbt tests", watcher.tests.text())
    for repo, text in _published(watcher, where.endpoint):
        table.add_row(repo, text)
    for picture in _pictures(watcher):
        table.add_row("picture", picture)
    table.add_row(
        "Data Docs", str(where.data_dir / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html")
    )
    table.add_row("full log", str(where.log))
    table.add_row("Dagster UI", f"make ui (run {watcher.run_id}; DAGSTER_HOME={where.dagster_home})")
    return table


def _last_line(log: Path) -> str:
    lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return card_text(lines[-1], 300) if lines else "the log is empty"


def failure_report(watcher: RunWatcher, log: Path) -> Group:
    """What failed: one line per failed step, each failed blocking check with its expectations, observed values,
    offending rows and Data Docs page, and where the full log is."""
    table = Table(title=f"HubKG run {watcher.run_id[:8]} · {watcher.status}", show_header=False)
    table.add_column(style="bold red", no_wrap=True)
    table.add_column(overflow="fold")
    for step, message in watcher.failures[:10]:
        table.add_row(step, message)
    for report in (*watcher.gates.failed_reports, *watcher.tests.failed_reports)[:10]:
        table.add_row("failed check", report)
    if not watcher.failures:  # the process ended before any step failed (e.g. while loading the definitions)
        table.add_row("last log line", _last_line(log))
    table.add_row("full log", str(log))
    return Group(table)


def read_summary(database: Path, snapshot: date | None = None) -> snapshot_summary.SnapshotSummary | None:
    """The snapshot's summary from a DuckDB file opened read-only (None: no graph in it yet)."""
    if not database.exists():
        return None
    with duckdb.connect(str(database), read_only=True) as con:
        snapshot = snapshot or snapshot_summary.latest_snapshot(con)
        return snapshot_summary.summarize(con, snapshot) if snapshot else None


# --- hubkg status -------------------------------------------------------------------------------------------


def _recent_runs(instance: dg.DagsterInstance, job: str, limit: int) -> list[dg.DagsterRun]:
    return list(instance.get_runs(filters=dg.RunsFilter(job_name=job), limit=limit))


def published_tags(watcher: RunWatcher) -> list[str]:
    return [
        f"{meta.get('repo_id')}@{meta['tag']}"
        for key, meta in watcher.materialized.items()
        if key.path[0] == "publish" and meta.get("tag")
    ]


def runs_table(instance: dg.DagsterInstance, job: str, limit: int = 5) -> Table:
    table = Table(title="Last runs (Dagster instance)")
    for column in ("snapshot", "run", "status", "GE gates", "published"):
        table.add_column(column, overflow="fold")
    for run in _recent_runs(instance, job, limit):
        watcher = RunWatcher(instance, run.run_id, StagePlan({}, 0))
        watcher.poll()
        partition = run.tags.get("dagster/partition", "?")
        tags = ", ".join(sorted(published_tags(watcher))) or "—"
        table.add_row(partition, run.run_id[:8], run.status.value.lower(), watcher.gates.text(), tags)
    return table


def serving_table(data_dir: Path) -> Table:
    """The serving copy's snapshots and its latest snapshot's summary."""
    path = serving_path(data_dir)
    table = Table(title=f"Serving copy {path}", show_header=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    if not path.exists():
        table.add_row("state", "none yet: run `make demo` (or the pipeline) first")
        return table
    with duckdb.connect(str(path), read_only=True) as con:
        # the kg keeps its history as intervals: the snapshots it holds are listed beside them
        rows = con.execute("SELECT snapshot_date FROM kg.kg_nodes__snapshots ORDER BY 1 DESC").fetchall()
        snapshots = [row[0] for row in rows]
        table.add_row("snapshots", ", ".join(str(s) for s in snapshots[:10]) or "none")
        if snapshots:
            table.add_row("serving", f"snapshot {snapshots[0]}")
            _graph_rows(table, snapshot_summary.summarize(con, snapshots[0]))
    return table
