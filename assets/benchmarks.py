"""Benchmarks layer: HuggingBench's three benchmarks of one snapshot as files, written by DuckDB `COPY` and numpy.

`<data_dir>/benchmarks/<snapshot>/` holds one folder per benchmark (each written next to its final place and
renamed into it, so readers never see half a folder):
- `recommendation/`: `interactions.parquet`, `social.parquet`, `kg.parquet`, `stats.parquet`, and RecBole atomic
  files under `recbole/<dataset>/`: `huggingbench` (`.train/.valid/.test.inter`, `.net`), `huggingbench_kg_<variant>`
  (hard links to the same `.inter` files, plus `.kg` and `.link`) and, where likes carry a time,
  `huggingbench_temporal`;
- `classification/`: `nodes.parquet`, `edges.parquet`, `stats.parquet`, `task_to_id.txt` and numpy arrays for
  PyG/DGL: `edge_index.npy` (int64, 2 × E), `y.npy` (float32 multi-hot, N × tasks), `train_mask.npy`, `val_mask.npy`,
  `test_mask.npy` (bool, N); row i of every array is `node_index` i of `nodes.parquet`;
- `tracing/`: `triples.parquet`, `stats.parquet`, and LibKGE/PyKEEN folders `random/` and `temporal/` with
  `train.txt`, `valid.txt`, `test.txt` (head, relation, tail, tab-separated) and `entity_ids.del`,
  `relation_ids.del` (`<index>\t<name>`). `random/` is transductive (every valid/test entity and relation occurs
  in train); `temporal/` tests on models newer than train, and adds `valid_transductive.txt` and
  `test_transductive.txt` (the triples whose entities and relation occur in train) and a `README.txt` saying so.
Every query is ordered and numpy writes plain arrays, so the same snapshot and seed give byte-identical files.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import numpy as np
from dagster_duckdb import DuckDBResource

from assets.partitions import SNAPSHOT_DAYS, built_snapshot
from release.folder import copy_rows

SPLITS = ("train", "valid", "test")
KG_VARIANTS = ("1hop", "2hop", "homo", "publish")
RECBOLE_DATASET = "huggingbench"
TSV = "format csv, delimiter '\t', header false, quote '', escape ''"
# RecBole atomic files: a `name:type` header line, tab-separated, no quoting.
RECBOLE = "format csv, delimiter '\t', header true, quote '', escape ''"
PARQUET = "format parquet, compression zstd"


def _deps(*tables: str) -> list[dg.AssetKey]:
    return [dg.AssetKey(["benchmarks", t]) for t in (*tables, "benchmark_stats")]


def _copy(con, query: str, target: Path, options: str = PARQUET) -> int:
    return copy_rows(con, query, target, options)


def snapshot_to_export(context: dg.AssetExecutionContext, con) -> str:
    """The partition's snapshot as an ISO date (safe to inline: COPY takes no params), checked to have benchmarks."""
    return built_snapshot(context, con, "benchmarks.benchmark_stats").isoformat()


@contextmanager
def _folder(data_dir: Path, snapshot: str, name: str) -> Iterator[Path]:
    """A fresh folder that replaces `<data_dir>/benchmarks/<snapshot>/<name>` once fully written."""
    root = data_dir / "benchmarks" / snapshot
    staging = root / f".{name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    yield staging
    final = root / name
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)


def _stats(con, where: str, benchmark: str, target: Path) -> None:
    _copy(
        con,
        f"SELECT * EXCLUDE (snapshot_date) FROM benchmarks.benchmark_stats {where} "
        f"AND benchmark IN ('{benchmark}', 'settings') ORDER BY ALL",
        target,
    )


def _recbole_inter(con, where: str, split_column: str, folder: Path, with_time: bool) -> dict[str, int]:
    folder.mkdir(parents=True)
    time = ', epoch(liked_at) AS "timestamp:float"' if with_time else ""
    return {
        split: _copy(
            con,
            f'SELECT user_id AS "user_id:token", item_id AS "item_id:token"{time} FROM benchmarks.rec_interactions '
            f"{where} AND {split_column} = '{split}' ORDER BY 1, 2",
            folder / f"{folder.name}.{split}.inter",
            RECBOLE,
        )
        for split in SPLITS
    }


