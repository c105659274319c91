"""A release: the exact folder a dataset repo should contain for one snapshot (parquet shards + card).

Building the folder is separate from uploading it, so a dry run writes exactly what would be published.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import yaml

# Row groups sized for the Hub's dataset viewer, which reads one row group at a time.
ROW_GROUP_SIZE = 100_000


@dataclass(frozen=True)
class ReleaseTable:
    config: str  # dataset config name
    table: str  # warehouse table
    description: str


@dataclass
class Release:
    folder: Path
    snapshot: date
    row_counts: dict[str, int]


def _card(title: str, snapshot: date, tables: list[ReleaseTable], counts: dict[str, int]) -> str:
    header = {
        "pretty_name": title,
        "license": "other",
        "tags": ["knowledge-graph", "huggingface-hub", "hubkg"],
        "configs": [
            {"config_name": t.config, "data_files": [{"split": "train", "path": f"data/{t.config}/*.parquet"}]}
            for t in tables
        ],
    }
    rows = "\n".join(f"| `{t.config}` | {counts[t.config]:,} | {t.description} |" for t in tables)
    return (
        f"---\n{yaml.safe_dump(header, sort_keys=False)}---\n\n# {title}\n\n"
        f"Snapshot of Hugging Face Hub metadata taken on {snapshot.isoformat()} by HubKG, "
        "through the public Hub API.\n\n"
        f"| config | rows | contents |\n|---|---|---|\n{rows}\n"
    )


def build_release(
    con: duckdb.DuckDBPyConnection, folder: Path, title: str, snapshot: date, tables: list[ReleaseTable]
) -> Release:
    """Write every table as parquet plus the dataset card into `folder` (replacing what was there)."""
    if folder.exists():
        shutil.rmtree(folder)
    counts: dict[str, int] = {}
    for t in tables:
        target = folder / "data" / t.config
        target.mkdir(parents=True)
        path = target / f"{t.config}-00000-of-00001.parquet"
        con.execute(
            f"COPY (SELECT * FROM {t.table} ORDER BY ALL) TO '{path}' "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
        )
        counts[t.config] = con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]
    (folder / "README.md").write_text(_card(title, snapshot, tables, counts), encoding="utf-8")
    return Release(folder=folder, snapshot=snapshot, row_counts=counts)
