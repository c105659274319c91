"""The demo's benchmarks and leaderboard on the sample world: every split of every benchmark variant has rows, the
recommendation side information is non-empty, and every benchmark × variant × baseline has a score."""

import math

from assets.baselines import TRANSDUCTIVE_ONLY, VARIANTS
from baselines import classification, recommendation, tracing
from tests.kg.conftest import FIRST, Build

METHODS = {
    "recommendation": recommendation.BASELINES,
    "classification": classification.BASELINES,
    "tracing": tracing.BASELINES,
}


def test_every_split_of_every_benchmark_variant_has_rows(sample_build: Build) -> None:
    for benchmark, variants in VARIANTS.items():
        for variant, table, column in variants:
            counts = dict(
                sample_build.sql(
                    f"SELECT {column}, count(*) FROM benchmarks.{table} WHERE snapshot_date = ? GROUP BY ALL", [FIRST]
                )
            )
            assert all(counts.get(split, 0) > 0 for split in ("train", "valid", "test")), (benchmark, variant, counts)
    ((social,),) = sample_build.sql("SELECT count(*) FROM benchmarks.rec_social WHERE snapshot_date = ?", [FIRST])
    kg = dict(
        sample_build.sql(
            "SELECT variant, count(*) FROM benchmarks.rec_kg WHERE snapshot_date = ? GROUP BY ALL", [FIRST]
        )
    )
    assert social > 0 and set(kg) == {"1hop", "2hop", "homo", "publish"} and min(kg.values()) > 0, (social, kg)


def test_the_leaderboard_scores_every_benchmark_variant_and_baseline(sample_build: Build) -> None:
    expected = {
        (benchmark, variant, method)
        for benchmark, variants in VARIANTS.items()
        for variant, _, _ in variants
        for method in METHODS[benchmark]
        # TransE embeds only models seen in training, so it has no temporal tracing score by design
        if not (benchmark == "tracing" and variant != "random" and method in TRANSDUCTIVE_ONLY)
    }
    rows = sample_build.sql(
        "SELECT benchmark, variant, method, metric, value FROM benchmarks.leaderboard WHERE snapshot_date = ?", [FIRST]
    )
    scored = {(b, v, m) for b, v, m, _, value in rows if value is not None and math.isfinite(value)}
    assert scored == expected
    assert len(rows) == len({(b, v, m, metric) for b, v, m, metric, _ in rows})
