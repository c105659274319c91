"""Exports layer: one snapshot of the knowledge graph as files, written by DuckDB `COPY` (no rows pass Python).

`<data_dir>/exports/<snapshot>/` holds
- `triples.txt`: `head<TAB>relation<TAB>tail`, raw ids and HuggingKG relation names (as HuggingKG's triples file);
- `nodes/<type>.parquet`: one file per node type with its attributes (`tasks`, `models`, ..., `organizations`);
- `relations/<relation>.parquet`: one file per HuggingKG relation, columns named as HuggingKG's keys;
- `dangling_edges.parquet`: stated edges whose endpoint is missing, with the reason;
- `crawl_coverage.parquet`: per kind of call, how many answers are current, stale or missing (see kg.kg_crawl_coverage).
The folder is written next to its final place and renamed into it, so readers never see half an export. Parquet files
are written as the release's shards are (`release.folder.write_sorted`): a table of one shard is the same bytes in
both, and the daily maintenance keeps one copy (orchestration/maintenance.py).
"""

import shutil
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import SNAPSHOT_DAYS, built_snapshot
from release.folder import copy_rows, write_sorted

NODE_TABLES = ("tasks", "models", "datasets", "spaces", "papers", "collections", "users", "organizations")
# HuggingKG's 30 relations, as in dbt_project/macros/kg_relations.sql (tests/kg checks both lists agree).
RELATIONS = (
    "model_definedFor_task",
    "model_adapter_model",
    "model_finetune_model",
    "model_merge_model",
    "model_quantized_model",
    "model_trainedOrFineTunedOn_dataset",
    "model_cite_paper",
    "dataset_definedFor_task",
    "dataset_cite_paper",
    "space_use_model",
    "space_use_dataset",
    "collection_contain_model",
    "collection_contain_dataset",
    "collection_contain_space",
    "collection_contain_paper",
    "user_publish_model",
    "user_publish_dataset",
    "user_publish_space",
    "user_publish_paper",
    "user_own_collection",
    "user_like_model",
    "user_like_dataset",
    "user_like_space",
    "user_follow_user",
    "user_follow_org",
    "user_affiliatedWith_org",
    "org_publish_model",
    "org_publish_dataset",
    "org_publish_space",
    "org_own_collection",
)
KG_TABLES = (*NODE_TABLES, *RELATIONS, "kg_nodes", "kg_edges", "kg_dangling_edges", "kg_crawl_coverage")


def _parquet(con, query: str, target: Path) -> int:
    """`query`'s rows as one parquet file, sorted and written as a release's shard is (`release.folder`)."""
    return write_sorted(con, query, [], lambda i, n: target, one_file=True)[0]


@dg.asset(
    key=["exports", "graph_files"],
    group_name="exports",
    deps=[dg.AssetKey(["kg", table]) for table in KG_TABLES],
    kinds={"duckdb", "parquet"},
    owners=["team:hubkg"],
    code_version="1",
    partitions_def=SNAPSHOT_DAYS,
)
def graph_files(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: dg.ResourceParam[Path]
) -> dg.MaterializeResult:
    """The partition's snapshot of the graph as `triples.txt` plus one parquet file per node type and relation."""
    root = data_dir / "exports"
    with warehouse.get_connection() as con:
        snapshot = built_snapshot(context, con, "kg.kg_nodes")
        final = root / snapshot.isoformat()
        staging = root / f".{snapshot.isoformat()}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "nodes").mkdir(parents=True)
        (staging / "relations").mkdir()
        # The snapshot is a date, safe to inline (COPY takes no parameters).
        where = f"WHERE snapshot_date = DATE '{snapshot.isoformat()}'"
        triples = copy_rows(
            con,
            f"SELECT head, relation, tail FROM kg.kg_edges {where} ORDER BY relation, head, tail",
            staging / "triples.txt",
            "format csv, delimiter '\t', header false, quote '', escape ''",
        )
        nodes = {
            t: _parquet(
                con,
                f"SELECT * EXCLUDE (snapshot_date) FROM kg.{t} {where}",
                staging / "nodes" / f"{t}.parquet",
            )
            for t in NODE_TABLES
        }
        relations = {
            r: _parquet(
                con,
                f'SELECT * EXCLUDE (snapshot_date) FROM kg."{r}" {where}',
                staging / "relations" / f"{r}.parquet",
            )
            for r in RELATIONS
        }
        dangling = _parquet(
            con,
            f"SELECT * EXCLUDE (snapshot_date) FROM kg.kg_dangling_edges {where}",
            staging / "dangling_edges.parquet",
        )
        # why stated edges are not in the graph: missing endpoints, self-references, superseded lineage relations
        by_reason = dict(
            con.execute(
                f"SELECT reason, count(*) FROM kg.kg_dangling_edges {where} GROUP BY reason ORDER BY reason"
            ).fetchall()
        )
        # how complete and current the snapshot is, per kind of call (stale or deferred under a request budget)
        _parquet(
            con,
            f"SELECT * EXCLUDE (snapshot_date) FROM kg.kg_crawl_coverage {where}",
            staging / "crawl_coverage.parquet",
        )
    shutil.rmtree(final, ignore_errors=True)
    staging.rename(final)
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": snapshot.isoformat(),
            "folder": str(final),
            "triples": dg.MetadataValue.int(triples),
            "nodes": dg.MetadataValue.json(nodes),
            "relations": dg.MetadataValue.json(relations),
            "dangling_edges": dg.MetadataValue.int(dangling),
            "dangling_by_reason": dg.MetadataValue.json(by_reason),
        }
    )


export_assets = [graph_files]
