"""What one snapshot holds, in a few numbers: entities and relations per type, dangling edges and quarantined rows
with their top reasons, and how complete the crawl was.

The same summary ends the `hubkg demo` report and the serving asset's materialization, so the terminal and the
Dagster UI tell the same story. Reasons can quote Hub text, so they pass through the sanitiser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from release.sanitize import card_text

TOP_REASONS = 3


@dataclass(frozen=True)
class Coverage:
    """Per-entity answers of the crawl, summed over every kind of call (`kg.kg_crawl_coverage`)."""

    keys: int
    fetched: int
    reused: int
    stale: int
    deferred: int
    failed: int

    @property
    def current_share(self) -> float:
        return (self.fetched + self.reused) / self.keys if self.keys else 1.0


@dataclass(frozen=True)
class SnapshotSummary:
    snapshot: date
    entities: dict[str, int]
    relations: dict[str, int]
    dangling: int
    dangling_reasons: list[tuple[str, int]]
    quarantined: int | None  # None: the raw layer is not in this database (the serving copy)
    quarantine_reasons: list[tuple[str, int]]
    coverage: Coverage | None


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, table]
    ).fetchone()
    return bool(found and found[0])


def _counts(con: duckdb.DuckDBPyConnection, sql: str, snapshot: date) -> list[tuple[str, int]]:
    return [(card_text(name), int(n)) for name, n in con.execute(sql, [snapshot]).fetchall()]


def latest_snapshot(con: duckdb.DuckDBPyConnection) -> date | None:
    """The newest snapshot in the graph (None: no graph built yet)."""
    if not _has_table(con, "kg", "kg_nodes"):
        return None
    row = con.execute("SELECT max(snapshot_date) FROM kg.kg_nodes").fetchone()
    return row[0] if row else None


def _coverage(con: duckdb.DuckDBPyConnection, snapshot: date) -> Coverage | None:
    if not _has_table(con, "kg", "kg_crawl_coverage"):
        return None
    row = con.execute(
        "SELECT sum(keys), sum(fetched), sum(reused_unchanged), sum(stale), sum(deferred), sum(failed) "
        "FROM kg.kg_crawl_coverage WHERE snapshot_date = ?",
        [snapshot],
    ).fetchone()
    if not row or row[0] is None:
        return None
    return Coverage(*(int(v) for v in row))


def summarize(con: duckdb.DuckDBPyConnection, snapshot: date) -> SnapshotSummary:
    """The summary of `snapshot` from a database holding the `kg` layer (and `raw`, for the quarantine)."""
    per_type = "WHERE snapshot_date = ? GROUP BY 1 ORDER BY 1"
    by_reason = "GROUP BY ALL ORDER BY 2 DESC, 1 LIMIT " + str(TOP_REASONS)
    dangling_row = con.execute(
        "SELECT count(*) FROM kg.kg_dangling_edges WHERE snapshot_date = ?", [snapshot]
    ).fetchone()
    quarantined: int | None = None
    quarantine_reasons: list[tuple[str, int]] = []
    if _has_table(con, "raw", "quarantine"):
        row = con.execute("SELECT count(*) FROM raw.quarantine WHERE snapshot_date = ?", [snapshot]).fetchone()
        quarantined = int(row[0]) if row else 0
        quarantine_reasons = _counts(
            con, f"SELECT reason, count(*) FROM raw.quarantine WHERE snapshot_date = ? {by_reason}", snapshot
        )
    return SnapshotSummary(
        snapshot=snapshot,
        entities=dict(_counts(con, f"SELECT node_type, count(*) FROM kg.kg_nodes {per_type}", snapshot)),
        relations=dict(_counts(con, f"SELECT relation, count(*) FROM kg.kg_edges {per_type}", snapshot)),
        dangling=int(dangling_row[0]) if dangling_row else 0,
        dangling_reasons=_counts(
            con, f"SELECT reason, count(*) FROM kg.kg_dangling_edges WHERE snapshot_date = ? {by_reason}", snapshot
        ),
        quarantined=quarantined,
        quarantine_reasons=quarantine_reasons,
        coverage=_coverage(con, snapshot),
    )


def reasons_text(reasons: list[tuple[str, int]]) -> str:
    return "; ".join(f"{reason} ({n:,})" for reason, n in reasons) or "none"


def coverage_text(coverage: Coverage | None) -> str:
    if coverage is None:
        return "not recorded"
    return (
        f"{coverage.current_share:.1%} current of {coverage.keys:,} per-entity answers ({coverage.fetched:,} fetched, "
        f"{coverage.reused:,} reused unchanged, {coverage.stale:,} stale, {coverage.deferred:,} deferred, "
        f"{coverage.failed:,} failed)"
    )


def markdown(summary: SnapshotSummary) -> str:
    """The summary as Markdown, for a materialization's metadata."""
    entities = " · ".join(f"{name} {n:,}" for name, n in summary.entities.items())
    relations = " · ".join(f"{name} {n:,}" for name, n in summary.relations.items())
    lines = [
        f"**Snapshot {summary.snapshot}**",
        "",
        "| | |",
        "|---|---|",
        f"| entities ({sum(summary.entities.values()):,}) | {entities} |",
        f"| relations ({sum(summary.relations.values()):,}) | {relations} |",
        f"| dangling edges ({summary.dangling:,}) | {reasons_text(summary.dangling_reasons)} |",
    ]
    if summary.quarantined is not None:
        lines.append(f"| quarantined ({summary.quarantined:,}) | {reasons_text(summary.quarantine_reasons)} |")
    lines.append(f"| crawl coverage | {coverage_text(summary.coverage)} |")
    return "\n".join(lines)
