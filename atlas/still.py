"""The still picture of the whole lineage forest, drawn with matplotlib: PNG and SVG.

Points and edges are rasterised inside the SVG too (millions of vector circles would make it unusable), while the
title, legend and family labels stay vector text. The picture has its own opaque, light-grey background and dark
text with a light halo, so it reads the same on a light or a dark page.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from PIL import Image  # noqa: E402

from atlas.frame import LineageForest  # noqa: E402
from release.sanitize import card_text  # noqa: E402

# Model Atlas's legend: Adapter / Fine-tune / Quantization / Merge / Root (+ ours: mixed parents, placeholder).
RELATION_COLOURS = {
    "root": "#e6b400",
    "finetune": "#1f77b4",
    "adapter": "#d6336c",
    "quantized": "#2b9348",
    "merge": "#f76707",
    "mixed": "#7048e8",
    "placeholder": "#868e96",
}
BACKGROUND = "#eef0f3"
INK = "#1c1f26"
LABELLED_FAMILIES = 8
DOWNLOAD_BUCKETS = [1, 1_000, 10_000, 100_000, 1_000_000]


def marker_area(downloads: pd.Series) -> np.ndarray:
    """Marker area (pt²) by download bucket like the paper (>0, >1k, >10k, >100k, >1M), smaller when there are
    many points, so a big forest does not turn into one blot."""
    bucket = np.searchsorted(DOWNLOAD_BUCKETS, downloads.to_numpy(), side="right")
    scale = float(np.clip(20_000 / max(len(downloads), 1), 0.02, 1.0))
    return 4.0 * scale * (1 + bucket) ** 2


def _colours(relations: pd.Series) -> np.ndarray:
    """RGBA per node, by indexing a small palette: matplotlib parsing millions of colour names takes minutes."""
    codes, names = pd.factorize(relations)
    palette = np.array([to_rgba(RELATION_COLOURS.get(str(name), "#000000")) for name in names]).reshape(-1, 4)
    return palette[codes]


def _edge_segments(forest: LineageForest) -> np.ndarray:
    index = pd.Index(forest.nodes["model_id"])
    xy = forest.nodes[["x", "y"]].to_numpy()
    a = xy[index.get_indexer(forest.edges["base_model_id"])]
    b = xy[index.get_indexer(forest.edges["model_id"])]
    return np.stack([a, b], axis=1)


def families(forest: LineageForest, count: int = LABELLED_FAMILIES) -> pd.DataFrame:
    """The largest components: family name (root id), size, and where to write it (its family root)."""
    nodes = forest.nodes
    sizes = nodes.groupby("component_id").agg(size=("model_id", "size"), root=("component_root", "first"))
    top = sizes.sort_values(["size", "root"], ascending=[False, True]).head(count)
    at = nodes.set_index("model_id")[["x", "y"]]
    top = top.join(at, on="root")
    return top.reset_index()


def _legend(axes: plt.Axes, nodes: pd.DataFrame) -> None:
    counts = nodes["relation_type"].value_counts()
    handles = [
        Line2D([], [], ls="", marker="o", ms=7, color=colour, label=f"{name} ({counts.get(name, 0):,})")
        for name, colour in RELATION_COLOURS.items()
        if counts.get(name, 0)
    ]
    legend = axes.legend(
        handles=handles, title="relation to parent", loc="upper left", frameon=True, fontsize=9, title_fontsize=9
    )
    legend.get_frame().set_facecolor("white")
    legend.get_frame().set_alpha(0.85)


def draw(forest: LineageForest) -> tuple[bytes, bytes]:
    """(PNG, SVG) of the forest: edges, nodes coloured by relation and sized by downloads, labelled families."""
    nodes = forest.nodes
    figure, axes = plt.subplots(figsize=(16, 10), dpi=100, facecolor=BACKGROUND)
    axes.set_facecolor(BACKGROUND)
    axes.set_axis_off()
    axes.set_aspect("equal")
    edges = LineCollection(_edge_segments(forest), colors="#5c6370", linewidths=0.3, alpha=0.35, rasterized=True)
    axes.add_collection(edges)
    order = np.argsort(-marker_area(nodes["downloads"]), kind="stable")  # small markers on top of big ones
    axes.scatter(
        nodes["x"].to_numpy()[order],
        nodes["y"].to_numpy()[order],
        s=marker_area(nodes["downloads"])[order],
        c=_colours(nodes["relation_type"])[order],
        linewidths=0,
        rasterized=True,
    )
    if len(nodes):
        axes.autoscale_view()
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for family in families(forest).itertuples():
        axes.annotate(
            f"{card_text(family.root, 60)} ({family.size:,})",
            (family.x, family.y),
            fontsize=9,
            color=INK,
            path_effects=halo,
            ha="center",
            va="bottom",
        )
    _legend(axes, nodes)
    axes.set_title(
        f"HubKG model atlas — snapshot {forest.snapshot.isoformat()}: {len(nodes):,} models with lineage in "
        f"{nodes['component_id'].nunique():,} families (size = downloads)",
        color=INK,
        fontsize=13,
    )
    pictures = []
    # A fixed salt for the SVG's element ids: the same forest gives the same bytes (no needless re-publish).
    with plt.rc_context({"svg.hashsalt": "hubkg-atlas"}):
        for kind in ("png", "svg"):
            buffer = io.BytesIO()
            figure.savefig(buffer, format=kind, facecolor=BACKGROUND, bbox_inches="tight", metadata=_metadata(kind))
            pictures.append(buffer.getvalue())
    plt.close(figure)
    return pictures[0], pictures[1]


def thumbnail(png: bytes, width: int = 640, colours: int = 64) -> bytes:
    """A PNG of `png` at most `width` pixels wide, in a palette of `colours`: the preview Dagster stores with every
    materialization (three times: as output, as materialization and in the index), where the full picture cost
    ≈ 2.2 MB a run. Downscaling alone saves little (smoothing adds colours); the palette makes it 4–10× smaller."""
    with Image.open(io.BytesIO(png)) as picture:
        picture.thumbnail((width, width))
        small = picture.convert("RGB").quantize(colors=colours)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _metadata(kind: str) -> dict[str, str | None]:
    # No creation date or software version in the files: the same snapshot gives the same bytes.
    return {"Software": None} if kind == "png" else {"Date": None, "Creator": None}
