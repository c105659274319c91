"""Bad input planted in one small world (tests/hostile/world.py), one whole pipeline run: each bad entity is
quarantined with its reason where it enters, nothing bad reaches a request path or a published table, and the
rest of the snapshot is built, passes its gates and is published."""

import json

import pytest

from tests.hostile.world import HOSTILE_TEXT, TEXT_MARKERS


def test_the_run_succeeds_and_publishes(hostile_run) -> None:
    run = hostile_run.run
    assert run.result.success
    assert {"publish/graph_dataset", "publish/benchmarks_dataset"} <= run.materialized()


def test_each_planted_entity_is_quarantined_with_its_reason(hostile_run, matrix) -> None:
    quarantine = hostile_run.sql("SELECT source, locator, reason FROM raw.quarantine")
    for planted in hostile_run.facts["planted"]:
        hits = [q for q in quarantine if q[0] == planted.source and planted.reason in q[2]]
        assert hits, f"{planted.case}: no {planted.source} quarantine row with {planted.reason!r}"
        matrix.record(planted.case, planted.where, "quarantined")


def test_no_bad_id_reaches_a_request_path(hostile_run) -> None:
    paths = [r["path"] for r in _requests(hostile_run)]
    assert paths, "the emulator logged no request"
    assert not [p for p in paths if "/../" in p or p.endswith("/..") or "%2E%2E" in p.upper() or "//" in p]
    assert not [p for p in paths if "admin" in p or "passwd" in p or "DROP" in p.upper()]


def test_bad_entities_are_absent_and_the_rest_is_built(hostile_run) -> None:
    ids = {i for (i,) in hostile_run.sql("SELECT id FROM kg.models")}
    assert hostile_run.facts["clean_model"] in ids
    assert hostile_run.facts["duplicate_id"] not in ids  # both of the pair are left out
    assert not [i for i in ids if ".." in i or "'" in i or i.endswith("/")]
    assert len(ids) > 50


def test_counters_are_never_silently_null(hostile_run) -> None:
    """Every kept model has its counters: out-of-range ones were quarantined, not turned into NULL."""
    (nulls,) = hostile_run.sql("SELECT count(*) FROM kg.models WHERE downloads IS NULL OR likes IS NULL")[0]
    assert nulls == 0


@pytest.mark.parametrize(
    ("table", "column"),
    [("kg.collections", "title"), ("kg.users", "fullname"), ("kg.papers", "title")],
)
def test_free_text_is_sanitised_before_it_is_republished(hostile_run, matrix, table: str, column: str) -> None:
    values = [v for (v,) in hostile_run.sql(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")]
    assert values, f"{table}.{column} is empty"
    assert HOSTILE_TEXT not in values
    for value in values:
        assert not any(marker in value for marker in TEXT_MARKERS), (table, value)
        assert "[31m" not in value  # the escape sequence is removed whole
    matrix.record(f"hostile_text:{table}.{column}", "free text", "quarantined")


def test_the_published_card_carries_no_hostile_text(hostile_run) -> None:
    folder = hostile_run.run.settings.data_dir / "releases"
    cards = list(folder.rglob("README.md"))
    assert cards
    for card in cards:
        text = card.read_text(encoding="utf-8")
        assert "<script>" not in text and not any(m in text for m in TEXT_MARKERS)


def _requests(hostile_run) -> list[dict]:
    log = hostile_run.run.emulator.log_path
    assert log is not None
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
