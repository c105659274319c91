"""The leaderboard across snapshots as an SVG chart: one panel per benchmark (its headline metric), one line per
baseline. Plain SVG text, so it needs no plotting library and renders on the Hub and in the Dagster UI."""

from __future__ import annotations

from datetime import date
from html import escape

# benchmark → (variant, metric) shown
HEADLINE = {
    "recommendation": ("random", "recall@20"),
    "classification": ("time", "micro_f1"),
    "tracing": ("random", "mrr"),
}
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
PANEL_W, PANEL_H, MARGIN = 300, 220, 40


def render_svg(scores: list[tuple[date, str, str, str, str, float]]) -> str:
    """`scores`: (snapshot_date, benchmark, variant, method, metric, value) rows, any snapshots."""
    snapshots = sorted({row[0] for row in scores})
    parts = []
    for p, (benchmark, (variant, metric)) in enumerate(HEADLINE.items()):
        x0 = p * (PANEL_W + MARGIN) + MARGIN
        parts.append(
            f'<text x="{x0}" y="20" font-size="13" font-weight="bold">{benchmark}: {escape(metric)} ({variant})</text>'
            f'<rect x="{x0}" y="30" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>'
        )
        for tick in (0.0, 0.5, 1.0):
            y = 30 + PANEL_H * (1 - tick)
            parts.append(f'<text x="{x0 - 4}" y="{y + 4}" font-size="10" text-anchor="end">{tick:.1f}</text>')
        methods = sorted({r[3] for r in scores if r[1] == benchmark and r[2] == variant and r[4] == metric})
        for m, method in enumerate(methods):
            points = [
                (snapshots.index(r[0]), r[5])
                for r in sorted(scores)
                if r[1] == benchmark and r[2] == variant and r[3] == method and r[4] == metric
            ]
            xy = [(x0 + PANEL_W * (i + 0.5) / len(snapshots), 30 + PANEL_H * (1 - value)) for i, value in points]
            colour = COLOURS[m % len(COLOURS)]
            if len(xy) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in xy]
            parts.append(  # legend under the panel, with the latest score
                f'<text x="{x0}" y="{30 + PANEL_H + 32 + 14 * m}" font-size="11" fill="{colour}">{escape(method)}'
                f" {points[-1][1]:.3f}</text>"
            )
        for i in {0, len(snapshots) - 1}:
            x = x0 + PANEL_W * (i + 0.5) / max(len(snapshots), 1)
            label = snapshots[i].isoformat() if snapshots else ""
            parts.append(
                f'<text x="{x:.1f}" y="{30 + PANEL_H + 14}" font-size="10" text-anchor="middle">{label}</text>'
            )
    width = len(HEADLINE) * (PANEL_W + MARGIN) + MARGIN
    legend_rows = max((len({r[3] for r in scores if r[1] == b}) for b in HEADLINE), default=0)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{PANEL_H + 50 + 14 * legend_rows}" '
        f'font-family="sans-serif">{"".join(parts)}</svg>\n'
    )
