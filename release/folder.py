"""A release: the exact folder a dataset repo should contain for one snapshot.

Parquet shards per config (and split), `release.json` (row counts, schemas, observation window) and a generated
card. Building the folder is separate from uploading it, so a dry run writes exactly what would be published, and
the same data always gives the same bytes (sorted rows, fixed shard boundaries), which is what lets publishing
skip unchanged content.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from release.card import render_card
from release.spec import Release, ReleaseSpec, ReleaseTable

# Row groups sized for the Hub's dataset viewer (it reads one row group at a time); shards keep a commit of a
# HuggingKG-size graph under 100 files.
ROW_GROUP_SIZE = 100_000
PARQUET = f"FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE}"
ROWS_PER_SHARD = 2_000_000
MANIFEST = "release.json"
# Split values as the tables store them → the split names `datasets` users expect.
SPLIT_NAMES = {"valid": "validation", "val": "validation"}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[list[str]]:
    rows = con.execute(f"DESCRIBE SELECT * EXCLUDE (snapshot_date) FROM {table}").fetchall()
    return [[name, str(kind)] for name, kind, *_ in rows]


def copy_rows(con: duckdb.DuckDBPyConnection, query: str, target: Path, options: str) -> int:
    """Write `query`'s rows to `target` with DuckDB's COPY `options`; the rows written (COPY answers its count)."""
    return int(con.execute(f"COPY ({query}) TO '{target}' ({options})").fetchall()[0][0])


def write_sorted(
    con: duckdb.DuckDBPyConnection,
    query: str,
    params: list[Any],
    path_of: Callable[[int, int], Path],
    one_file: bool = False,
) -> tuple[int, list[Path]]:
    """Write `query`'s rows sorted, in shards of `ROWS_PER_SHARD` rows (or `one_file`), shard i of n at
    `path_of(i, n)`; (rows, paths). The rows go through a sorted table first, so a file's bytes depend on its rows
    alone, not on the query that found them: an export of a table is the same file as the release's one shard."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE release_rows AS SELECT * FROM ({query}) ORDER BY ALL", params)
    rows = con.execute("SELECT count(*) FROM release_rows").fetchall()[0][0]
    per_shard = max(rows, ROWS_PER_SHARD) if one_file else ROWS_PER_SHARD
    shards = max(1, math.ceil(rows / per_shard))
    paths = [path_of(i, shards) for i in range(shards)]
    for i, path in enumerate(paths):
        con.execute(
            f"COPY (SELECT * FROM release_rows WHERE rowid >= {i * per_shard} "
            f"AND rowid < {(i + 1) * per_shard} ORDER BY rowid) TO '{path}' ({PARQUET})"
        )
    con.execute("DROP TABLE release_rows")
    return rows, paths


def _write_shards(con: duckdb.DuckDBPyConnection, query: str, params: list[Any], target: Path, stem: str) -> list[str]:
    """Write `query` sorted, in fixed-size shards named `<stem>-0000i-of-0000n.parquet`."""
    _, paths = write_sorted(con, query, params, lambda i, n: target / f"{stem}-{i:05d}-of-{n:05d}.parquet")
    return [p.name for p in paths]


def _observed(con: duckdb.DuckDBPyConnection, snapshot: date) -> list[str]:
    low, high = con.execute(
        "SELECT min(updated_at), max(updated_at) FROM raw.crawl_state WHERE snapshot_date = ?", [snapshot]
    ).fetchall()[0]
    return [low.isoformat() if low else "", high.isoformat() if high else ""]


class ReleaseError(RuntimeError):
    """A config of the release could not be built: nothing of this repo may be published."""


def _write_table(con: duckdb.DuckDBPyConnection, folder: Path, t: ReleaseTable, snapshot: date) -> dict[str, Any]:
    """Write one config's parquet files; its manifest entry (rows per split, columns)."""
    target = folder / "data" / t.config
    target.mkdir(parents=True)
    select = f"SELECT * EXCLUDE (snapshot_date) FROM {t.table} WHERE snapshot_date = ?"
    if t.split_column is None:
        splits = {"train": _write_shards(con, select, [snapshot], target, "train")}
    else:
        values = con.execute(f"SELECT DISTINCT {t.split_column} FROM ({select}) ORDER BY 1", [snapshot])
        splits = {
            SPLIT_NAMES.get(value, value): _write_shards(
                con, f"{select} AND {t.split_column} = ?", [snapshot, value], target, SPLIT_NAMES.get(value, value)
            )
            for (value,) in values.fetchall()
            if value is not None
        }
        # An empty benchmark (e.g. nothing survives the k-core on a small world) is still a valid config.
        splits = splits or {"train": _write_shards(con, select, [snapshot], target, "train")}
    counts = {
        split: con.execute(f"SELECT count(*) FROM read_parquet('{target}/{split}-*.parquet')").fetchall()[0][0]
        for split in splits
    }
    return {"rows": counts, "columns": _columns(con, t.table)}


def build_release(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    spec: ReleaseSpec,
    snapshot: date,
    previous: dict[str, Any] | None = None,
    repo_id: str | None = None,
) -> Release:
    """Write every table of `spec` for `snapshot` plus manifest and card into `folder` (replacing it).

    Raises `ReleaseError` naming the config when one cannot be built, and `CardError` when the card's metadata
    would not validate: either way before anything is uploaded."""
    if folder.exists():
        shutil.rmtree(folder)
    tables: dict[str, Any] = {}
    for t in spec.tables:
        try:
            tables[t.config] = _write_table(con, folder, t, snapshot)
        except duckdb.Error as exc:
            raise ReleaseError(
                f"{spec.repo}: config `{t.config}` (from {t.table}) failed to build, nothing is published: {exc}"
            ) from exc
    manifest: dict[str, Any] = {
        "repo": spec.repo,
        "snapshot_date": snapshot.isoformat(),
        "observed": _observed(con, snapshot),
        "tables": tables,
    }
    if previous is not None and {k: previous.get(k) for k in ("snapshot_date", "tables")} == {
        k: manifest[k] for k in ("snapshot_date", "tables")
    }:
        # The same snapshot with the same tables again (a rerun after a crash): compare with what its first
        # publication compared with, so the card's bytes, and so the repo, stay as they are: no README-only commit.
        previous = previous.get("previous_release")
    manifest["previous_release"] = (
        None
        if previous is None
        else {"snapshot_date": previous.get("snapshot_date"), "tables": previous.get("tables", {})}
    )
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    sections = spec.generated(con, snapshot, folder) if spec.generated else []
    card = render_card(spec, manifest, previous, sections, repo_id)
    (folder / "README.md").write_text(card, encoding="utf-8")
    return Release(folder=folder, snapshot=snapshot, manifest=manifest)
