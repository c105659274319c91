"""The leaderboard tables and how they read: `benchmarks.leaderboard` (scores, one row per benchmark, split
variant, method and metric per snapshot) and `benchmarks.baseline_runs` (how long each baseline took).

Scores are deterministic for a snapshot, so a rerun publishes the same bytes; run times are kept apart because
they are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from baselines.chart import HEADLINE

DDL = (
    "CREATE SCHEMA IF NOT EXISTS benchmarks",
    """CREATE TABLE IF NOT EXISTS benchmarks.leaderboard (
        benchmark VARCHAR NOT NULL, variant VARCHAR NOT NULL, method VARCHAR NOT NULL, metric VARCHAR NOT NULL,
        value DOUBLE NOT NULL, evaluated BIGINT NOT NULL, snapshot_date DATE NOT NULL)""",
    # Sampled scores (a large test set): how many were sampled from and the 95% interval; NULL when all were scored.
    "ALTER TABLE benchmarks.leaderboard ADD COLUMN IF NOT EXISTS population BIGINT",
    "ALTER TABLE benchmarks.leaderboard ADD COLUMN IF NOT EXISTS ci_low DOUBLE",
    "ALTER TABLE benchmarks.leaderboard ADD COLUMN IF NOT EXISTS ci_high DOUBLE",
    """CREATE TABLE IF NOT EXISTS benchmarks.baseline_runs (
        benchmark VARCHAR NOT NULL, variant VARCHAR NOT NULL, method VARCHAR NOT NULL, seconds DOUBLE NOT NULL,
        finished_at TIMESTAMPTZ NOT NULL, snapshot_date DATE NOT NULL)""",
)

# HuggingBench's published best (and TransE, the tracing baseline we also run), from its README.
PUBLISHED = {
    ("recommendation", "recall@20"): ("LightGCL", 0.2228),
    ("recommendation", "ndcg@20"): ("LightGCL", 0.1398),
    ("classification", "micro_f1"): ("RevGCN, fine-tuned BERT features", 0.8851),
    ("tracing", "mrr"): ("TransE", 0.5589),
    ("tracing", "hits@1"): ("TransE", 0.4496),
    ("tracing", "hits@10"): ("TransE", 0.7562),
}


@dataclass(frozen=True)
class Score:
    benchmark: str
    variant: str
    method: str
    metric: str
    value: float
    evaluated: int  # test users, nodes or triples scored
    population: int | None = None  # when `evaluated` is a sample: the size of the test set it was drawn from
    ci_low: float | None = None  # the sampled score's 95% confidence interval
    ci_high: float | None = None


@dataclass(frozen=True)
class Run:
    benchmark: str
    variant: str
    method: str
    seconds: float
    finished_at: datetime


def record(con: duckdb.DuckDBPyConnection, snapshot: date, scores: list[Score], runs: list[Run]) -> None:
    """Replace the snapshot's scores and run times in one transaction (readers never see half a leaderboard)."""
    for statement in DDL:
        con.execute(statement)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("leaderboard", "baseline_runs"):
            con.execute(f"DELETE FROM benchmarks.{table} WHERE snapshot_date = ?", [snapshot])
        con.executemany(
            "INSERT INTO benchmarks.leaderboard (benchmark, variant, method, metric, value, evaluated, snapshot_date, "
            "population, ci_low, ci_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [s.benchmark, s.variant, s.method, s.metric, s.value, s.evaluated, snapshot]
                + [s.population, s.ci_low, s.ci_high]
                for s in scores
            ],
        )
        con.executemany(
            "INSERT INTO benchmarks.baseline_runs VALUES (?, ?, ?, ?, ?, ?)",
            [[r.benchmark, r.variant, r.method, r.seconds, r.finished_at, snapshot] for r in runs],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def history(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(snapshot_date, benchmark, variant, method, metric, value) of every snapshot, for the chart."""
    return con.execute(
        "SELECT snapshot_date, benchmark, variant, method, metric, value FROM benchmarks.leaderboard ORDER BY ALL"
    ).fetchall()


def panel_notes(con: duckdb.DuckDBPyConnection, snapshot: date) -> dict[str, str]:
    """Why each benchmark's headline split may have no score on `snapshot` (the chart shows it in an empty panel):
    the benchmark's own availability note when it is unavailable, else that the split has no test rows."""
    unavailable = dict(
        con.execute(
            "SELECT benchmark || '/' || variant, detail FROM benchmarks.benchmark_stats "
            "WHERE snapshot_date = ? AND metric = 'available' AND value = 0",
            [snapshot],
        ).fetchall()
    )
    return {
        benchmark: unavailable.get(f"{benchmark}/{variant}") or f"the {variant} split has no test rows on {snapshot}"
        for benchmark, (variant, _) in HEADLINE.items()
    }


def markdown(con: duckdb.DuckDBPyConnection, snapshot: date) -> str:
    """The snapshot's headline scores next to HuggingBench's published ones, as a Markdown table."""
    rows = con.execute(
        "SELECT benchmark, variant, method, metric, value, evaluated, population, ci_low, ci_high "
        "FROM benchmarks.leaderboard "
        "WHERE snapshot_date = ? ORDER BY ALL",
        [snapshot],
    ).fetchall()
    lines = [
        "| benchmark | split | method | metric | score | evaluated | HuggingBench (Dec 2024) |",
        "|---|---|---|---|---|---|---|",
    ]
    for benchmark, variant, method, metric, value, evaluated, population, low, high in rows:
        if (benchmark, metric) not in PUBLISHED and metric != HEADLINE[benchmark][1]:
            continue
        name, published = PUBLISHED.get((benchmark, metric), ("", None))
        reference = f"{published:.4f} ({name})" if published is not None else ""
        score = f"{value:.4f}" + (f" (95% CI {low:.4f}–{high:.4f})" if population else "")
        count = f"{evaluated:,}" + (f" sampled of {population:,}" if population else "")
        lines.append(f"| {benchmark} | {variant} | {method} | {metric} | {score} | {count} | {reference} |")
    if len(lines) == 2:
        return "No benchmark of this snapshot has a test split to score."
    return "\n".join(lines)
