"""Publish layer: releases committed to Hub dataset repos, only after the blocking quality gates passed."""

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from huggingface_hub import HfApi
from huggingface_hub.utils import disable_progress_bars

from assets.dbt import layer_models
from assets.partitions import FOLLOW_INPUTS, PUBLISHED_FRESHNESS, SNAPSHOT_DAYS, built_snapshot
from baselines import chart
from baselines.leaderboard import history, markdown, panel_notes
from release.folder import build_release
from release.publisher import PublishOutcome, PublishTarget, previous_manifest, publish
from release.spec import ReleaseSpec, ReleaseTable

# Upload progress bars would flood the Dagster run log; the asset logs the commit instead.
disable_progress_bars()

# Config names: the table names (HuggingKG's), except the unified edge list, which HuggingKG calls triples.
RENAMED = {
    "kg_edges": "triples",
    "kg_nodes": "nodes",
    "kg_dangling_edges": "dangling_edges",
    "kg_changes": "changes",
    "kg_crawl_coverage": "crawl_coverage",
}


def leaderboard_sections(con: duckdb.DuckDBPyConnection, snapshot: date, folder: Path) -> list[str]:
    """The baselines' scores next to HuggingBench's, and `leaderboard.png`/`.svg`: the scores across snapshots."""
    chart.save(history(con), panel_notes(con, snapshot), folder / "leaderboard")
    return [
        "## Baselines",
        "Cheap, deterministic baselines scored on this snapshot (config `leaderboard`; methods and protocol in "
        "HubKG's `baselines/`). HuggingBench's column is its best published result on the December 2024 "
        "crawl — a different snapshot and split, so compare trends, not digits.",
        markdown(con, snapshot),
        "![Baseline scores across snapshots](leaderboard.png)\n\nScalable version: [leaderboard.svg](leaderboard.svg). "
        "A panel without scores says why in the panel.",
    ]


# Why a config can have 0 rows on a snapshot (shown in the card next to an empty config).
KG_EMPTY_DEFAULT = "No entity or edge of this kind was observed on this snapshot (its scope or a small world)."
KG_EMPTY = {
    "kg_changes": "It compares with the previous snapshot in the same warehouse: empty on the first snapshot.",
    "kg_dangling_edges": "Every edge's endpoints were in the snapshot.",
}
REC_EMPTY = (
    "Recommendation keeps users and items with at least 5 likes each (k-core): on a small snapshot nothing survives."
)
TRACE_EMPTY = "No lineage (base_model) edge between models of this snapshot."

GRAPH = ReleaseSpec(
    repo="graph",
    title="HubKG: the Hugging Face Hub knowledge graph",
    summary=(
        "A snapshot of the Hugging Face Hub as a knowledge graph in the schema of HuggingKG: one config per "
        "entity table (8) and relation table (30, base → derived for lineage), plus `triples` (every edge), "
        "`nodes`, `dangling_edges` (stated edges not in the graph, with the reason: an endpoint not in the "
        "snapshot, a model naming itself as its base, or a lineage relation superseded by another), `changes` "
        "(what was added, removed or changed since the previous snapshot) and `crawl_coverage` (how complete and "
        "current the crawl's answers are)."
    ),
    tables=tuple(
        ReleaseTable(
            RENAMED.get(name, name), f"kg.{name}", description, when_empty=KG_EMPTY.get(name, KG_EMPTY_DEFAULT)
        )
        for name, description in layer_models("kg")
    ),
)

BENCHMARKS = ReleaseSpec(
    repo="benchmarks",
    title="HubKG-Bench: HuggingBench regenerated from every Hub snapshot",
    summary=(
        "The three HuggingBench tasks rebuilt deterministically from a HubKG snapshot: resource recommendation "
        "(user likes, k-core, per-user random split), multi-label task classification (time-based split, "
        "label-revealing tags removed) and model tracing (transductive random split and temporal split)."
    ),
    tables=(
        ReleaseTable("recommendation", "benchmarks.rec_interactions", "User–item likes", "split_random", REC_EMPTY),
        ReleaseTable(
            "recommendation_social", "benchmarks.rec_social", "Follows among benchmark users", None, REC_EMPTY
        ),
        ReleaseTable("recommendation_kg", "benchmarks.rec_kg", "KG triples around items (4 variants)", None, REC_EMPTY),
        ReleaseTable("classification", "benchmarks.cls_nodes", "Labelled models and datasets", "split"),
        ReleaseTable("classification_edges", "benchmarks.cls_edges", "Graph among labelled nodes"),
        ReleaseTable("classification_tasks", "benchmarks.cls_tasks", "Task vocabulary and ids"),
        ReleaseTable(
            "tracing", "benchmarks.trace_triples", "Base → derived model triples", "split_random", TRACE_EMPTY
        ),
        ReleaseTable(
            "tracing_temporal",
            "benchmarks.trace_triples",
            "Same triples, temporal split",
            "split_temporal",
            TRACE_EMPTY,
        ),
        ReleaseTable("stats", "benchmarks.benchmark_stats", "Sizes, ratios, cut-offs, availability"),
        ReleaseTable("leaderboard", "benchmarks.leaderboard", "Baseline scores on the test splits"),
    ),
    task_categories=("graph-ml", "text-classification"),
    generated=leaderboard_sections,
    notes=(
        "## Split rules",
        "Splits are hash-based on (seed, ids) so the same snapshot and seed give the same files. Recommendation: "
        "k-core (users and items ≥ 5 likes by default), 80/10/10 per user, every user keeps a training like and "
        "valid/test items occur in training. Classification: cut-offs on `created_at` at the 69th and 82nd "
        "percentiles (recorded in `stats`). Tracing: ≈ 98/1/1, transductive; temporal: test = derived models "
        "created after the cut-off. Recommendation also has a temporal split: global cut-offs on the time of the "
        "like (from users' likes lists) at the same 80/10/10 shares.",
    ),
)


