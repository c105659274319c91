"""Expectation suites as versioned code, one per published table family.

Each suite reads a *narrow frame* of one snapshot (a Dagster partition) computed in DuckDB — the columns it
checks, or, for checks that span tables (referential integrity, drift against the previous snapshot, lineage
priors), one fact column per row computed by a join — so Great Expectations validates every row of a
HuggingKG-size graph on pandas in seconds instead of loading whole tables. Suites are built per run because some
bounds ("not in the future") depend on the time of the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import great_expectations as gx
import great_expectations.expectations as gxe

# Repo ids are `owner/name`: no whitespace, exactly one slash, no empty part.
REPO_ID_REGEX = r"^[^/\s]+/[^/\s]+$"
# New-style arXiv ids (2407.21783, optional version) and old-style ones (hep-th/9901001).
ARXIV_REGEX = r"^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$"
# Collection slugs: `<namespace>/<title-slug>-<24-hex object id>`.
COLLECTION_SLUG_REGEX = r"^[^/\s]+/\S*-[0-9a-f]{24}$"
NODE_TYPES = ("task", "model", "dataset", "space", "paper", "collection", "user", "organization")
# Largest share a table may shrink by from one snapshot to the next before the gate fails.
MAX_SHRINK = 0.15
# Model Atlas structural priors (warnings): parent older than child, quantized models are leaves.
MIN_PRIOR_SHARE = 0.99


def of_snapshot(table: str) -> str:
    """`table`'s rows of the snapshot being checked: frames take it as the named parameter `$snapshot`."""
    return f"{table} WHERE snapshot_date = $snapshot"


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    asset: tuple[str, ...]  # the asset key the check is attached to
    frame_sql: str  # the narrow frame, one row per validated unit
    build: Callable[[datetime], list[gxe.Expectation]]
    index_column: str  # names offending rows in the check metadata
    severity: Literal["error", "warn"] = "error"

    def suite(self, now: datetime) -> gx.ExpectationSuite:
        return gx.ExpectationSuite(name=self.name, expectations=self.build(now))


def _entity(key: str, key_regex: str | None, counts: tuple[str, ...], dated: bool) -> Callable:
    def build(now: datetime) -> list[gxe.Expectation]:
        expectations: list[gxe.Expectation] = [
            gxe.ExpectTableRowCountToBeBetween(min_value=1),
            gxe.ExpectColumnValuesToNotBeNull(column=key),
            gxe.ExpectColumnValuesToBeUnique(column=key),
        ]
        if key_regex:
            expectations.append(gxe.ExpectColumnValuesToMatchRegex(column=key, regex=key_regex))
        expectations += [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in counts]
        if dated:
            expectations += [
                gxe.ExpectColumnValuesToBeBetween(column="created_at", max_value=now),
                gxe.ExpectColumnValuesToBeBetween(column="last_modified", max_value=now),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="last_modified",
                    column_B="created_at",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
            ]
        return expectations

    return build


def entity_suite(
    table: str, key: str, key_regex: str | None = None, counts: tuple[str, ...] = (), dated: bool = False
) -> SuiteSpec:
    columns = ", ".join([key, *counts, *(("created_at", "last_modified") if dated else ())])
    return SuiteSpec(
        name=f"kg_{table}",
        asset=("kg", table),
        frame_sql=f"SELECT {columns} FROM {of_snapshot(f'kg.{table}')}",
        build=_entity(key, key_regex, counts, dated),
        index_column=key,
    )


REPO_COUNTS = ("downloads", "downloads_all_time", "likes")
MODELS = entity_suite("models", "id", REPO_ID_REGEX, REPO_COUNTS, dated=True)
ENTITIES = (
    MODELS,
    entity_suite("datasets", "id", REPO_ID_REGEX, REPO_COUNTS, dated=True),
    entity_suite("spaces", "id", REPO_ID_REGEX, ("likes",), dated=True),
    entity_suite("papers", "id", ARXIV_REGEX, ("upvotes",)),
    entity_suite("collections", "slug", COLLECTION_SLUG_REGEX, ("upvotes", "item_count")),
    entity_suite("users", "id", r"^[^/\s]+$", ("num_followers",)),
    entity_suite("organizations", "id", r"^[^/\s]+$", ("num_followers",)),
    entity_suite("tasks", "id", r"^[a-z0-9-]+$"),
)