@dg.asset(
    key=["benchmarks", "recommendation_files"],
    group_name="benchmarks",
    deps=_deps("rec_interactions", "rec_social", "rec_kg"),
    kinds={"duckdb", "parquet"},
    owners=["team:hubkg"],
    code_version="1",
    partitions_def=SNAPSHOT_DAYS,
)
def recommendation_files(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: dg.ResourceParam[Path]
) -> dg.MaterializeResult:
    """Resource recommendation (user → model/dataset/Space likes, k-core): parquet and RecBole atomic files."""
    with warehouse.get_connection() as con:
        snapshot = snapshot_to_export(context, con)
        where = f"WHERE snapshot_date = DATE '{snapshot}'"
        with _folder(data_dir, snapshot, "recommendation") as out:
            interactions = _copy(
                con,
                f"SELECT * EXCLUDE (snapshot_date) FROM benchmarks.rec_interactions {where} ORDER BY user_id, item_id",
                out / "interactions.parquet",
            )
            _copy(
                con,
                f"SELECT follower_id, followee_id FROM benchmarks.rec_social {where} ORDER BY ALL",
                out / "social.parquet",
            )
            _copy(
                con, f"SELECT * EXCLUDE (snapshot_date) FROM benchmarks.rec_kg {where} ORDER BY ALL", out / "kg.parquet"
            )
            _stats(con, where, "recommendation", out / "stats.parquet")

            base = out / "recbole" / RECBOLE_DATASET
            splits = _recbole_inter(con, where, "split_random", base, with_time=False)
            _copy(
                con,
                'SELECT follower_id AS "source_id:token", followee_id AS "target_id:token" '
                f"FROM benchmarks.rec_social {where} ORDER BY 1, 2",
                base / f"{RECBOLE_DATASET}.net",
                RECBOLE,
            )
            kg_triples = {}
            linked: Path | None = None  # the first variant's `.link`: every variant's is the same
            for variant in KG_VARIANTS:
                folder = base.parent / f"{RECBOLE_DATASET}_kg_{variant}"
                folder.mkdir()
                # RecBole wants each dataset's files in its folder under its name: the same splits are hard links
                # to one file, not copies (4 of 5 copies of the largest files of a snapshot's benchmarks).
                for split in SPLITS:
                    os.link(base / f"{base.name}.{split}.inter", folder / f"{folder.name}.{split}.inter")
                kg_triples[variant] = _copy(
                    con,
                    'SELECT head AS "head_id:token", relation AS "relation_id:token", tail AS "tail_id:token" '
                    f"FROM benchmarks.rec_kg {where} AND variant = '{variant}' ORDER BY 1, 2, 3",
                    folder / f"{folder.name}.kg",
                    RECBOLE,
                )
                if linked is None:  # items are KG entities under the same typed id
                    linked = folder / f"{folder.name}.link"
                    _copy(
                        con,
                        'SELECT DISTINCT item_id AS "item_id:token", item_id AS "entity_id:token" '
                        f"FROM benchmarks.rec_interactions {where} ORDER BY 1",
                        linked,
                        RECBOLE,
                    )
                else:
                    os.link(linked, folder / f"{folder.name}.link")
            timed = con.execute(
                f"SELECT count(*) FROM benchmarks.rec_interactions {where} AND split_temporal IS NOT NULL"
            ).fetchone()[0]
            temporal = (
                _recbole_inter(con, where, "split_temporal", base.parent / f"{RECBOLE_DATASET}_temporal", True)
                if timed
                else "unavailable: no like carries a time"
            )
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": snapshot,
            "interactions": dg.MetadataValue.int(interactions),
            "random_split": dg.MetadataValue.json(splits),
            "temporal_split": dg.MetadataValue.json(temporal),
            "kg_triples": dg.MetadataValue.json(kg_triples),
        }
    )


@dg.asset(
    key=["benchmarks", "classification_files"],
    group_name="benchmarks",
    deps=_deps("cls_tasks", "cls_nodes", "cls_edges"),
    kinds={"duckdb", "parquet", "numpy"},
    owners=["team:hubkg"],
    code_version="1",
    partitions_def=SNAPSHOT_DAYS,
)
def classification_files(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: dg.ResourceParam[Path]
) -> dg.MaterializeResult:
    """Task classification (multi-label, time split): parquet, `task_to_id.txt` and PyG/DGL numpy arrays."""
    with warehouse.get_connection() as con:
        snapshot = snapshot_to_export(context, con)
        where = f"WHERE snapshot_date = DATE '{snapshot}'"
        nodes = f"SELECT * EXCLUDE (snapshot_date) FROM benchmarks.cls_nodes {where}"
        edges = (
            "SELECT s.node_index AS source_index, t.node_index AS target_index, e.source_id, e.target_id, e.relation "
            f"FROM benchmarks.cls_edges AS e JOIN ({nodes}) AS s ON s.node_id = e.source_id "
            f"JOIN ({nodes}) AS t ON t.node_id = e.target_id WHERE e.snapshot_date = DATE '{snapshot}'"
        )
        with _folder(data_dir, snapshot, "classification") as out:
            n = _copy(con, f"{nodes} ORDER BY node_index", out / "nodes.parquet")
            e = _copy(con, f"{edges} ORDER BY source_index, target_index, relation", out / "edges.parquet")
            tasks = _copy(
                con,
                f"SELECT task_id, label_index FROM benchmarks.cls_tasks {where} ORDER BY label_index",
                out / "task_to_id.txt",
                TSV,
            )
            _stats(con, where, "classification", out / "stats.parquet")

            pairs = con.execute(
                f"SELECT source_index, target_index FROM ({edges}) ORDER BY source_index, target_index, relation"
            ).fetchnumpy()
            np.save(out / "edge_index.npy", np.stack([pairs["source_index"], pairs["target_index"]]).astype(np.int64))
            labels = con.execute(f"SELECT node_index, unnest(label_indices) AS label FROM ({nodes})").fetchnumpy()
            y = np.zeros((n, tasks), dtype=np.float32)
            y[labels["node_index"], labels["label"]] = 1.0
            np.save(out / "y.npy", y)
            split = con.execute(f"SELECT split FROM ({nodes}) ORDER BY node_index").fetchnumpy()["split"]
            split = np.asarray(split, dtype=object)
            for name, value in (("train", "train"), ("val", "valid"), ("test", "test")):
                np.save(out / f"{name}_mask.npy", split == value)
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": snapshot,
            "nodes": dg.MetadataValue.int(n),
            "edges": dg.MetadataValue.int(e),
            "tasks": dg.MetadataValue.int(tasks),
            "split": dg.MetadataValue.json({s: int((split == s).sum()) for s in SPLITS}),
        }
    )


