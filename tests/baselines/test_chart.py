"""The leaderboard chart across snapshots: one line per baseline and panel, values placed on a 0–1 axis."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from baselines.chart import PANEL_H, render_svg

pytestmark = pytest.mark.fast

SVG = "{http://www.w3.org/2000/svg}"


def test_a_line_per_baseline_across_snapshots() -> None:
    rows = [
        (date(2026, 11, 1), "recommendation", "random", "EASE", "recall@20", 0.25),
        (date(2026, 11, 8), "recommendation", "random", "EASE", "recall@20", 0.5),
        (date(2026, 11, 1), "recommendation", "random", "MostPop", "recall@20", 0.1),
        (date(2026, 11, 8), "recommendation", "random", "MostPop", "ndcg@20", 0.9),  # not the headline metric
        (date(2026, 11, 8), "tracing", "random", "TransE", "mrr", 1.0),
    ]
    svg = ET.fromstring(render_svg(rows))
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 1  # EASE has two snapshots; MostPop's recall and TransE one point each
    (first, second) = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    assert first[0] < second[0] and second[1] - 30 == PANEL_H * 0.5  # y runs down from the panel top (30)
    assert len(svg.findall(f"{SVG}circle")) == 4
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert "EASE 0.500" in labels and "TransE 1.000" in labels and "2026-11-08" in labels