def _edges(relations: tuple[str, ...]) -> Callable:
    def build(now: datetime) -> list[gxe.Expectation]:
        return [
            gxe.ExpectColumnValuesToBeInSet(column="relation", value_set=list(relations)),
            gxe.ExpectColumnValuesToBeInSet(column="head_type", value_set=list(NODE_TYPES)),
            gxe.ExpectColumnValuesToBeInSet(column="tail_type", value_set=list(NODE_TYPES)),
            gxe.ExpectColumnValuesToBeInSet(column="head_exists", value_set=[True]),
            gxe.ExpectColumnValuesToBeInSet(column="tail_exists", value_set=[True]),
            gxe.ExpectColumnValuesToBeInSet(column="copies", value_set=[1]),
        ]

    return build


def edges_suite(relations: tuple[str, ...]) -> SuiteSpec:
    """Every edge: a known relation between known node types, both endpoints in the snapshot, no duplicates."""
    frame = f"""
        WITH edges AS (SELECT * FROM {of_snapshot("kg.kg_edges")}),
        nodes AS (SELECT node_id, node_type FROM {of_snapshot("kg.kg_nodes")})
        SELECT e.head || ' ' || e.relation || ' ' || e.tail AS edge, e.relation, e.head_type, e.tail_type,
               h.node_id IS NOT NULL AS head_exists, t.node_id IS NOT NULL AS tail_exists,
               count(*) OVER (PARTITION BY e.head, e.relation, e.tail) AS copies
        FROM edges e
        LEFT JOIN nodes h ON h.node_id = e.head AND h.node_type = e.head_type
        LEFT JOIN nodes t ON t.node_id = e.tail AND t.node_type = e.tail_type"""
    return SuiteSpec("kg_edges", ("kg", "kg_edges"), frame, _edges(relations), index_column="edge")


def drift_suite(tables: tuple[str, ...]) -> SuiteSpec:
    """Row counts against the previous snapshot: a table shrinking by more than 15% fails the gate."""
    # The kg tables keep their history as intervals: the previous snapshot's rows are read as of its date.
    previous = "(SELECT max(snapshot_date) FROM kg.kg_nodes__snapshots WHERE snapshot_date < $snapshot)"
    per_table = " UNION ALL ".join(
        f"SELECT '{t}' AS table_name, (SELECT count(*) FROM kg.{t} WHERE snapshot_date = $snapshot) AS current_rows, "
        f"(SELECT count(*) FROM kg.{t}__as_of({previous})) AS previous_rows"
        for t in tables
    )
    frame = f"""
        SELECT table_name, current_rows, previous_rows, current_rows / nullif(previous_rows, 0) AS ratio
        FROM ({per_table})"""

    def build(now: datetime) -> list[gxe.Expectation]:
        # No previous snapshot: ratio is null and the row is not judged.
        return [gxe.ExpectColumnValuesToBeBetween(column="ratio", min_value=1 - MAX_SHRINK)]

    return SuiteSpec("kg_row_count_drift", ("kg", "kg_nodes"), frame, build, index_column="table_name")


LINEAGE_PRIORS = SuiteSpec(
    name="lineage_priors",
    asset=("kg", "kg_edges"),
    frame_sql=f"""
        WITH lineage AS (
            SELECT head, tail, relation FROM {of_snapshot("kg.kg_edges")}
            AND relation IN ('model_adapter_model', 'model_finetune_model', 'model_merge_model',
                               'model_quantized_model')
        ),
        models AS (SELECT id, created_at FROM {of_snapshot("kg.models")})
        SELECT l.head || ' -> ' || l.tail AS edge,
               (p.created_at <= c.created_at)::INTEGER AS parent_older,
               CASE WHEN l.relation = 'model_quantized_model'
                    THEN (NOT EXISTS (SELECT 1 FROM lineage d WHERE d.head = l.tail))::INTEGER END AS quantized_leaf
        FROM lineage l JOIN models p ON p.id = l.head JOIN models c ON c.id = l.tail""",
    build=lambda now: [
        gxe.ExpectColumnMeanToBeBetween(column="parent_older", min_value=MIN_PRIOR_SHARE),
        gxe.ExpectColumnMeanToBeBetween(column="quantized_leaf", min_value=MIN_PRIOR_SHARE),
    ],
    index_column="edge",
    severity="warn",
)


# A snapshot under a spent request budget (HUBKG_REQUEST_BUDGET) is published with what it has, but says so.
CRAWL_COVERAGE = SuiteSpec(
    name="crawl_coverage",
    asset=("kg", "kg_crawl_coverage"),
    frame_sql="SELECT kind, coverage, current_share, failed + pending AS unsettled "
    f"FROM {of_snapshot('kg.kg_crawl_coverage')}",
    build=lambda now: [
        gxe.ExpectColumnValuesToBeBetween(column="coverage", min_value=1.0),
        gxe.ExpectColumnValuesToBeBetween(column="current_share", min_value=1.0),
        gxe.ExpectColumnValuesToBeInSet(column="unsettled", value_set=[0]),
    ],
    index_column="kind",
    severity="warn",
)


