"""The generated card: metadata through DatasetCardData that reads back as written, Markdown tables that a real
Markdown parser (markdown-it-py with its table rule) reads as tables with the expected rows, an empty config
explained, what changed since the previous release, and bad input stopped before anything is uploaded."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest
from huggingface_hub import DatasetCard
from markdown_it import MarkdownIt

from release.card import CardError, render_card, size_category
from release.folder import ReleaseError, build_release
from release.spec import ReleaseSpec, ReleaseTable

pytestmark = pytest.mark.fast

SNAPSHOT = date(2026, 11, 22)
SPEC = ReleaseSpec(
    repo="test",
    title="Test release",
    summary="Three tables, one of them empty.",
    tables=(
        ReleaseTable("alpha", "kg.alpha", "first | table"),
        ReleaseTable("beta", "kg.beta", "split table", split_column="split"),
        ReleaseTable("gamma", "kg.gamma", "never filled", when_empty="Gamma needs a second snapshot."),
    ),
)


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE SCHEMA kg; CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.crawl_state (snapshot_date DATE, updated_at TIMESTAMPTZ)")
    con.execute("INSERT INTO raw.crawl_state VALUES (?, '2026-11-22 01:00:00+00')", [SNAPSHOT])
    con.execute("CREATE TABLE kg.alpha AS SELECT i AS id, ?::DATE AS snapshot_date FROM range(12) t(i)", [SNAPSHOT])
    con.execute(
        "CREATE TABLE kg.beta AS SELECT i AS id, CASE WHEN i < 8 THEN 'train' WHEN i < 9 THEN 'valid' ELSE 'test' END "
        "AS split, ?::DATE AS snapshot_date FROM range(10) t(i)",
        [SNAPSHOT],
    )
    con.execute("CREATE TABLE kg.gamma (head VARCHAR, tail VARCHAR, snapshot_date DATE)")
    yield con
    con.close()


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table of `markdown` as parsed by markdown-it-py: rows (header first) of cell texts."""
    found: list[list[list[str]]] = []
    inside = False
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type in ("table_open", "table_close"):
            inside = token.type == "table_open"
            found += [[]] if inside else []
        elif inside and token.type == "tr_open":
            found[-1].append([])
        elif inside and token.type == "inline":
            found[-1][-1].append(token.content)
    return found


def card_of(folder: Path) -> DatasetCard:
    return DatasetCard.load(folder / "README.md")


def test_metadata_reads_back_through_dataset_card_data(warehouse, tmp_path) -> None:
    card = card_of(build_release(warehouse, tmp_path / "r", SPEC, SNAPSHOT, repo_id="someone/test-repo").folder)
    data = card.data.to_dict()
    assert data["license"] == "other" and data["license_name"] and data["license_link"].startswith("https://")
    assert data["pretty_name"] == "Test release" and data["task_categories"] == ["graph-ml"]
    assert data["size_categories"] == ["n<1K"] and "knowledge-graph" in data["tags"]
    assert {c["config_name"]: [f["split"] for f in c["data_files"]] for c in data["configs"]} == {
        "alpha": ["train"],
        "beta": ["test", "train", "validation"],
        "gamma": ["train"],
    }
    assert 'load_dataset("someone/test-repo", "alpha", revision="snapshot-2026-11-22")' in card.text
    assert [size_category(n) for n in (0, 999, 1000, 2_500_000)] == ["n<1K", "n<1K", "1K<n<10K", "1M<n<10M"]


def test_every_table_parses_with_its_rows_and_the_empty_config_says_why(warehouse, tmp_path) -> None:
    first = build_release(warehouse, tmp_path / "r1", SPEC, SNAPSHOT)
    warehouse.execute("INSERT INTO kg.alpha SELECT 100 + i, ?::DATE FROM range(3) t(i)", [SNAPSHOT])
    second = build_release(warehouse, tmp_path / "r2", SPEC, SNAPSHOT, previous=first.manifest)
    contents, changes = tables(card_of(second.folder).text)
    # header + alpha/train + beta's 3 splits + gamma/train
    assert [row[:3] for row in contents] == [
        ["config", "split", "rows"],
        ["`alpha`", "train", "15"],
        ["`beta`", "test", "1"],
        ["`beta`", "train", "8"],
        ["`beta`", "validation", "1"],
        ["`gamma`", "train", "0"],
    ]
    assert contents[1][3] == "first | table"  # the escaped pipe stays inside its cell
    assert "Gamma needs a second snapshot." in contents[5][3]
    assert changes == [
        ["config", "2026-11-22", "2026-11-22", "change"],
        ["`alpha`", "12", "15", "+3"],
        ["`beta`", "10", "10", "+0"],
        ["`gamma`", "0", "0", "+0"],
    ]
    text = card_of(second.folder).text
    assert 'load_dataset("hubkg/hubkg-test", "gamma", revision="snapshot-2026-11-22", streaming=True)' in text
    assert "First release." in card_of(first.folder).text


def test_a_card_field_that_does_not_validate_stops_the_release(warehouse, tmp_path) -> None:
    unknown_task = replace(SPEC, task_categories=("graph-ml", "mind-reading"))
    with pytest.raises(CardError, match="unknown task category 'mind-reading'"):
        build_release(warehouse, tmp_path / "r", unknown_task, SNAPSHOT)
    assert not (tmp_path / "r" / "README.md").exists()
    manifest = {"snapshot_date": "2026-11-22", "observed": ["", ""], "tables": {"alpha": {"rows": {}, "columns": []}}}
    with pytest.raises(CardError, match="every config needs a name and data files"):
        render_card(replace(SPEC, tables=SPEC.tables[:1]), manifest, None)


def test_a_config_that_fails_to_build_blocks_the_repo_and_is_named(warehouse, tmp_path) -> None:
    broken = replace(SPEC, tables=(*SPEC.tables, ReleaseTable("delta", "kg.no_such_table", "missing")))
    with pytest.raises(ReleaseError, match="config `delta` \\(from kg.no_such_table\\) failed to build"):
        build_release(warehouse, tmp_path / "r", broken, SNAPSHOT)
    assert not (tmp_path / "r" / "README.md").exists()
