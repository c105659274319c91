"""The atlas picture: the largest lineage components of one snapshot (the partition's), drawn like Model Atlas's figures
(colour = relation to the parent, size = downloads), as `atlas.png` plus a self-contained `atlas.html` (SVG with
a tooltip per model) under `<data_dir>/atlas/<snapshot>/`.

The structure comes from `atlas.atlas_nodes` / `atlas.atlas_edges` (dbt); this asset only lays out and renders.
The PNG is encoded here with numpy + zlib (no imaging library in the environment); force-directed layout is
networkx's, per component, on at most `MAX_NODES` nodes (the most downloaded sub-trees, as the paper draws the
top 30%).
"""

import base64
import html
import struct
import zlib
from pathlib import Path

import dagster as dg
import networkx as nx
import numpy as np
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.partitions import SNAPSHOT_DAYS, built_snapshot

MAX_COMPONENTS = 12
MAX_NODES = 3000
WIDTH, HEIGHT = 1600, 1000
BACKGROUND = (12, 14, 24)
EDGE_COLOUR = (70, 76, 96)
# Model Atlas's legend: Adapter / Fine-tune / Quantization / Merge / Root (+ ours: mixed parents, placeholder).
COLOURS = {
    "adapter": (244, 143, 177),
    "finetune": (100, 181, 246),
    "quantized": (129, 199, 132),
    "merge": (255, 183, 77),
    "root": (255, 241, 118),
    "mixed": (186, 104, 200),
    "placeholder": (158, 158, 158),
}


