"""Baselines layer: cheap, strong baselines scored on one snapshot's benchmarks — the leaderboard.

Recommendation (MostPop, ItemKNN, EASE: Recall/NDCG@{5,10,20,40}, full ranking; beyond 20,000 test users a seeded
sample of 20,000, with a 95% confidence interval), task classification (global
majority, neighbour vote, TF-IDF + tags logistic regression with a fixed L2 strength per training node:
micro/macro-F1) and model tracing (metadata heuristic, TransE: filtered head MRR, Hits@{1,3,10} against every
model; beyond 2,000 test triples a seeded sample of 2,000, with a 95% confidence interval), on every split variant
that has a test split. Scores go to `benchmarks.leaderboard` (published with the benchmarks and shown in their card;
a sampled score has its population and interval beside it), run times to `benchmarks.baseline_runs`, and the history
chart to `<data_dir>/benchmarks/leaderboard.png` (and `.svg`).
"""

import base64
import resource
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.benchmarks import snapshot_to_export
from assets.partitions import FOLLOW_INPUTS, SNAPSHOT_DAYS
from baselines import chart, classification, recommendation, tracing
from baselines.data import load_labelled_nodes, load_likes, load_lineage, split_has_test
from baselines.leaderboard import Run, Score, history, markdown, panel_notes, record
from baselines.sampling import Ranked

# benchmark → [(variant, benchmark table, split column)]
VARIANTS = {
    "recommendation": [
        ("random", "rec_interactions", "split_random"),
        ("temporal", "rec_interactions", "split_temporal"),
    ],
    "classification": [("time", "cls_nodes", "split")],
    "tracing": [("random", "trace_triples", "split_random"), ("temporal", "trace_triples", "split_temporal")],
}
# TransE embeds only entities seen in training: a temporal split's new models would be random vectors.
TRANSDUCTIVE_ONLY = {"TransE"}


def _all(metrics: dict[str, float], evaluated: int) -> Ranked:
    return Ranked(metrics, evaluated, evaluated, {})


def _evaluations(
    con, snapshot: date, benchmark: str, variant: str, column: str
) -> Iterator[tuple[str, Callable[[], Ranked]]]:
    """(method, run → its scores) for every baseline of one benchmark variant. Recommendation ranks every test user
    up to `recommendation.SAMPLE_USERS`, tracing every test triple up to `tracing.SAMPLE_TRIPLES`, and a seeded
    sample of them beyond (scores with a 95% interval)."""
    if benchmark == "recommendation":
        likes = load_likes(con, snapshot, column)
        for method, fit in recommendation.BASELINES.items():
            yield method, lambda fit=fit: recommendation.rank_test_users(fit(likes), likes)
    elif benchmark == "classification":
        nodes = load_labelled_nodes(con, snapshot)
        for method, predict in classification.BASELINES.items():
            yield method, lambda predict=predict: _all(classification.evaluate(predict, nodes), int(nodes.test.sum()))
    else:
        lineage = load_lineage(con, snapshot, column)
        for method, fit in tracing.BASELINES.items():
            if variant == "random" or method not in TRANSDUCTIVE_ONLY:
                yield method, lambda fit=fit: tracing.rank_test_triples(fit(lineage), lineage)


def _b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _scores(benchmark: str, variant: str, method: str, ranked: Ranked) -> list[Score]:
    population = ranked.population if ranked.sampled else None
    return [
        Score(
            benchmark,
            variant,
            method,
            metric,
            value,
            ranked.evaluated,
            population,
            *ranked.intervals.get(metric, (None, None)),
        )
        for metric, value in ranked.metrics.items()
    ]


@dg.asset(
    key=["benchmarks", "leaderboard"],
    group_name="baselines",
    deps=[
        dg.AssetKey(["benchmarks", t])
        for t in (
            "rec_interactions",
            "cls_nodes",
            "cls_edges",
            "cls_tasks",
            "trace_triples",
            "trace_entities",
            "trace_relations",
            "benchmark_stats",
        )
    ],
    kinds={"duckdb", "python", "scikitlearn"},
    owners=["team:hubkg"],
    code_version="2",
    partitions_def=SNAPSHOT_DAYS,
    automation_condition=FOLLOW_INPUTS,
)
def leaderboard(
    context: dg.AssetExecutionContext,
    warehouse: DuckDBResource,
    data_dir: dg.ResourceParam[Path],
) -> dg.MaterializeResult:
    """Baseline scores of the snapshot's three benchmarks (`benchmarks.leaderboard`) and their history chart."""
    scores: list[Score] = []
    runs: list[Run] = []
    skipped: dict[str, str] = {}
    with warehouse.get_connection() as con:
        snapshot = date.fromisoformat(snapshot_to_export(context, con))
        for benchmark, variants in VARIANTS.items():
            for variant, table, column in variants:
                if not split_has_test(con, table, column, snapshot):
                    skipped[f"{benchmark}/{variant}"] = f"no test rows in benchmarks.{table}.{column}"
                    continue
                for method, run in _evaluations(con, snapshot, benchmark, variant, column):
                    started = time.perf_counter()
                    ranked = run()
                    seconds = time.perf_counter() - started
                    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                    context.log.info(
                        f"{benchmark}/{variant} {method}: {ranked.metrics} ({ranked.evaluated:,} evaluated of "
                        f"{ranked.population:,}, {seconds:.1f} s, peak RSS so far {peak:,.0f} MiB)"
                    )
                    scores += _scores(benchmark, variant, method, ranked)
                    runs.append(Run(benchmark, variant, method, seconds, datetime.now(UTC)))
        record(con, snapshot, scores, runs)
        table = markdown(con, snapshot)
        png, svg = chart.save(history(con), panel_notes(con, snapshot), data_dir / "benchmarks" / "leaderboard")
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": snapshot.isoformat(),
            "scores": dg.MetadataValue.md(table),
            "seconds": dg.MetadataValue.json(
                {f"{r.benchmark}/{r.variant}/{r.method}": round(r.seconds, 2) for r in runs}
            ),
            "skipped": dg.MetadataValue.json(skipped),
            "chart": dg.MetadataValue.path(str(png)),
            "chart_svg": dg.MetadataValue.path(str(svg)),
            "chart_preview": dg.MetadataValue.md(f"![leaderboard across snapshots](data:image/png;base64,{_b64(png)})"),
        }
    )


baseline_assets = [leaderboard]
