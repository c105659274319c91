"""The interactive atlas page as a folder: its data, its card, and (in headless Chromium) what a user can do with it.
Model ids are hostile on purpose: HTML and script in an id must show as text and never run."""

import gzip
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from atlas.frame import LineageForest
from atlas.layout import Forest, layout
from atlas.page import write_page
from atlas.still import draw

HOSTILE = '<script>window.pwned = 1</script>/x"><img src=x onerror="window.pwned=2">'
# name: (parent, relation, downloads, created)
MODELS = {
    "base-org/Base-7B": (None, "root", 5000, "2024-01-15"),
    "tuner/Base-7B-chat": ("base-org/Base-7B", "finetune", 700, "2024-03-02"),
    "quant/Base-7B-chat-GGUF": ("tuner/Base-7B-chat", "quantized", 90, "2024-04-20"),
    HOSTILE: ("base-org/Base-7B", "adapter", 3, "2024-05-01"),
    "other/Root": (None, "root", 10, None),
    "other/Root-lora": ("other/Root", "adapter", 1, "2024-06-30"),
}


def hostile_forest() -> LineageForest:
    ids = list(MODELS)
    edges = pd.DataFrame(
        [(p, m, r) for m, (p, r, _, _) in MODELS.items() if p], columns=["base_model_id", "model_id", "relation"]
    )
    component = {m: ("other/Root" if m.startswith("other/") else "base-org/Base-7B") for m in ids}
    nodes = pd.DataFrame({"model_id": ids, "component_id": [component[m] for m in ids]})
    forest = Forest.from_frames(nodes, edges)
    xy = layout(forest)
    frame = nodes.set_index("model_id").loc[forest.ids].reset_index()
    frame["component_root"] = frame["component_id"]
    frame["relation_type"] = [MODELS[m][1] for m in frame["model_id"]]
    frame["downloads"] = [MODELS[m][2] for m in frame["model_id"]]
    frame["sub_tree_downloads"] = frame["downloads"] * 2
    frame["created_at"] = pd.to_datetime([MODELS[m][3] for m in frame["model_id"]], utc=True)
    frame["pipeline_tag"] = np.where(frame["model_id"] == HOSTILE, "<b>bold</b>", "text-generation")
    frame["library_name"] = "transformers"
    frame["license"] = None
    frame["imputed"] = frame["model_id"].str.startswith("other/")
    frame["x"], frame["y"] = xy[:, 0], xy[:, 1]
    return LineageForest(date(2026, 11, 15), frame, edges, 0)


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    forest = hostile_forest()
    return write_page(
        tmp_path_factory.mktemp("atlas") / "space", forest, draw(forest), "https://hub.example", ["ns/graph"]
    )


