"""The lineage forest of one snapshot as data frames, read from the atlas marts, and its layout table.

The forest is every atlas node (model or placeholder) in a component of two or more: every model with a parent or
a child. Attributes come from `kg.models` where documented and from `atlas.model_imputed` otherwise, with a flag
saying which. Positions are stored per snapshot in `atlas.atlas_layout`, so the next snapshot's layout is seeded
with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from atlas.layout import Forest, layout

ATTRIBUTES = ("pipeline_tag", "library_name", "license")
LAYOUT_TABLE = "atlas.atlas_layout"

NODES_SQL = f"""
SELECT n.model_id, n.is_placeholder, n.component_id, n.component_root, n.component_size,
       CASE WHEN n.is_placeholder THEN 'placeholder' ELSE n.relation_type END AS relation_type,
       n.downloads, n.sub_tree_downloads, n.created_at,
       {", ".join(f"coalesce(m.{a}, i.{a}_imputed) AS {a}" for a in ATTRIBUTES)},
       ({" OR ".join(f"(m.{a} IS NULL AND i.{a}_imputed IS NOT NULL)" for a in ATTRIBUTES)}) AS imputed
FROM atlas.atlas_nodes AS n
LEFT JOIN kg.models AS m ON m.id = n.model_id AND m.snapshot_date = n.snapshot_date
LEFT JOIN atlas.model_imputed AS i ON i.model_id = n.model_id AND i.snapshot_date = n.snapshot_date
WHERE n.snapshot_date = ? AND n.component_size > 1
ORDER BY n.model_id
"""

EDGES_SQL = """
SELECT base_model_id, model_id, relation FROM atlas.atlas_edges
WHERE snapshot_date = ? AND NOT breaks_cycle ORDER BY base_model_id, model_id
"""


@dataclass
class LineageForest:
    """Nodes (sorted by id, with x, y) and cycle-free edges of one snapshot's lineage forest."""

    snapshot: date
    nodes: pd.DataFrame
    edges: pd.DataFrame
    seeded_components: int  # components placed where the previous snapshot had them


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    # fetchall, not fetchone: DuckDB 2 refuses new work on a connection whose result was not read to the end
    (count,) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, name]
    ).fetchall()[0]
    return bool(count)


def previous_positions(con: duckdb.DuckDBPyConnection, snapshot: date) -> pd.DataFrame | None:
    """The positions of the latest earlier snapshot that has a layout, if any."""
    if not table_exists(con, LAYOUT_TABLE):
        return None
    frame = con.execute(
        f"SELECT model_id, x, y FROM {LAYOUT_TABLE} WHERE snapshot_date = "
        f"(SELECT max(snapshot_date) FROM {LAYOUT_TABLE} WHERE snapshot_date < ?)",
        [snapshot],
    ).df()
    return frame if len(frame) else None


def load_forest(con: duckdb.DuckDBPyConnection, snapshot: date) -> LineageForest:
    """Read the forest and lay it out, seeded with the previous snapshot's stored positions."""
    nodes = con.execute(NODES_SQL, [snapshot]).df()
    edges = con.execute(EDGES_SQL, [snapshot]).df()
    forest = Forest.from_frames(nodes, edges)
    previous = previous_positions(con, snapshot)
    xy = layout(forest, previous)
    nodes = nodes.set_index("model_id").loc[forest.ids].reset_index()
    nodes["x"], nodes["y"] = xy[:, 0], xy[:, 1]
    seeded = 0
    if previous is not None:
        seeded = int(nodes.loc[nodes["model_id"].isin(previous["model_id"]), "component_id"].nunique())
    return LineageForest(snapshot, nodes, edges, seeded)


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, snapshot: date) -> None:
    """Replace `snapshot`'s rows of a Python-written atlas table (created from the frame's columns if absent)."""
    con.register("atlas_rows", frame)
    try:
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {table} AS SELECT *, ?::DATE AS snapshot_date FROM atlas_rows LIMIT 0",
            [snapshot],
        )
        con.execute(f"DELETE FROM {table} WHERE snapshot_date = ?", [snapshot])
        con.execute(f"INSERT INTO {table} SELECT *, ?::DATE FROM atlas_rows", [snapshot])
    finally:
        con.unregister("atlas_rows")


def store_positions(con: duckdb.DuckDBPyConnection, forest: LineageForest) -> None:
    """Replace this snapshot's rows of `atlas.atlas_layout` (model_id, x, y, snapshot_date)."""
    frame = pd.DataFrame(
        {
            "model_id": forest.nodes["model_id"].astype(str),
            "x": forest.nodes["x"].astype(np.float64),
            "y": forest.nodes["y"].astype(np.float64),
        }
    )
    replace_rows(con, LAYOUT_TABLE, frame, forest.snapshot)
