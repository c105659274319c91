"""The atlas built by the real pipeline matches the planted lineage exactly, its statistics are computed (and
printed next to the paper's), imputation never overwrites documented values, and the picture is a valid PNG.

Run: `.venv/bin/pytest tests/atlas -s` (prints the imputation and lineage-inference numbers).
"""

import base64
import gzip
import json
import re
import struct
from collections.abc import Iterator

import pytest
from huggingface_hub import HfApi

from hub_emulator.server import HubEmulator
from tests.atlas.conftest import GHOST, SNAPSHOT, AtlasBuild

# name: (depth, parents, relation_type, descendants, sub_tree_downloads)
EXPECTED = {
    "R": (0, 0, "root", 4, 100 + 10 + 20 + 5 + 1),
    "A": (1, 1, "finetune", 2, 10 + 5 + 1),
    "B": (1, 1, "adapter", 2, 20 + 5 + 1),
    "M": (2, 2, "merge", 1, 5 + 1),  # below the diamond: reached twice from R, counted once
    "Q": (3, 1, "quantized", 0, 1),
    GHOST: (0, 0, "root", 1, 7),
    "D": (1, 1, "finetune", 0, 7),
    "X": (0, 0, "root", 2, 30 + 40 + 2),  # Y → X dropped: X is older
    "Y": (1, 1, "finetune", 1, 40 + 2),
    "Z": (2, 1, "finetune", 0, 2),
}
COMPONENTS = [{"R", "A", "B", "M", "Q"}, {GHOST, "D"}, {"X", "Y", "Z"}]


def test_pipeline_builds_the_atlas(atlas_build: AtlasBuild) -> None:
    materialized = atlas_build.run.materialized()
    assert {"atlas/atlas_nodes", "atlas/atlas_edges", "atlas/atlas_picture"} <= materialized
    (models,) = atlas_build.sql("SELECT count(*) FROM kg.models WHERE snapshot_date = ?", [SNAPSHOT])[0]
    (nodes,) = atlas_build.sql(
        "SELECT count(*) FROM atlas.atlas_nodes WHERE snapshot_date = ? AND NOT is_placeholder", [SNAPSHOT]
    )[0]
    assert nodes == models


def test_planted_structure_is_exact(atlas_build: AtlasBuild) -> None:
    ids = {atlas_build.id(name): name for name in EXPECTED}
    rows = atlas_build.sql(
        "SELECT model_id, depth, parent_count, relation_type, descendants, sub_tree_downloads, is_leaf, "
        "is_placeholder, component_id, component_size, roots FROM atlas.atlas_nodes "
        "WHERE snapshot_date = ? AND model_id IN (SELECT unnest(?))",
        [SNAPSHOT, list(ids)],
    )
    got = {ids[r[0]]: r[1:6] for r in rows}
    assert got == EXPECTED
    for model_id, *_, descendants, _, is_leaf, is_placeholder, _, _, _ in rows:
        assert is_leaf == (descendants == 0)
        assert is_placeholder == (model_id == GHOST)
    components = {}
    for r in rows:
        components.setdefault(r[8], set()).add(ids[r[0]])
        assert r[9] == len(next(c for c in COMPONENTS if ids[r[0]] in c))
    assert sorted(map(sorted, components.values())) == sorted(map(sorted, COMPONENTS))
    roots = {ids[r[0]]: {ids[x] for x in r[10]} for r in rows}
    assert roots["Q"] == {"R"} and roots["D"] == {GHOST} and roots["Z"] == {"X"}


def test_components_equal_union_find_over_the_edges(atlas_build: AtlasBuild) -> None:
    """Every node's component is the smallest id reachable over the cycle-free edges in either direction, also
    where a merge joins two families (a node with several roots)."""
    edges = atlas_build.sql(
        "SELECT base_model_id, model_id FROM atlas.atlas_edges WHERE snapshot_date = ? AND NOT breaks_cycle",
        [SNAPSHOT],
    )
    nodes = atlas_build.sql(
        "SELECT model_id, component_id, len(roots) FROM atlas.atlas_nodes WHERE snapshot_date = ?", [SNAPSHOT]
    )
    parent = {model_id: model_id for model_id, _, _ in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)  # each set's representative is its smallest id
    assert {m: c for m, c, _ in nodes} == {m: find(m) for m, _, _ in nodes}
    assert any(root_count > 1 for _, _, root_count in nodes), "no node joins two families: the case is not tested"


