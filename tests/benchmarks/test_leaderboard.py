"""The baseline leaderboard on a generated world: every benchmark scored, a sane ordering, deterministic scores,
run times recorded, a chart, and the scores in the published benchmark card."""

import math
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import duckdb
import pytest

from assets.baselines import baseline_assets
from assets.publish import BENCHMARKS
from release.folder import build_release
from tests.benchmarks.conftest import SNAPSHOT, BenchBuild


def score_leaderboard(build: BenchBuild) -> dict[tuple[str, str, str, str], float]:
    build.materialize(baseline_assets)
    rows = build.sql(
        "SELECT benchmark, variant, method, metric, value FROM benchmarks.leaderboard WHERE snapshot_date = ?",
        [SNAPSHOT],
    )
    return {tuple(r[:4]): r[4] for r in rows}


@pytest.fixture(scope="module")
def scores(rebuilt: BenchBuild) -> dict[tuple[str, str, str, str], float]:
    return score_leaderboard(rebuilt)


def test_every_benchmark_is_scored_by_every_baseline(scores: dict, rebuilt: BenchBuild) -> None:
    methods = {(b, v, m) for b, v, m, _ in scores}
    assert methods == {
        ("recommendation", "random", "MostPop"),
        ("recommendation", "random", "ItemKNN"),
        ("recommendation", "random", "EASE"),
        ("recommendation", "temporal", "MostPop"),
        ("recommendation", "temporal", "ItemKNN"),
        ("recommendation", "temporal", "EASE"),
        ("classification", "time", "GlobalMajority"),
        ("classification", "time", "NeighbourVote"),
        ("classification", "time", "TfidfLogReg"),
        ("tracing", "random", "MetadataHeuristic"),
        ("tracing", "random", "TransE"),
        ("tracing", "temporal", "MetadataHeuristic"),
    }  # TransE cannot embed models unseen in training: no temporal tracing score for it
    assert {m for *_, m in scores} >= {"recall@40", "ndcg@5", "micro_f1", "macro_f1", "mrr", "hits@10"}
    assert all(0.0 <= v <= 1.0 for v in scores.values())
    runs = rebuilt.sql("SELECT method, seconds FROM benchmarks.baseline_runs WHERE snapshot_date = ?", [SNAPSHOT])
    assert sorted(m for m, _ in runs) == sorted(m for _, _, m in methods)
    assert all(s >= 0 for _, s in runs)


def test_ordering_is_sane(scores: dict, rebuilt: BenchBuild) -> None:
    rec = {m: scores[("recommendation", "random", m, "recall@20")] for m in ("MostPop", "ItemKNN", "EASE")}
    assert rec["EASE"] > rec["MostPop"] and rec["ItemKNN"] > rec["MostPop"], rec
    cls = {
        m: scores[("classification", "time", m, "micro_f1")] for m in ("GlobalMajority", "NeighbourVote", "TfidfLogReg")
    }
    assert cls["NeighbourVote"] > cls["GlobalMajority"] and cls["TfidfLogReg"] > cls["GlobalMajority"], cls
    # tracing: names and dates beat a random ranking of the candidates (MRR ≈ ln(n) / n) many times over; TransE
    # sees only lineage triples, and a held-out edge of a lineage tree leaves it nothing (tests/baselines checks
    # that it learns what it is shown)
    ((n,),) = rebuilt.sql(
        "SELECT count(*) FROM (SELECT head FROM benchmarks.trace_triples WHERE snapshot_date = $1 "
        "UNION SELECT tail FROM benchmarks.trace_triples WHERE snapshot_date = $1)",
        [SNAPSHOT],
    )
    assert scores[("tracing", "random", "MetadataHeuristic", "mrr")] > 10 * math.log(n) / n
    assert scores[("tracing", "temporal", "MetadataHeuristic", "mrr")] > 10 * math.log(n) / n


def test_scores_are_deterministic_and_chart_and_card_show_them(
    scores: dict, rebuilt: BenchBuild, tmp_path: Path
) -> None:
    assert score_leaderboard(rebuilt) == scores  # same snapshot, same scores
    chart = rebuilt.data_dir / "benchmarks" / "leaderboard.svg"
    assert ET.parse(chart).getroot().tag.endswith("svg")
    assert "EASE" in chart.read_text(encoding="utf-8")
    assert chart.with_suffix(".png").read_bytes().startswith(b"\x89PNG")

    with duckdb.connect(str(rebuilt.warehouse)) as con:
        release = build_release(con, tmp_path / "release", BENCHMARKS, date.fromisoformat(SNAPSHOT))
    card = (release.folder / "README.md").read_text(encoding="utf-8")
    assert "## Baselines" in card and "0.2228 (LightGCL)" in card and "0.5589 (TransE)" in card
    ease = scores[("recommendation", "random", "EASE", "recall@20")]
    assert f"| recommendation | random | EASE | recall@20 | {ease:.4f} |" in card
    assert ET.parse(release.folder / "leaderboard.svg").getroot().tag.endswith("svg")
    assert "![Baseline scores across snapshots](leaderboard.png)" in card
    assert (release.folder / "leaderboard.png").read_bytes().startswith(b"\x89PNG")
    assert sum(release.manifest["tables"]["leaderboard"]["rows"].values()) == len(scores)
