"""The leaderboard chart across snapshots (matplotlib): one panel per benchmark, one line per baseline, a note in
a panel without scores that says why, PNG + SVG with the same bytes for the same scores."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from matplotlib.lines import Line2D
from PIL import Image

from baselines.chart import HEADLINE, draw, save

pytestmark = pytest.mark.fast

ROWS = [
    (date(2026, 11, 1), "recommendation", "random", "EASE", "recall@20", 0.25),
    (date(2026, 11, 8), "recommendation", "random", "EASE", "recall@20", 0.5),
    (date(2026, 11, 1), "recommendation", "random", "MostPop", "recall@20", 0.1),
    (date(2026, 11, 8), "recommendation", "random", "MostPop", "ndcg@20", 0.9),  # not the headline metric
    (date(2026, 11, 8), "classification", "time", "TfidfLogReg", "micro_f1", 0.8),
]
NOTES = {"tracing": "the random split has no test rows on 2026-11-08"}


def test_a_panel_per_benchmark_a_line_per_baseline_and_a_note_where_nothing_scored() -> None:
    figure = draw(ROWS, NOTES)
    panels = figure.axes
    assert [a.get_title() for a in panels] == [f"{b} ({v} split)" for b, (v, _) in HEADLINE.items()]
    lines = {line.get_label(): line for line in panels[0].get_lines() if isinstance(line, Line2D)}
    assert set(lines) == {"EASE (0.500)", "MostPop (0.100)"}
    assert list(lines["EASE (0.500)"].get_ydata()) == [0.25, 0.5] and list(lines["EASE (0.500)"].get_xdata()) == [0, 1]
    assert [t.get_text() for t in panels[0].get_xticklabels()] == ["2026-11-01", "2026-11-08"]
    assert [t.get_text() for t in panels[1].texts] == []  # it has a score: no note
    (note,) = panels[2].texts
    assert note.get_text().startswith("no scores:") and "no test rows" in note.get_text().replace("\n", " ")


def test_png_and_svg_are_written_and_deterministic(tmp_path) -> None:
    first = save(ROWS, NOTES, tmp_path / "a" / "leaderboard")
    second = save(ROWS, NOTES, tmp_path / "b" / "leaderboard")
    assert [p.name for p in first] == ["leaderboard.png", "leaderboard.svg"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    with Image.open(first[0]) as png:
        assert png.format == "PNG" and png.width > 2 * png.height
        assert png.getpixel((2, 2))[:3] == (255, 255, 255)  # opaque white: readable on dark pages too
    svg = ET.parse(first[1]).getroot()
    texts = "".join(svg.itertext())
    assert "EASE (0.500)" in texts and "no scores:" in texts and "tracing (random split)" in texts
