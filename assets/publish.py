"""Publish layer: releases uploaded to Hub dataset repos through `huggingface_hub`'s commit API."""

from datetime import date
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from huggingface_hub import HfApi
from huggingface_hub.utils import disable_progress_bars

from orchestration.release import ReleaseTable, build_release
from orchestration.resources import PublishResource

# Upload progress bars would flood the Dagster run log; the asset logs the commit instead.
disable_progress_bars()

GRAPH_TABLES = [
    ReleaseTable("models", "kg.models", "HuggingKG model nodes with their attributes"),
]


def _snapshot_of(con, table: str) -> date:
    return con.execute(f"SELECT max(snapshot_date) FROM {table}").fetchone()[0]


@dg.asset(
    key=["publish", "graph_dataset"],
    group_name="publish",
    deps=[dg.AssetKey(["kg", t.config]) for t in GRAPH_TABLES],
    kinds={"huggingface", "parquet"},
    owners=["team:hubkg"],
    code_version="1",
)
def graph_dataset(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, publisher: PublishResource
) -> dg.MaterializeResult:
    """The knowledge graph as a Hub dataset repo: one parquet config per table and a generated card, uploaded
    as one commit and tagged `snapshot-YYYY-MM-DD`. Runs only after the blocking quality gates have passed."""
    with warehouse.get_connection() as con:
        snapshot = _snapshot_of(con, GRAPH_TABLES[0].table)
        folder = Path(publisher.releases_dir) / publisher.graph_repo / snapshot.isoformat()
        release = build_release(con, folder, "HubKG: the Hugging Face Hub knowledge graph", snapshot, GRAPH_TABLES)
    metadata: dict = {
        "snapshot_date": str(snapshot),
        "folder": str(release.folder),
        "row_counts": dg.MetadataValue.json(release.row_counts),
    }
    if publisher.dry_run:
        context.log.info(f"dry run: release written to {release.folder}, nothing uploaded")
        return dg.MaterializeResult(metadata=metadata)
    api = HfApi(endpoint=publisher.endpoint)
    repo_id = publisher.graph_repo_id
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    commit = api.upload_folder(
        repo_id=repo_id,
        repo_type="dataset",
        folder_path=release.folder,
        commit_message=f"HubKG snapshot {snapshot.isoformat()}",
        delete_patterns=["data/**"],
    )
    tag = f"snapshot-{snapshot.isoformat()}"
    api.create_tag(repo_id, tag=tag, repo_type="dataset", revision=commit.oid, exist_ok=True)
    context.log.info(f"published {repo_id}@{commit.oid} ({tag})")
    return dg.MaterializeResult(
        metadata={**metadata, "repo_id": repo_id, "commit": commit.oid, "tag": tag, "url": commit.commit_url}
    )
