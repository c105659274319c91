"""The leaderboard across snapshots, drawn with matplotlib: one panel per benchmark (its headline metric on its
headline split), one line per baseline, and a note in the panel itself when it has no score and why.

Written as PNG (card, Dagster UI) and SVG (scalable), on an opaque white background so it reads on light and dark
pages alike; the same scores give the same bytes (no dates or random ids in the files).
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

# benchmark → (variant, metric) shown
HEADLINE = {
    "recommendation": ("random", "recall@20"),
    "classification": ("time", "micro_f1"),
    "tracing": ("random", "mrr"),
}
FORMATS = ("png", "svg")

Scores = list[tuple[date, str, str, str, str, float]]


def draw(scores: Scores, notes: dict[str, str]) -> Figure:
    """`scores`: (snapshot_date, benchmark, variant, method, metric, value) rows, any snapshots; `notes`:
    benchmark → why it has no score (shown in its panel when it has none)."""
    snapshots = sorted({row[0] for row in scores})
    figure = Figure(figsize=(4.2 * len(HEADLINE), 3.6), facecolor="white", layout="constrained")
    figure.suptitle("HubKG baseline leaderboard across snapshots", fontsize=12)
    for axes, (benchmark, (variant, metric)) in zip(figure.subplots(1, len(HEADLINE)), HEADLINE.items(), strict=True):
        axes.set_facecolor("white")
        axes.set_title(f"{benchmark} ({variant} split)", fontsize=10)
        axes.set_ylabel(metric)
        axes.set_ylim(0, 1)
        axes.grid(True, axis="y", color="#dddddd")
        series: dict[str, list[tuple[int, float]]] = {}
        for when, bench, var, method, name, value in sorted(scores):
            if (bench, var, name) == (benchmark, variant, metric):
                series.setdefault(method, []).append((snapshots.index(when), value))
        for method, points in sorted(series.items()):
            xs, ys = zip(*points, strict=True)
            axes.plot(xs, ys, marker="o", label=f"{method} ({ys[-1]:.3f})")
        axes.set_xticks(range(len(snapshots)), [s.isoformat() for s in snapshots], rotation=30, fontsize=7)
        axes.set_xlim(-0.5, max(len(snapshots) - 0.5, 0.5))
        if series:
            axes.legend(fontsize=7, loc="upper left")
        else:
            reason = notes.get(benchmark, "no scores on any snapshot")
            axes.text(
                0.5,
                0.5,
                "no scores:\n" + textwrap.fill(reason, 32),
                transform=axes.transAxes,
                ha="center",
                va="center",
                fontsize=9,
                color="#a33",
                bbox={"boxstyle": "round", "facecolor": "#fff4f4", "edgecolor": "#a33"},
            )
    return figure


def save(scores: Scores, notes: dict[str, str], stem: Path) -> list[Path]:
    """Write `<stem>.png` and `<stem>.svg` (each replaced atomically); their paths."""
    figure = draw(scores, notes)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    with mpl.rc_context({"svg.hashsalt": "hubkg", "svg.fonttype": "none"}):
        for fmt in FORMATS:
            target = stem.with_suffix(f".{fmt}")
            partial = stem.with_suffix(f".{fmt}.tmp")
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            figure.savefig(partial, format=fmt, dpi=110, metadata=metadata)
            partial.replace(target)
            written.append(target)
    return written
