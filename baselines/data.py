"""The benchmark splits of one snapshot, read from the warehouse into the arrays the baselines take.

Indices are assigned in SQL (`dense_rank` over ids, the export files' order), so nothing is held as Python
objects per interaction.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np

from baselines.classification import LabelledNodes
from baselines.recommendation import Likes
from baselines.tracing import Lineage


def split_has_test(con: duckdb.DuckDBPyConnection, table: str, column: str, snapshot: date) -> bool:
    query = f"SELECT count(*) FROM benchmarks.{table} WHERE snapshot_date = ? AND {column} = 'test'"
    return con.execute(query, [snapshot]).fetchone()[0] > 0


def load_likes(con: duckdb.DuckDBPyConnection, snapshot: date, split_column: str) -> Likes:
    """User → item likes with the split of `split_column` (`split_random` or `split_temporal`)."""
    rows = con.execute(
        f"""
        SELECT dense_rank() OVER (ORDER BY user_id) - 1 AS user_index,
               dense_rank() OVER (ORDER BY item_id) - 1 AS item_index,
               {split_column} AS split
        FROM benchmarks.rec_interactions
        WHERE snapshot_date = ? AND {split_column} IS NOT NULL
        ORDER BY user_index, item_index
        """,
        [snapshot],
    ).fetchnumpy()
    return Likes.from_arrays(rows["user_index"].astype(np.int64), rows["item_index"].astype(np.int64), rows["split"])


def load_labelled_nodes(con: duckdb.DuckDBPyConnection, snapshot: date) -> LabelledNodes:
    labels = con.execute("SELECT count(*) FROM benchmarks.cls_tasks WHERE snapshot_date = ?", [snapshot]).fetchone()
    nodes = con.execute(
        """
        SELECT node_index, node_id, split, label_indices, text, tags
        FROM benchmarks.cls_nodes WHERE snapshot_date = ? ORDER BY node_index
        """,
        [snapshot],
    ).fetchnumpy()
    edges = con.execute(
        """
        WITH n AS (SELECT node_index, node_id FROM benchmarks.cls_nodes WHERE snapshot_date = $1)
        SELECT s.node_index AS source, t.node_index AS target
        FROM benchmarks.cls_edges AS e JOIN n AS s ON s.node_id = e.source_id JOIN n AS t ON t.node_id = e.target_id
        WHERE e.snapshot_date = $1 ORDER BY 1, 2
        """,
        [snapshot],
    ).fetchnumpy()
    multi_hot = np.zeros((len(nodes["node_index"]), labels[0]), dtype=bool)
    for row, indices in enumerate(nodes["label_indices"]):
        multi_hot[row, list(indices)] = True
    return LabelledNodes(
        labels=multi_hot,
        split=np.asarray(nodes["split"], dtype=object),
        text=[t or "" for t in nodes["text"]],
        tags=[list(t) for t in nodes["tags"]],
        edges=np.stack([edges["source"], edges["target"]]).astype(np.int64),
    )


def load_lineage(con: duckdb.DuckDBPyConnection, snapshot: date, split_column: str) -> Lineage:
    """Tracing triples with the split of `split_column`, entities with their creation time, as numbered by
    benchmarks.trace_entities / trace_relations (the numbering of the exported id maps)."""
    entities = con.execute(
        "SELECT entity_id, epoch(created_at) AS created FROM benchmarks.trace_entities WHERE snapshot_date = ? "
        "ORDER BY entity_index",
        [snapshot],
    ).fetchnumpy()
    triples = con.execute(
        f"""
        WITH e AS (SELECT entity_id, entity_index FROM benchmarks.trace_entities WHERE snapshot_date = $1),
             r AS (SELECT relation, relation_index FROM benchmarks.trace_relations WHERE snapshot_date = $1)
        SELECT h.entity_index AS head, r.relation_index AS relation, t.entity_index AS tail,
               x.{split_column} AS split, (SELECT count(*) FROM r) AS relations
        FROM benchmarks.trace_triples AS x
        JOIN e AS h ON h.entity_id = x.head JOIN e AS t ON t.entity_id = x.tail JOIN r USING (relation)
        WHERE x.snapshot_date = $1
        ORDER BY 1, 2, 3
        """,
        [snapshot],
    ).fetchnumpy()
    created = np.ma.filled(np.ma.asarray(entities["created"], dtype=np.float64), np.nan)  # null → nan
    return Lineage(
        entities=list(entities["entity_id"]),
        created=created,
        head=triples["head"].astype(np.int64),
        relation=triples["relation"].astype(np.int64),
        tail=triples["tail"].astype(np.int64),
        split=np.asarray(triples["split"], dtype=object),
        relations=int(triples["relations"][0]) if len(triples["relations"]) else 0,
    )