@pytest.mark.fast
def test_folder_is_a_static_space_with_its_data(space: Path) -> None:
    assert sorted(p.name for p in space.iterdir()) == [
        "README.md",
        "THIRD_PARTY_LICENSES.txt",
        "atlas.js",
        "atlas.png",
        "atlas.svg",
        "data.json.gz",
        "index.html",
    ]
    card = (space / "README.md").read_text(encoding="utf-8")
    assert "\nsdk: static\n" in card and "app_file: index.html" in card
    assert "https://hub.example/datasets/ns/graph" in card
    data = json.loads(gzip.decompress((space / "data.json.gz").read_bytes()))
    assert sorted(data["ids"]) == sorted(MODELS)
    edges = zip(data["edges"]["source"], data["edges"]["target"], strict=True)
    parent_of = {data["ids"][t]: data["ids"][s] for s, t in edges}
    assert parent_of == {m: p for m, (p, *_) in MODELS.items() if p}
    assert data["months"] == ["2024-01", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert data["month"][data["ids"].index("other/Root")] == -1  # no creation date: always shown
    assert data["vocab"]["imputed"] == ["imputed", "stated"]
    licences = (space / "THIRD_PARTY_LICENSES.txt").read_text(encoding="utf-8")
    assert "sigma 3.0.3 (MIT)" in licences and "graphology 0.26.0 (MIT)" in licences
    # nothing from a network: the page loads only files beside it
    page = (space / "index.html").read_text(encoding="utf-8")
    assert "http" not in page.replace('http-equiv="Content-Security-Policy"', "")
    assert '<script src="atlas.js"></script>' in page and page.count("<script") == 1


@pytest.mark.fast
def test_same_forest_same_bytes(space: Path, tmp_path: Path) -> None:
    forest = hostile_forest()
    again = write_page(tmp_path / "space", forest, draw(forest), "https://hub.example", ["ns/graph"])
    for name in ("data.json.gz", "index.html", "README.md", "atlas.png", "atlas.svg"):
        assert (again / name).read_bytes() == (space / name).read_bytes(), name


def test_browser_search_info_panel_colour_and_hostile_ids(space: Path) -> None:
    from perf.atlas_page import chromium, open_atlas, serve

    with serve(space) as url, chromium() as browser:
        page, first_render_ms = open_atlas(browser, f"{url}/index.html")
        assert first_render_ms > 0
        assert page.text_content("#summary").startswith("6 models with lineage, 4 edges, 2 families")
        # search a known model, pick it, see its parent chain
        page.fill("#search", "base-7b-chat-gguf")
        page.click("#results button.node")
        info = page.locator("#info")
        assert info.locator("h2 a").text_content() == "quant/Base-7B-chat-GGUF"
        assert info.locator("h2 a").get_attribute("href") == "https://hub.example/quant/Base-7B-chat-GGUF"
        chain = info.locator("h3", has_text="Parent chain").locator("xpath=following-sibling::ul[1]")
        assert chain.locator("button").all_text_contents() == ["tuner/Base-7B-chat", "base-org/Base-7B"]
        # switch colour-by: the legend follows
        page.select_option("#colour", "library_name")
        assert page.locator("#legend li").all_text_contents() == ["● transformers (6)"]
        page.select_option("#colour", "imputed")
        assert sorted(page.locator("#legend li").all_text_contents()) == ["● imputed (2)", "● stated (4)"]
        # the hostile id: found by search, shown as text, never executed, never a live element
        page.fill("#search", "<script>")
        page.click("#results button.node")
        assert info.locator("h2 a").text_content() == HOSTILE
        assert "<b>bold</b>" in info.text_content()
        assert page.evaluate("window.pwned") is None
        assert page.locator("#info img, #info script, #info b").count() == 0
        # the month slider shows the atlas growing: back to March 2024, later models are hidden
        page.eval_on_selector("#month", "(e) => { e.value = '1'; e.dispatchEvent(new Event('input')); }")
        assert page.text_content("#month-label") == "created up to 2024-03"
        later = {m for m, (*_, created) in MODELS.items() if created and created[:7] > "2024-03"}
        assert sorted(hidden_ids(page)) == sorted(later)
        page.eval_on_selector("#month", "(e) => { e.value = e.max; e.dispatchEvent(new Event('input')); }")
        # a family filter hides the other families
        page.select_option("#family", label="other/Root (2)")
        assert sorted(hidden_ids(page)) == sorted(m for m in MODELS if not m.startswith("other/"))


def hidden_ids(page) -> list[str]:
    return page.evaluate(
        "() => window.atlas.data.ids.filter((id, i) => window.atlas.renderer.getNodeDisplayData(String(i)) &&"
        " window.atlas.renderer.getNodeDisplayData(String(i)).hidden)"
    )


@pytest.mark.fast
def test_card_tables_sit_beside_the_papers_numbers() -> None:
    import duckdb

    from atlas.accuracy import evaluate
    from atlas.page import imputation_sections

    con = duckdb.connect()
    con.execute("CREATE SCHEMA atlas")
    con.execute(
        "CREATE TABLE atlas.imputation AS SELECT 'relation_type' AS attribute, 74 AS evaluated_models, "
        "0.57 AS global_accuracy, 0.72 AS hub_accuracy, 0.61 AS paper_global_accuracy, 0.80 AS paper_hub_accuracy, "
        "DATE '2026-11-15' AS snapshot_date"
    )
    predictions = pd.DataFrame(
        {"model_id": list("abc"), "truth": [1.0, 2.0, 4.0], "global_mean": [3.0, 2.5, 1.5]}
        | {f"{k}-NN": [1.5, 2.0, 3.5] for k in (1, 2, 3, 5)}
    )
    scores = evaluate(predictions)
    scores.insert(0, "labelled_models", 3)
    scores.insert(0, "metric", "mc2")
    scores.insert(0, "benchmark", "truthful_qa|<b>")
    con.execute("CREATE TABLE atlas.accuracy_imputation AS SELECT *, DATE '2026-11-15' AS snapshot_date FROM scores")
    card = "\n\n".join(imputation_sections(con, date(2026, 11, 15)))
    assert "| relation_type | 74 | 0.57 | 0.72 | 0.61 | 0.80 |" in card
    knn_rows = [line for line in card.splitlines() if line.startswith("| truthful_qa")]
    assert len(knn_rows) == 5 and "\n\n| truthful_qa" not in card  # one table, rows together
    assert "| 1-NN | 3 | 0.167 | 0.333 |" in knn_rows[1] and knn_rows[1].endswith("| 32.830 | 3.247 | 0.856 |")
    assert "truthful_qa\\|&lt;b&gt;" in card  # a hostile benchmark name can neither break the table nor render