def outcome_metadata(outcome: PublishOutcome) -> dict[str, Any]:
    """What a publish did, as materialization metadata: the repo, its commit (or none), head, tag and files."""
    return {
        "repo_id": outcome.repo_id,
        "commit": outcome.commit or "unchanged",
        "head": outcome.head,
        "tag": outcome.tag,
        "files_added": dg.MetadataValue.json(outcome.added),
        "files_deleted": dg.MetadataValue.json(outcome.deleted),
    }


def with_atlas_link(spec: ReleaseSpec, publisher: PublishTarget) -> ReleaseSpec:
    """The release's card also points at the interactive atlas Space. The link is host-relative, so the card (and
    so the commit) does not change with the endpoint a run talks to."""
    atlas = publisher.repo_id("atlas")
    link = f"**Atlas:** this snapshot's lineage forest, interactive: [{atlas}](/spaces/{atlas})."
    return replace(spec, notes=(*spec.notes, link))


def build_publish_asset(spec: ReleaseSpec, gated_by: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=["publish", f"{spec.repo}_dataset"],
        group_name="publish",
        deps=gated_by,
        kinds={"huggingface", "parquet"},
        owners=["team:hubkg"],
        code_version="2",
        partitions_def=SNAPSHOT_DAYS,
        automation_condition=FOLLOW_INPUTS,
        freshness_policy=PUBLISHED_FRESHNESS,
        description=(
            f"{spec.title}, as a Hub dataset repo: one parquet config per table, `release.json` and a generated "
            "card, committed atomically (no commit when nothing changed) and tagged `snapshot-YYYY-MM-DD`."
        ),
    )
    def _publish(
        context: dg.AssetExecutionContext, warehouse: DuckDBResource, publisher: dg.ResourceParam[PublishTarget]
    ) -> dg.MaterializeResult:
        with warehouse.get_connection() as con:
            snapshot = built_snapshot(context, con, "kg.kg_nodes")
        repo_id = publisher.repo_id(spec.repo)
        folder = publisher.folder(spec.repo, snapshot.isoformat())
        api = HfApi(endpoint=publisher.endpoint)
        cache = publisher.releases_dir / ".cache"
        previous = None if publisher.dry_run else previous_manifest(api, repo_id, cache)
        with warehouse.get_connection() as con:
            release = build_release(con, folder, with_atlas_link(spec, publisher), snapshot, previous, repo_id)
        metadata = {
            "snapshot_date": str(snapshot),
            "folder": str(release.folder),
            "rows": dg.MetadataValue.json({c: t["rows"] for c, t in release.manifest["tables"].items()}),
            "card": dg.MetadataValue.md((release.folder / "README.md").read_text(encoding="utf-8")),
        }
        if publisher.dry_run:
            context.log.info(f"dry run: release written to {release.folder}, nothing uploaded")
            return dg.MaterializeResult(metadata={**metadata, "dry_run": True})
        # A backfilled older partition is written locally but never moves `main` back in time.
        on_main = (previous or {}).get("snapshot_date", "")
        if on_main > snapshot.isoformat():
            context.log.warning(f"{repo_id} already holds snapshot {on_main}: release written to {release.folder}")
            return dg.MaterializeResult(metadata={**metadata, "repo_id": repo_id, "superseded_by": on_main})
        outcome = publish(api, repo_id, release)
        summary = f"commit {outcome.commit}" if outcome.commit else "content unchanged, no commit"
        context.log.info(
            f"{repo_id}: {summary}, {len(outcome.added)} files added, {len(outcome.deleted)} removed, tag {outcome.tag}"
        )
        return dg.MaterializeResult(metadata={**metadata, **outcome_metadata(outcome)})

    return _publish


# Every release waits for the gates of the whole snapshot: a snapshot whose graph failed publishes no benchmarks
# derived from it either.
SNAPSHOT_TABLES = sorted(
    {dg.AssetKey(t.table.split(".")) for t in (*GRAPH.tables, *BENCHMARKS.tables)}, key=lambda k: k.path
)
publish_assets = [
    build_publish_asset(GRAPH, SNAPSHOT_TABLES),
    build_publish_asset(BENCHMARKS, SNAPSHOT_TABLES),
]
