"""What a release is made of: the dataset repo's tables and card sections, and the folder built for a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb


@dataclass(frozen=True)
class ReleaseTable:
    config: str  # dataset config name
    table: str  # warehouse table, one row per entity/edge per snapshot
    description: str
    split_column: str | None = None  # benchmark tables: one parquet set per split value
    # Why the table can be empty on a snapshot; the card shows it next to a config with 0 rows.
    when_empty: str = "Nothing of this kind was observed on this snapshot."


@dataclass(frozen=True)
class ReleaseSpec:
    repo: str
    title: str
    summary: str
    tables: tuple[ReleaseTable, ...]
    # Hub task categories of the card's metadata (https://huggingface.co/tasks)
    task_categories: tuple[str, ...] = ("graph-ml",)
    notes: tuple[str, ...] = ()  # extra card sections (provenance, split rules…), Markdown
    # card sections computed from the warehouse for the snapshot; may add files (e.g. a chart) to the folder
    generated: Callable[[duckdb.DuckDBPyConnection, date, Path], list[str]] | None = None


@dataclass
class Release:
    folder: Path
    snapshot: date
    manifest: dict[str, Any] = field(default_factory=dict)