def test_cycle_found_broken_and_listed(atlas_build: AtlasBuild) -> None:
    x, y = atlas_build.id("X"), atlas_build.id("Y")
    edges = atlas_build.sql(
        "SELECT base_model_id, model_id, cycle_id, breaks_cycle FROM atlas.atlas_edges "
        "WHERE snapshot_date = ? AND cycle_id IS NOT NULL",
        [SNAPSHOT],
    )
    assert sorted(edges) == sorted([(x, y, x, False), (y, x, x, True)])
    listed = atlas_build.sql(
        "SELECT base_model_id, model_id FROM atlas.prior_violations "
        "WHERE snapshot_date = ? AND violation = 'cycle_edge_dropped'",
        [SNAPSHOT],
    )
    assert listed == [(y, x)]
    stats = dict(atlas_build.sql("SELECT metric, value FROM atlas.prior_stats WHERE snapshot_date = ?", [SNAPSHOT]))
    assert stats["cycles_found"] == 1 and stats["cycle_edges_dropped"] == 1


def test_placeholders_are_the_missing_parents(atlas_build: AtlasBuild) -> None:
    placeholders = {
        r[0]
        for r in atlas_build.sql(
            "SELECT model_id FROM atlas.atlas_nodes WHERE snapshot_date = ? AND is_placeholder", [SNAPSHOT]
        )
    }
    dangling = {
        r[0]
        for r in atlas_build.sql(
            "SELECT head FROM kg.kg_dangling_edges WHERE snapshot_date = ? AND lineage_source IS NOT NULL", [SNAPSHOT]
        )
    }
    assert GHOST in placeholders and placeholders == dangling
    stats = dict(atlas_build.sql("SELECT metric, value FROM atlas.prior_stats WHERE snapshot_date = ?", [SNAPSHOT]))
    assert stats["placeholder_nodes"] == len(placeholders)
    print("\nprior_stats:", {k: v for k, v in sorted(stats.items())})


def test_trends_cover_every_dated_model(atlas_build: AtlasBuild) -> None:
    (dated,) = atlas_build.sql(
        "SELECT count(*) FROM kg.models WHERE snapshot_date = ? AND created_at IS NOT NULL", [SNAPSHOT]
    )[0]
    (counted,) = atlas_build.sql(
        "SELECT sum(new_models) FROM atlas.atlas_monthly_new_models WHERE snapshot_date = ?", [SNAPSHOT]
    )[0]
    assert counted == dated
    planted = atlas_build.sql(
        "SELECT relation_type, new_models FROM atlas.atlas_monthly_new_models "
        "WHERE snapshot_date = ? AND month = DATE '2024-03-01' AND root_family = ?",
        [SNAPSHOT, atlas_build.id("R")],
    )
    assert planted == [("merge", 1)]
    (models,) = atlas_build.sql("SELECT count(*) FROM kg.models WHERE snapshot_date = ?", [SNAPSHOT])[0]
    (shared,) = atlas_build.sql(
        "SELECT sum(models) FROM atlas.atlas_modality_shares WHERE snapshot_date = ?", [SNAPSHOT]
    )[0]
    assert shared == models


def test_imputation_accuracy_and_no_overwrite(atlas_build: AtlasBuild) -> None:
    rows = atlas_build.sql(
        "SELECT attribute, evaluated_models, hub_accuracy, global_accuracy, paper_hub_accuracy, "
        "paper_global_accuracy FROM atlas.imputation WHERE snapshot_date = ? ORDER BY 1",
        [SNAPSHOT],
    )
    print("\nimputation (attribute, evaluated, hub, global, paper hub, paper global):")
    for row in rows:
        print("  ", row)
    assert {r[0] for r in rows} == {"pipeline_tag", "library_name", "license", "model_type", "relation_type"}
    by = {r[0]: r for r in rows}
    assert by["pipeline_tag"][2] > by["pipeline_tag"][3]  # siblings share their parent's task
    overwritten = atlas_build.sql(
        "SELECT count(*) FROM atlas.model_imputed AS i JOIN kg.models AS m ON m.id = i.model_id "
        "AND m.snapshot_date = i.snapshot_date WHERE i.snapshot_date = ? AND ("
        "(m.pipeline_tag IS NOT NULL AND i.pipeline_tag_imputed IS NOT NULL) OR "
        "(m.library_name IS NOT NULL AND i.library_name_imputed IS NOT NULL) OR "
        "(m.license IS NOT NULL AND i.license_imputed IS NOT NULL))",
        [SNAPSHOT],
    )
    assert overwritten == [(0,)]