def _normalised(expr: str) -> str:
    return f"lower(regexp_replace({expr}, '[^A-Za-z0-9]', '', 'g'))"


RECOMMENDATION_SPLITS = SuiteSpec(
    name="benchmark_recommendation",
    asset=("benchmarks", "rec_interactions"),
    frame_sql=f"""
        WITH rec AS (SELECT * FROM {of_snapshot("benchmarks.rec_interactions")})
        SELECT user_id || ' ' || item_id AS interaction, split_random,
               count(*) OVER (PARTITION BY user_id, item_id) AS copies,
               split_random = 'train' OR item_id IN (SELECT item_id FROM rec WHERE split_random = 'train')
                   AS item_seen_in_train
        FROM rec""",
    build=lambda now: [
        gxe.ExpectColumnValuesToBeInSet(column="split_random", value_set=["train", "valid", "test"]),
        gxe.ExpectColumnValuesToBeInSet(column="copies", value_set=[1]),
        gxe.ExpectColumnValuesToBeInSet(column="item_seen_in_train", value_set=[True]),
    ],
    index_column="interaction",
)

CLASSIFICATION_LEAKAGE = SuiteSpec(
    name="benchmark_classification",
    asset=("benchmarks", "cls_nodes"),
    frame_sql=f"""
        WITH tasks AS (
            SELECT list({_normalised("task_id")}) || list({_normalised("label")}) AS revealing
            FROM {of_snapshot("benchmarks.cls_tasks")}
        )
        SELECT node_id, split, (split = 'train')::INTEGER AS in_train,
               list_has_any(list_transform(tags, lambda t: {_normalised("t")}), tasks.revealing) AS label_in_tags
        FROM tasks, (SELECT * FROM {of_snapshot("benchmarks.cls_nodes")}) nodes""",
    build=lambda now: [
        gxe.ExpectColumnValuesToBeInSet(column="split", value_set=["train", "valid", "test"]),
        gxe.ExpectColumnValuesToBeInSet(column="label_in_tags", value_set=[False]),
        # HuggingBench's time split is ≈ 69 / 13 / 18.
        gxe.ExpectColumnMeanToBeBetween(column="in_train", min_value=0.55, max_value=0.85),
    ],
    index_column="node_id",
)

TRACING_TRANSDUCTIVE = SuiteSpec(
    name="benchmark_tracing",
    asset=("benchmarks", "trace_triples"),
    frame_sql=f"""
        WITH t AS (SELECT * FROM {of_snapshot("benchmarks.trace_triples")}),
        seen AS (SELECT head AS entity FROM t WHERE split_random = 'train'
                 UNION SELECT tail FROM t WHERE split_random = 'train')
        SELECT head || ' ' || relation || ' ' || tail AS triple, split_random,
               count(*) OVER (PARTITION BY head, relation, tail) AS copies,
               split_random = 'train' OR (head IN (SELECT entity FROM seen) AND tail IN (SELECT entity FROM seen))
                   AS transductive
        FROM t""",
    build=lambda now: [
        gxe.ExpectColumnValuesToBeInSet(column="split_random", value_set=["train", "valid", "test"]),
        gxe.ExpectColumnValuesToBeInSet(column="copies", value_set=[1]),
        gxe.ExpectColumnValuesToBeInSet(column="transductive", value_set=[True]),
    ],
    index_column="triple",
)

LEADERBOARD = SuiteSpec(
    name="leaderboard",
    asset=("benchmarks", "leaderboard"),
    frame_sql=f"""
        SELECT benchmark || ' ' || variant || ' ' || method || ' ' || metric AS score, benchmark, value, evaluated,
               count(*) OVER (PARTITION BY benchmark, variant, method, metric) AS copies
        FROM {of_snapshot("benchmarks.leaderboard")}""",
    build=lambda now: [
        gxe.ExpectColumnValuesToBeInSet(column="benchmark", value_set=["recommendation", "classification", "tracing"]),
        # every metric (recall, NDCG, F1, MRR, Hits) lies in [0, 1]; NaN or out of range means a broken baseline
        gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="value"),
        gxe.ExpectColumnValuesToBeBetween(column="evaluated", min_value=1),
        gxe.ExpectColumnValuesToBeInSet(column="copies", value_set=[1]),
    ],
    index_column="score",
)
BENCHMARK_SUITES = (RECOMMENDATION_SPLITS, CLASSIFICATION_LEAKAGE, TRACING_TRANSDUCTIVE, LEADERBOARD)