def png_bytes(pixels: np.ndarray) -> bytes:
    """An 8-bit RGB PNG of an (height, width, 3) uint8 array: signature, IHDR, one zlib IDAT, IEND."""
    height, width, _ = pixels.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, width * 3)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def select_nodes(con, snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes of the largest components (most downloaded sub-trees first, at most MAX_NODES) and their edges."""
    nodes = con.execute(
        """
        WITH top AS (
            SELECT component_id FROM atlas.atlas_nodes
            WHERE snapshot_date = ? AND component_size > 1
            GROUP BY component_id ORDER BY any_value(component_size) DESC, component_id LIMIT ?
        )
        SELECT model_id, component_id, component_root, component_size,
               CASE WHEN is_placeholder THEN 'placeholder' ELSE relation_type END AS colour,
               downloads, sub_tree_downloads, depth
        FROM atlas.atlas_nodes JOIN top USING (component_id)
        WHERE snapshot_date = ?
        ORDER BY sub_tree_downloads DESC, model_id LIMIT ?
        """,
        [snapshot, MAX_COMPONENTS, snapshot, MAX_NODES],
    ).df()
    edges = con.execute(
        "SELECT base_model_id, model_id, relation FROM atlas.atlas_edges WHERE snapshot_date = ? AND NOT breaks_cycle",
        [snapshot],
    ).df()
    kept = set(nodes["model_id"])
    return nodes, edges[edges["base_model_id"].isin(kept) & edges["model_id"].isin(kept)]


def layout(nodes: pd.DataFrame, edges: pd.DataFrame) -> np.ndarray:
    """(x, y) in [0, 1]² per node: a spring layout per component, components packed in rows by size."""
    sizes = nodes.groupby("component_id").size().sort_values(ascending=False)
    columns = int(np.ceil(np.sqrt(len(sizes) * WIDTH / HEIGHT)))
    rows = int(np.ceil(len(sizes) / columns))
    position = np.zeros((len(nodes), 2))
    index = pd.Series(np.arange(len(nodes)), index=nodes["model_id"])
    for k, component in enumerate(sizes.index):
        members = nodes["model_id"][nodes["component_id"] == component]
        graph = nx.Graph()
        graph.add_nodes_from(members)
        inside = edges[edges["model_id"].isin(members)]
        graph.add_edges_from(zip(inside["base_model_id"], inside["model_id"], strict=True))
        spread = nx.spring_layout(graph, seed=0, iterations=60)
        xy = np.array([spread[m] for m in members])
        xy = (xy - xy.min(axis=0)) / np.maximum(np.ptp(xy, axis=0), 1e-9) if len(xy) > 1 else xy * 0 + 0.5
        cell = np.array([k % columns, k // columns])
        position[index[members].to_numpy()] = (cell + 0.1 + 0.8 * xy) / [columns, rows]
    return position


def radius(downloads: pd.Series) -> np.ndarray:
    """Node radius in pixels, by download bucket like the paper (>0, >1k, >10k, >100k, >1M)."""
    return 2 + np.searchsorted([1, 1_000, 10_000, 100_000, 1_000_000], downloads.to_numpy(), side="right")


def render_png(nodes: pd.DataFrame, edges: pd.DataFrame, position: np.ndarray) -> bytes:
    canvas = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    canvas[:] = BACKGROUND
    pixel = np.round(position * [WIDTH - 1, HEIGHT - 1]).astype(int)
    index = pd.Series(np.arange(len(nodes)), index=nodes["model_id"])
    a = pixel[index[edges["base_model_id"]].to_numpy()]
    b = pixel[index[edges["model_id"]].to_numpy()]
    # Each edge as points one pixel apart, all edges at once.
    steps = np.maximum(np.abs(b - a).max(axis=1), 1) if len(a) else np.zeros(0, int)
    edge_of = np.repeat(np.arange(len(a)), steps + 1)
    first = np.cumsum(steps + 1) - (steps + 1)  # index of each edge's first point
    t = (np.arange(len(edge_of)) - first[edge_of]) / steps[edge_of]
    points = np.round(a[edge_of] + (b[edge_of] - a[edge_of]) * t[:, None]).astype(int)
    canvas[points[:, 1], points[:, 0]] = EDGE_COLOUR
    # Big nodes first, so small ones stay visible on top of them.
    sizes = radius(nodes["downloads"])
    colours = np.array([COLOURS[c] for c in nodes["colour"]], np.uint8)
    for r in sorted(set(sizes.tolist()), reverse=True):
        which = sizes == r
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if dx * dx + dy * dy <= r * r:
                    y = np.clip(pixel[which, 1] + dy, 0, HEIGHT - 1)
                    x = np.clip(pixel[which, 0] + dx, 0, WIDTH - 1)
                    canvas[y, x] = colours[which]
    return png_bytes(canvas)


def render_html(nodes: pd.DataFrame, edges: pd.DataFrame, position: np.ndarray, snapshot: str) -> str:
    xy = position * [WIDTH, HEIGHT]
    index = pd.Series(np.arange(len(nodes)), index=nodes["model_id"])
    lines = [
        f'<line x1="{xy[i, 0]:.1f}" y1="{xy[i, 1]:.1f}" x2="{xy[j, 0]:.1f}" y2="{xy[j, 1]:.1f}"/>'
        for i, j in zip(index[edges["base_model_id"]], index[edges["model_id"]], strict=True)
    ]
    circles = [
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="rgb{COLOURS[c]}"><title>{html.escape(m)} ({c}, '
        f"{d:,} downloads, sub-tree {s:,}, depth {depth})</title></circle>"
        for (x, y), r, m, c, d, s, depth in zip(
            xy,
            radius(nodes["downloads"]),
            nodes["model_id"],
            nodes["colour"],
            nodes["downloads"],
            nodes["sub_tree_downloads"],
            nodes["depth"],
            strict=True,
        )
    ]
    legend = " ".join(f'<span style="color:rgb{rgb}">● {name}</span>' for name, rgb in COLOURS.items())
    return (
        f"<!doctype html><meta charset='utf-8'><title>HubKG model atlas {snapshot}</title>"
        f"<body style='background:rgb{BACKGROUND};color:#ddd;font-family:sans-serif'>"
        f"<p>Model atlas, snapshot {snapshot}: {len(nodes):,} models. {legend}</p>"
        f"<svg viewBox='0 0 {WIDTH} {HEIGHT}' width='100%'><g stroke='rgb{EDGE_COLOUR}'>{''.join(lines)}</g>"
        f"<g>{''.join(circles)}</g></svg></body>"
    )


@dg.asset(
    key=["atlas", "atlas_picture"],
    group_name="atlas",
    deps=[dg.AssetKey(["atlas", "atlas_nodes"]), dg.AssetKey(["atlas", "atlas_edges"])],
    kinds={"duckdb", "python"},
    owners=["team:hubkg"],
    code_version="1",
    partitions_def=SNAPSHOT_DAYS,
)
def atlas_picture(
    context: dg.AssetExecutionContext, warehouse: DuckDBResource, data_dir: dg.ResourceParam[Path]
) -> dg.MaterializeResult:
    """The largest lineage components of the partition's snapshot drawn as a PNG and an interactive HTML page."""
    with warehouse.get_connection() as con:
        snapshot = built_snapshot(context, con, "atlas.atlas_nodes")
        nodes, edges = select_nodes(con, snapshot)
    folder = data_dir / "atlas" / snapshot.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    position = layout(nodes, edges)
    png = render_png(nodes, edges, position)
    (folder / "atlas.png").write_bytes(png)
    (folder / "atlas.html").write_text(render_html(nodes, edges, position, snapshot.isoformat()), encoding="utf-8")
    families = nodes.groupby("component_root", dropna=False)["component_size"].first().sort_values(ascending=False)
    return dg.MaterializeResult(
        metadata={
            "snapshot_date": snapshot.isoformat(),
            "png": dg.MetadataValue.path(str(folder / "atlas.png")),
            "html": dg.MetadataValue.path(str(folder / "atlas.html")),
            "nodes_drawn": dg.MetadataValue.int(len(nodes)),
            "edges_drawn": dg.MetadataValue.int(len(edges)),
            "components": dg.MetadataValue.json({str(k): int(v) for k, v in families.items()}),
            "preview": dg.MetadataValue.md(
                f"![atlas](data:image/png;base64,{base64.b64encode(png).decode()})\n\n"
                + " · ".join(f"{name}: rgb{rgb}" for name, rgb in COLOURS.items())
            ),
        }
    )


atlas_assets = [atlas_picture]