def test_lineage_inference_evaluated(atlas_build: AtlasBuild) -> None:
    rows = atlas_build.sql(
        "SELECT cutoff, published, documented_models, proposals, correct, precision, recall, relation_accuracy "
        "FROM atlas.lineage_inference_eval WHERE snapshot_date = ? ORDER BY cutoff",
        [SNAPSHOT],
    )
    print("\nlineage inference (cutoff, published, documented, proposals, correct, precision, recall, relation):")
    for row in rows:
        print("  ", row)
    published = [r for r in rows if r[1]]
    assert len(published) == 1 and published[0][5] >= 0.7
    # the planted quantized model is named like nothing, the proposer must not invent a parent for it
    (invented,) = atlas_build.sql(
        "SELECT count(*) FROM atlas.inferred_lineage WHERE snapshot_date = ? AND model_id IN "
        "(SELECT model_id FROM atlas.atlas_edges WHERE snapshot_date = ?)",
        [SNAPSHOT, SNAPSHOT],
    )[0]
    assert invented == 0


def test_pictures_layout_and_page_cover_the_whole_forest(atlas_build: AtlasBuild) -> None:
    folder = atlas_build.run.settings.data_dir / "atlas" / SNAPSHOT
    png = (folder / "atlas.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 800 and height > 600  # 16 × 10 in at 100 dpi, cropped to the drawing
    svg = (folder / "atlas.svg").read_text(encoding="utf-8")
    assert "HubKG model atlas" in svg and "relation to parent" in svg  # title and legend stay text
    # every model with a parent or a child has a position, planted ones included
    (forest,) = atlas_build.sql(
        "SELECT count(*) FROM atlas.atlas_nodes WHERE snapshot_date = ? AND component_size > 1", [SNAPSHOT]
    )[0]
    placed = dict(atlas_build.sql("SELECT model_id, x FROM atlas.atlas_layout WHERE snapshot_date = ?", [SNAPSHOT]))
    assert len(placed) == forest and {atlas_build.id(n) for n in EXPECTED} <= placed.keys()
    data = json.loads(gzip.decompress((folder / "space" / "data.json.gz").read_bytes()))
    assert sorted(data["ids"]) == sorted(placed)
    event = next(
        e for e in atlas_build.run.result.get_asset_materialization_events() if e.asset_key.path[-1] == "atlas_picture"
    )
    metadata = event.materialization.metadata
    assert metadata["space"].value.endswith("/spaces/hubkg/hubkg-atlas")
    # the preview is a thumbnail: Dagster stores it three times per run (output, materialization, index)
    preview = base64.b64decode(re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", metadata["preview"].value)[1])
    assert preview[:8] == png[:8] and struct.unpack(">I", preview[16:20])[0] == 640 < width
    assert len(preview) < len(png) / 3


@pytest.fixture(scope="module")
def published_space(atlas_build: AtlasBuild) -> Iterator[HubEmulator]:
    """The emulator again on the run's storage: what the run published, served."""
    with HubEmulator(atlas_build.world, atlas_build.world.parent / "storage") as emulator:
        yield emulator


def test_space_published_tagged_and_linked_from_the_cards(atlas_build: AtlasBuild, published_space) -> None:
    assert "publish/atlas_space" in atlas_build.run.materialized()
    api = HfApi(endpoint=published_space.url)
    info = api.space_info("hubkg/hubkg-atlas", files_metadata=True)
    assert info.sdk == "static"
    assert {"index.html", "atlas.js", "data.json.gz", "README.md", "atlas.png"} <= {s.rfilename for s in info.siblings}
    tags = {t.name for t in api.list_repo_refs("hubkg/hubkg-atlas", repo_type="space").tags}
    assert f"snapshot-{SNAPSHOT}" in tags
    release = atlas_build.run.settings.data_dir / "releases"
    for repo in ("hubkg-graph", "hubkg-benchmarks"):
        card = (release / repo / SNAPSHOT / "README.md").read_text(encoding="utf-8")
        assert "[hubkg/hubkg-atlas](" in card and "/spaces/hubkg/hubkg-atlas)" in card


def test_browser_opens_the_published_space(atlas_build: AtlasBuild, published_space) -> None:
    from perf.atlas_page import chromium, open_atlas

    url = f"{published_space.url}/spaces/hubkg/hubkg-atlas/resolve/main/index.html"
    with chromium() as browser:
        page, first_render_ms = open_atlas(browser, url)
        print(f"\natlas page of the test world: first render {first_render_ms:.0f} ms")
        page.fill("#search", "atlasplant-Q")
        page.click("#results button.node")
        assert page.locator("#info h2 a").text_content() == atlas_build.id("Q")
        chain = page.locator("#info h3", has_text="Parent chain").locator("xpath=following-sibling::ul[1]")
        assert chain.locator("button").first.text_content() == atlas_build.id("M")
        page.select_option("#colour", "pipeline_tag")
        assert page.locator("#legend li").count() > 1