TEMPORAL_README = """Temporal split of HubKG's model tracing benchmark (LibKGE/PyKEEN layout, tab-separated).

valid.txt and test.txt hold the triples whose derived model was created after the cut-offs (recorded in
stats.parquet). Most of those models are new, so their entities do not occur in train.txt: PyKEEN and LibKGE
drop (filter) such triples, and a transductive model such as TransE cannot rank them. Inductive methods use
valid.txt and test.txt as they are.

valid_transductive.txt and test_transductive.txt keep only the triples whose head, relation and tail all occur
in train.txt: the filtered transductive evaluation.
"""


def _transductive(con, where: str, folder: Path) -> dict[str, int]:
    """`valid/test_transductive.txt` of the temporal split: triples whose entities and relation occur in train."""
    (folder / "README.txt").write_text(TEMPORAL_README, encoding="utf-8")
    train = f"FROM benchmarks.trace_triples {where} AND split_temporal = 'train'"
    return {
        split: _copy(
            con,
            f"SELECT head, relation, tail FROM benchmarks.trace_triples {where} AND split_temporal = '{split}' "
            f"AND head IN (SELECT head {train} UNION SELECT tail {train}) "
            f"AND tail IN (SELECT head {train} UNION SELECT tail {train}) "
            f"AND relation IN (SELECT relation {train}) ORDER BY ALL",
            folder / f"{split}_transductive.txt",
            TSV,
        )
        for split in ("valid", "test")
    }


@dg.asset(
    key=["benchmarks", "tracing_files"],
    group_name="benchmarks",
    deps=_deps("trace_triples", "trace_entities", "trace_relations"),
    kinds={"duckdb", "parquet"},
    owners=["team:hubkg"],
    code_version="2",
    partitions_def=SNAPSHOT_DAYS,
)
def tracing_files(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: dg.ResourceParam[Path]
) -> dg.MaterializeResult:
    """Model tracing (base model, relation, derived model): parquet and LibKGE/PyKEEN triple folders."""
    with warehouse.get_connection() as con:
        snapshot = snapshot_to_export(context, con)
        where = f"WHERE snapshot_date = DATE '{snapshot}'"
        counts = {}
        with _folder(data_dir, snapshot, "tracing") as out:
            _copy(
                con,
                f"SELECT * EXCLUDE (snapshot_date) FROM benchmarks.trace_triples {where} ORDER BY head, relation, tail",
                out / "triples.parquet",
            )
            _stats(con, where, "tracing", out / "stats.parquet")
            for variant in ("random", "temporal"):
                folder = out / variant
                folder.mkdir()
                counts[variant] = {
                    split: _copy(
                        con,
                        f"SELECT head, relation, tail FROM benchmarks.trace_triples {where} "
                        f"AND split_{variant} = '{split}' ORDER BY ALL",
                        folder / f"{split}.txt",
                        TSV,
                    )
                    for split in SPLITS
                }
                if variant == "temporal":
                    counts["temporal_transductive"] = _transductive(con, where, folder)
                _copy(
                    con,
                    f"SELECT entity_index, entity_id FROM benchmarks.trace_entities {where} ORDER BY 1",
                    folder / "entity_ids.del",
                    TSV,
                )
                _copy(
                    con,
                    f"SELECT relation_index, relation FROM benchmarks.trace_relations {where} ORDER BY 1",
                    folder / "relation_ids.del",
                    TSV,
                )
    return dg.MaterializeResult(metadata={"snapshot_date": snapshot, "triples": dg.MetadataValue.json(counts)})


benchmark_export_assets = [recommendation_files, classification_files, tracing_files]
