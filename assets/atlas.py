"""Atlas layer: the whole lineage forest of a snapshot laid out, drawn, and turned into the interactive atlas page;
the page is published as a static Space once the snapshot passed its gates.

Structure comes from `atlas.atlas_nodes` / `atlas.atlas_edges` (dbt); the layout, the pictures and the page are
plain Python in `atlas/`. Positions are stored in `atlas.atlas_layout` so the next snapshot starts from them.
"""

import base64
from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource
from huggingface_hub import HfApi
from huggingface_hub.errors import RepositoryNotFoundError

from assets.partitions import FOLLOW_INPUTS, SNAPSHOT_DAYS, built_snapshot
from assets.publish import SNAPSHOT_TABLES, outcome_metadata
from atlas.accuracy import evaluate_snapshot, scores
from atlas.frame import EDGES_SQL, load_forest, replace_rows, store_positions
from atlas.page import imputation_sections, write_page
from atlas.still import RELATION_COLOURS, draw, families, thumbnail
from release.publisher import PublishTarget, publish
from release.sanitize import card_text
from release.spec import Release

ATLAS_PAGE = dg.AssetKey(["atlas", "atlas_picture"])
ACCURACY = dg.AssetKey(["atlas", "accuracy_imputation"])


@dg.asset(
    key=ACCURACY,
    group_name="atlas",
    deps=[dg.AssetKey(["staging", "stg_models"]), dg.AssetKey(["atlas", "atlas_nodes"])],
    kinds={"duckdb", "python"},
    owners=["team:hubkg"],
    code_version="1",
    partitions_def=SNAPSHOT_DAYS,
)
def accuracy_imputation(context: dg.AssetExecutionContext, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Benchmark scores stated in the cards' `model-index` (`atlas.model_eval_results`) and their imputation by
    graph k-NN over lineage path length, evaluated on held-out scores against the global mean for the most
    reported benchmarks (`atlas.accuracy_imputation`, beside Model Atlas Table 1a)."""
    with warehouse.get_connection() as con:
        snapshot = built_snapshot(context, con, "atlas.atlas_nodes")
        stated = scores(con, snapshot)
        nodes = pd.Index(
            con.execute("SELECT model_id FROM atlas.atlas_nodes WHERE snapshot_date = ?", [snapshot]).df()["model_id"]
        )
        edges = con.execute(EDGES_SQL, [snapshot]).df()
        table = evaluate_snapshot(stated, nodes.sort_values(), edges)
        replace_rows(con, "atlas.model_eval_results", stated, snapshot)
        replace_rows(con, "atlas.accuracy_imputation", table, snapshot)
    models = stated["model_id"].nunique()
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": snapshot.isoformat(),
            "models_with_scores": dg.MetadataValue.int(models),
            "share_of_models_with_scores": dg.MetadataValue.float(round(models / max(len(nodes), 1), 4)),
            "table_1a": dg.MetadataValue.md(
                table.round(3).to_markdown(index=False) if len(table) else "not enough scores"
            ),
        }
    )


def space_url(publisher: PublishTarget) -> str:
    return f"{publisher.endpoint}/spaces/{publisher.repo_id('atlas')}"


@dg.asset(
    key=ATLAS_PAGE,
    group_name="atlas",
    deps=[
        dg.AssetKey(["atlas", "atlas_nodes"]),
        dg.AssetKey(["atlas", "atlas_edges"]),
        dg.AssetKey(["atlas", "imputation"]),
        ACCURACY,
    ],
    kinds={"duckdb", "python", "html"},
    owners=["team:hubkg"],
    code_version="2",
    partitions_def=SNAPSHOT_DAYS,
)
def atlas_picture(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBResource,
    data_dir: dg.ResourceParam[Path],
    publisher: dg.ResourceParam[PublishTarget],
) -> dg.MaterializeResult:
    """The whole lineage forest of the partition's snapshot: laid out (seeded with the previous snapshot's
    positions, stored in `atlas.atlas_layout`), drawn as `atlas.png` + `atlas.svg` (matplotlib), and written as the
    interactive atlas page (sigma.js, `space/`) that `publish/atlas_space` publishes."""
    with warehouse.get_connection() as con:
        snapshot = built_snapshot(context, con, "atlas.atlas_nodes")
        forest = load_forest(con, snapshot)
        store_positions(con, forest)
        sections = imputation_sections(con, snapshot)
    folder = data_dir / "atlas" / snapshot.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = draw(forest)
    for name, picture in (("atlas.png", png), ("atlas.svg", svg)):
        # a new file renamed over the old: maintenance may have linked the old one to another folder's same bytes
        partial = folder / f".{name}.tmp"
        partial.write_bytes(picture)
        partial.replace(folder / name)
    datasets = [publisher.repo_id("graph"), publisher.repo_id("benchmarks")]
    page = write_page(folder / "space", forest, (png, svg), publisher.endpoint, datasets, sections)
    largest = families(forest, 12)
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": snapshot.isoformat(),
            "png": dg.MetadataValue.path(str(folder / "atlas.png")),
            "svg": dg.MetadataValue.path(str(folder / "atlas.svg")),
            "page": dg.MetadataValue.path(str(page / "index.html")),
            "space": dg.MetadataValue.url(space_url(publisher)),
            "nodes": dg.MetadataValue.int(len(forest.nodes)),
            "edges": dg.MetadataValue.int(len(forest.edges)),
            "components_seeded_from_previous_layout": dg.MetadataValue.int(forest.seeded_components),
            "largest_families": dg.MetadataValue.json(
                {card_text(r, 120): int(s) for r, s in zip(largest["root"], largest["size"], strict=True)}
            ),
            "preview": dg.MetadataValue.md(
                f"![atlas](data:image/png;base64,{base64.b64encode(thumbnail(png)).decode()})\n\n"
                + " · ".join(f"{name}: {colour}" for name, colour in RELATION_COLOURS.items())
                + f"\n\nInteractive atlas: [{publisher.repo_id('atlas')}]({space_url(publisher)})"
            ),
        }
    )


def _snapshot_tags(api: HfApi, repo_id: str) -> list[str]:
    try:
        return [t.name for t in api.list_repo_refs(repo_id, repo_type="space").tags]
    except RepositoryNotFoundError:
        return []


@dg.asset(
    key=["publish", "atlas_space"],
    group_name="publish",
    deps=[ATLAS_PAGE, *SNAPSHOT_TABLES],
    kinds={"huggingface", "html"},
    owners=["team:hubkg"],
    code_version="1",
    partitions_def=SNAPSHOT_DAYS,
    automation_condition=FOLLOW_INPUTS,
)
def atlas_space(
    context: dg.AssetExecutionContext, data_dir: dg.ResourceParam[Path], publisher: dg.ResourceParam[PublishTarget]
) -> dg.MaterializeResult:
    """The interactive atlas page of the snapshot, committed to a static Space (`sdk: static`) through the same
    commit API as the datasets (no commit when nothing changed) and tagged `snapshot-YYYY-MM-DD`."""
    snapshot = context.partition_key
    folder = data_dir / "atlas" / snapshot / "space"
    if not (folder / "index.html").exists():
        raise dg.Failure(f"no atlas page for {snapshot} at {folder}: materialize atlas/atlas_picture first")
    repo_id = publisher.repo_id("atlas")
    metadata = {"snapshot_date": snapshot, "folder": str(folder), "space": dg.MetadataValue.url(space_url(publisher))}
    if publisher.dry_run:
        context.log.info(f"dry run: atlas page written to {folder}, nothing uploaded")
        return dg.MaterializeResult(metadata={**metadata, "dry_run": True})
    api = HfApi(endpoint=publisher.endpoint)
    later = [tag for tag in _snapshot_tags(api, repo_id) if tag > f"snapshot-{snapshot}"]
    if later:  # a backfilled older partition never moves the Space back in time
        context.log.warning(f"{repo_id} already holds {max(later)}: atlas page written to {folder}")
        return dg.MaterializeResult(metadata={**metadata, "repo_id": repo_id, "superseded_by": max(later)})
    outcome = publish(api, repo_id, Release(folder=folder, snapshot=date.fromisoformat(snapshot)), repo_type="space")
    context.log.info(f"{repo_id}: {outcome.commit or 'content unchanged, no commit'}, tag {outcome.tag}")
    return dg.MaterializeResult(metadata={**metadata, **outcome_metadata(outcome)})


atlas_assets = [accuracy_imputation, atlas_picture, atlas_space]
