"""The whole-forest layout: every node placed, and stable across snapshots (an unchanged component stays put)."""

import numpy as np
import pandas as pd
import pytest

from atlas.layout import Forest, layout
from perf.atlas_layout import synthetic_lineage

pytestmark = pytest.mark.fast

# An unchanged component may move by rounding only; positions are in units of about one node's spacing.
TOLERANCE = 1e-6


def _positions(nodes: pd.DataFrame, edges: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    forest = Forest.from_frames(nodes, edges)
    xy = layout(forest, previous)
    return pd.DataFrame({"model_id": forest.ids, "x": xy[:, 0], "y": xy[:, 1]})


def _members(nodes: pd.DataFrame, edges: pd.DataFrame) -> dict[frozenset[str], frozenset[tuple[str, str]]]:
    """Each component as (its members → its edges), to find the components two snapshots share unchanged."""
    by_component = nodes.groupby("component_id")["model_id"].agg(frozenset)
    component_of = nodes.set_index("model_id")["component_id"]
    edge_sets = edges.groupby(edges["model_id"].map(component_of)).apply(
        lambda e: frozenset(zip(e["base_model_id"], e["model_id"], strict=True))
    )
    return {by_component[c]: edge_sets.get(c, frozenset()) for c in by_component.index}


def test_every_node_is_placed_apart() -> None:
    nodes, edges = synthetic_lineage(5_000)
    placed = _positions(nodes, edges)
    assert len(placed) == len(nodes)
    xy = placed[["x", "y"]].to_numpy()
    assert np.isfinite(xy).all()
    # distinct positions (a node on top of another would hide it)
    assert len(np.unique(np.round(xy, 6), axis=0)) == len(xy)


def test_unchanged_components_keep_their_place_and_new_ones_do_not_land_on_them() -> None:
    before_nodes, before_edges = synthetic_lineage(5_000, grown=100)
    after_nodes, after_edges = synthetic_lineage(5_100)
    before = _positions(before_nodes, before_edges)
    after = _positions(after_nodes, after_edges, previous=before)
    old, new = _members(before_nodes, before_edges), _members(after_nodes, after_edges)
    unchanged = [members for members, edges in new.items() if old.get(members) == edges]
    assert len(unchanged) > 100  # most families gained no model in a day
    ids = sorted(set().union(*unchanged))
    shift = after.set_index("model_id").loc[ids, ["x", "y"]] - before.set_index("model_id").loc[ids, ["x", "y"]]
    moved = np.hypot(shift["x"], shift["y"])
    assert moved.max() < TOLERANCE
    # Families that are new this snapshot go outside everything placed before.
    brand_new = sorted(set().union(*(m for m in new if not m & set(before["model_id"]))))
    assert brand_new
    radius_before = np.hypot(before["x"], before["y"]).max()
    new_xy = after.set_index("model_id").loc[brand_new]
    assert np.hypot(new_xy["x"], new_xy["y"]).min() > 0.9 * radius_before


def test_a_grown_component_stays_near_where_it_was() -> None:
    nodes = pd.DataFrame({"model_id": ["a/root", "a/child", "a/grandchild"], "component_id": ["a/child"] * 3})
    edges = pd.DataFrame({"base_model_id": ["a/root", "a/child"], "model_id": ["a/child", "a/grandchild"]})
    before = _positions(nodes.iloc[:2], edges.iloc[:1])
    after = _positions(nodes, edges, previous=before).set_index("model_id")
    shift = after.loc[before["model_id"]].to_numpy() - before.set_index("model_id").to_numpy()
    assert np.hypot(*shift.T).max() < 3  # a few node spacings, not across the map


def test_an_edge_to_an_unknown_node_is_refused() -> None:
    nodes = pd.DataFrame({"model_id": ["a/x"], "component_id": ["a/x"]})
    edges = pd.DataFrame({"base_model_id": ["a/ghost"], "model_id": ["a/x"]})
    with pytest.raises(ValueError, match="edge end"):
        Forest.from_frames(nodes, edges)
