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
        SELECT row_number() OVER (ORDER BY node_id) - 1 AS node_index, node_id, split, label_indices, text, tags
        FROM benchmarks.cls_nodes WHERE snapshot_date = ? ORDER BY node_index
        """,
        [snapshot],
    ).fetchnumpy()
    edges = con.execute(
        """
        WITH n AS (SELECT row_number() OVER (ORDER BY node_id) - 1 AS i, node_id
                   FROM benchmarks.cls_nodes WHERE snapshot_date = $1)
        SELECT s.i AS source, t.i AS target
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
    """Tracing triples with the split of `split_column`, entities with their creation time (from kg.models)."""
    entities = con.execute(
        """
        WITH e AS (SELECT head AS id FROM benchmarks.trace_triples WHERE snapshot_date = $1
                   UNION SELECT tail FROM benchmarks.trace_triples WHERE snapshot_date = $1)
        SELECT e.id, epoch(m.created_at) AS created
        FROM e LEFT JOIN kg.models AS m ON m.id = e.id AND m.snapshot_date = $1
        ORDER BY e.id
        """,
        [snapshot],
    ).fetchnumpy()
    triples = con.execute(
        f"""
        WITH e AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i
                   FROM (SELECT head AS id FROM benchmarks.trace_triples WHERE snapshot_date = $1
                         UNION SELECT tail FROM benchmarks.trace_triples WHERE snapshot_date = $1)),
             r AS (SELECT relation, row_number() OVER (ORDER BY relation) - 1 AS i
                   FROM (SELECT DISTINCT relation FROM benchmarks.trace_triples WHERE snapshot_date = $1))
        SELECT h.i AS head, r.i AS relation, t.i AS tail, x.{split_column} AS split,
               (SELECT count(*) FROM r) AS relations
        FROM benchmarks.trace_triples AS x
        JOIN e AS h ON h.id = x.head JOIN e AS t ON t.id = x.tail JOIN r USING (relation)
        WHERE x.snapshot_date = $1
        ORDER BY 1, 2, 3
        """,
        [snapshot],
    ).fetchnumpy()
    created = np.ma.filled(np.ma.asarray(entities["created"], dtype=np.float64), np.nan)  # null → nan
    return Lineage(
        entities=list(entities["id"]),
        created=created,
        head=triples["head"].astype(np.int64),
        relation=triples["relation"].astype(np.int64),
        tail=triples["tail"].astype(np.int64),
        split=np.asarray(triples["split"], dtype=object),
        relations=int(triples["relations"][0]) if len(triples["relations"]) else 0,
    )
