"""The crawler against bodies and resume points a hostile or broken Hub could produce, through the real client
over HTTP (tests/hostile/stub_hub.py): each bad entity is quarantined with its reason and the walk goes on; a
stored or linked URL never sends the token to another host and never strands a partition."""

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from crawler import store
from crawler.listing import LISTINGS, MAX_ENTITY_CHARS, crawl_listing
from tests.hostile.stub_hub import StubHub, serving
from tests.support import crawl_config

SNAPSHOT = date(2026, 11, 22)
MODELS = LISTINGS["models"]


def _model(number: int, **fields) -> dict:
    return {"_id": f"{number:024x}", "id": f"good/model-{number}", "downloads": 1, "likes": 0, **fields}


def _dump(items: list) -> str:
    return json.dumps(items)


DEPTH = 200_000
# Each hostile element, the reason its quarantine row must give, and where it enters.
HOSTILE_ELEMENTS = {
    "nesting_200k_deep": (
        f'{{"_id": "{900:024x}", "id": "bad/deep", "cardData": ' + '{"a":' * DEPTH + "1" + "}" * DEPTH + "}",
        "nested too deeply",
    ),
    "nan_counter": (f'{{"_id": "{901:024x}", "id": "bad/nan", "downloads": NaN}}', "non-standard JSON constant NaN"),
    "infinity_score": (f'{{"_id": "{902:024x}", "id": "bad/inf", "trendingScore": Infinity}}', "Infinity"),
    "entity_not_object": ('"just a string"', "entity is not a JSON object"),
    "entity_null": ("null", "entity is not a JSON object"),
    "huge_entity": (
        json.dumps(_model(903, id="bad/huge", description="x" * (MAX_ENTITY_CHARS + 10))),
        "larger than",
    ),
    "id_wrong_type": (json.dumps({"_id": f"{904:024x}", "id": ["a", "b"]}), "missing or non-string"),
}


def _pages() -> dict[str, str]:
    hostile = [text for text, _ in HOSTILE_ELEMENTS.values()]
    first = "[" + ",".join([json.dumps(_model(1)), *hostile, json.dumps(_model(2))]) + "]"
    second = _dump([_model(3), _model(4, likes={"many": True})])  # a wrong type is drift: kept, recorded
    # The last page is cut off mid-entity (a truncated transfer that re-reads do not fix).
    third = _dump([_model(5), _model(6)])[:-20]
    return {"": first, "1": second, "2": third}


def _crawl(con: duckdb.DuckDBPyConnection, endpoint: str, **overrides) -> None:
    config = crawl_config(endpoint, page_size=2, **overrides)
    crawl_listing(con, config.client(), MODELS, SNAPSHOT, config, log=lambda _: None)


def _ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return sorted(i for (i,) in con.execute("SELECT id FROM raw.models").fetchall())


def _reasons(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r for (r,) in con.execute("SELECT reason FROM raw.quarantine").fetchall()]


def test_one_bad_body_never_stops_the_crawl(tmp_path: Path, matrix) -> None:
    with serving(StubHub(pages=_pages())) as hub, duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        _crawl(con, hub.url)
        state = store.load_state(con, SNAPSHOT, "models")
        assert state is not None and state.done
        assert _ids(con) == ["good/model-1", "good/model-2", "good/model-3", "good/model-4", "good/model-5"]
        reasons = _reasons(con)
        for case, (_, reason) in HOSTILE_ELEMENTS.items():
            assert any(reason in r for r in reasons), f"{case}: no quarantine reason with {reason!r} in {reasons}"
            matrix.record(case, "listing body", "quarantined")
        assert any("schema drift (entity kept): likes is dict" in r for r in reasons)
        matrix.record("counter_wrong_type", "counter", "quarantined")
        assert any(r.startswith("page kept entity by entity: malformed JSON") for r in reasons)
        matrix.record("truncated_page", "listing page", "quarantined")


def test_the_token_goes_only_to_the_configured_endpoint(tmp_path: Path, matrix) -> None:
    pages = {"": _dump([_model(1)]), "1": _dump([_model(2)])}
    with serving(StubHub(pages=dict(pages))) as foreign, serving(StubHub(pages=pages)) as hub:
        hub.link_base = foreign.url  # the Hub's Link header names another host
        config = crawl_config(hub.url)
        client = config.client()
        client.get(f"{hub.url}/api/models")
        client.get(f"{foreign.url}/api/models")
        assert hub.with_token() and not foreign.with_token()
        with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
            _crawl(con, hub.url)
            assert _ids(con) == ["good/model-1", "good/model-2"]
        assert len(foreign.requests) == 1  # the Link was followed on our endpoint
        matrix.record("link_to_foreign_host", "listing page", "blocked")


@pytest.mark.parametrize(
    "planted",
    [
        "{foreign}/api/models?limit=2&cursor=1",
        "http://127.0.0.1:1/api/models?limit=2&cursor=1",
        "/api/models?limit=2&cursor=1",
    ],
    ids=["foreign_host", "old_endpoint", "relative"],
)
def test_a_resume_point_is_reread_on_the_configured_endpoint(
    tmp_path: Path, planted: str, matrix, request: pytest.FixtureRequest
) -> None:
    """kill -9 after page 1, then the endpoint changed or a foreign URL was planted in raw.crawl_state."""
    pages = {"": _dump([_model(1), _model(2)]), "1": _dump([_model(3), _model(4)]), "2": _dump([_model(5)])}
    with serving(StubHub(pages=dict(pages))) as foreign, serving(StubHub(pages=pages)) as hub:
        with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
            _crawl(con, hub.url)
            clean = _ids(con)
            con.execute("DELETE FROM raw.models__day WHERE page > 1")  # the newest snapshot's references
            con.execute(
                "UPDATE raw.crawl_state SET pages = 1, entities = 2, done = false, next_url = ?",
                [planted.format(foreign=foreign.url)],
            )
            _crawl(con, hub.url)
            assert _ids(con) == clean  # resumed where it stopped: no gap, no duplicate
        assert foreign.requests == [] and hub.requests[-2]["cursor"] == "1"
        stored = [
            r
            for (r,) in duckdb.connect(str(tmp_path / "w.duckdb"))
            .execute("SELECT next_url FROM raw.crawl_state")
            .fetchall()
        ]
        assert stored == [None]
        matrix.record(f"resume_point_{request.node.callspec.id}", "crawl state", "recovered")


def test_an_unusable_resume_point_restarts_the_walk(tmp_path: Path, matrix) -> None:
    pages = {"": _dump([_model(1), _model(2)]), "1": _dump([_model(3)])}
    with serving(StubHub(pages=pages)) as hub, duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        _crawl(con, hub.url)
        clean = _ids(con)
        con.execute("DELETE FROM raw.models__day WHERE page > 1")  # the newest snapshot's references
        con.execute("UPDATE raw.crawl_state SET pages = 1, done = false, next_url = 'http://evil.invalid/etc/passwd'")
        _crawl(con, hub.url)
        assert _ids(con) == clean
        assert any("resume point is not a page of /api/models" in r for r in _reasons(con))
        matrix.record("resume_point_elsewhere", "crawl state", "quarantined")
