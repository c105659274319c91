"""Publish layer: releases committed to Hub dataset repos, only after the blocking quality gates passed."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from huggingface_hub import HfApi
from huggingface_hub.utils import disable_progress_bars

from orchestration.automation import FOLLOW_INPUTS, PUBLISHED_FRESHNESS
from orchestration.dbt import layer_models
from orchestration.publishing import previous_manifest, publish
from orchestration.release import ReleaseSpec, ReleaseTable, build_release
from orchestration.resources import PublishResource

# Upload progress bars would flood the Dagster run log; the asset logs the commit instead.
disable_progress_bars()

# Config names: the table names (HuggingKG's), except the unified edge list, which HuggingKG calls triples.
RENAMED = {"kg_edges": "triples", "kg_nodes": "nodes", "kg_dangling_edges": "dangling_edges", "kg_changes": "changes"}

GRAPH = ReleaseSpec(
    repo="graph",
    title="HubKG: the Hugging Face Hub knowledge graph",
    summary=(
        "A snapshot of the Hugging Face Hub as a knowledge graph in the schema of HuggingKG: one config per "
        "entity table (8) and relation table (30, base → derived for lineage), plus `triples` (every edge), "
        "`nodes`, `dangling_edges` (edges whose endpoint is not in the snapshot, with the reason) and `changes` "
        "(what was added, removed or changed since the previous snapshot)."
    ),
    tables=tuple(
        ReleaseTable(RENAMED.get(name, name), f"kg.{name}", description) for name, description in layer_models("kg")
    ),
)


def _latest_snapshot(warehouse: DuckDBResource):
    with warehouse.get_connection() as con:
        return con.execute("SELECT max(snapshot_date) FROM kg.kg_nodes").fetchone()[0]


@dg.asset(
    key=["publish", "graph_dataset"],
    group_name="publish",
    deps=[dg.AssetKey(t.table.split(".")) for t in GRAPH.tables],
    kinds={"huggingface", "parquet"},
    owners=["team:hubkg"],
    code_version="2",
    automation_condition=FOLLOW_INPUTS,
    freshness_policy=PUBLISHED_FRESHNESS,
)
def graph_dataset(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, publisher: PublishResource
) -> dg.MaterializeResult:
    """The knowledge graph as a Hub dataset repo: one parquet config per table, `release.json` and a generated
    card, committed atomically (no commit when nothing changed) and tagged `snapshot-YYYY-MM-DD`."""
    snapshot = _latest_snapshot(warehouse)
    repo_id = f"{publisher.namespace}/{publisher.graph_repo}"
    folder = Path(publisher.releases_dir) / publisher.graph_repo / snapshot.isoformat()
    api = HfApi(endpoint=publisher.endpoint)
    previous = None if publisher.dry_run else previous_manifest(api, repo_id, Path(publisher.releases_dir) / ".cache")
    with warehouse.get_connection() as con:
        release = build_release(con, folder, GRAPH, snapshot, previous)
    metadata = {
        "snapshot_date": str(snapshot),
        "folder": str(release.folder),
        "rows": dg.MetadataValue.json({c: t["rows"] for c, t in release.manifest["tables"].items()}),
        "card": dg.MetadataValue.md((release.folder / "README.md").read_text(encoding="utf-8")),
    }
    if publisher.dry_run:
        context.log.info(f"dry run: release written to {release.folder}, nothing uploaded")
        return dg.MaterializeResult(metadata={**metadata, "dry_run": True})
    outcome = publish(api, repo_id, release)
    context.log.info(
        f"{repo_id}: "
        + (f"commit {outcome.commit}" if outcome.commit else "content unchanged, no commit")
        + f", {len(outcome.added)} files added, {len(outcome.deleted)} removed, tag {outcome.tag}"
    )
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "repo_id": repo_id,
            "commit": outcome.commit or "unchanged",
            "head": outcome.head,
            "tag": outcome.tag,
            "files_added": dg.MetadataValue.json(outcome.added),
            "files_deleted": dg.MetadataValue.json(outcome.deleted),
        }
    )
