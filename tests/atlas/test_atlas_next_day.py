"""Two days' atlases can be compared by eye: the day after the atlas build (a mutated world, 2% churn), run by the
real pipeline on a copy of that build, every component whose members and edges did not change keeps its place."""

import shutil

import duckdb
import numpy as np
import pytest

from hub_emulator.worldgen.mutate import mutate_world
from tests.atlas.conftest import SNAPSHOT, AtlasBuild
from tests.pipeline.conftest import PipelineRun, refresh_world

NEXT_DAY = "2026-11-16"
TOLERANCE = 1e-6  # positions are in node spacings; an unchanged component may move by rounding only


@pytest.fixture(scope="module")
def next_day(atlas_build: AtlasBuild, tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    work = tmp_path_factory.mktemp("atlas-next-day")
    shutil.copytree(atlas_build.run.settings.data_dir, work / "data")
    shutil.copytree(atlas_build.world.parent / "storage", work / "storage")
    mutate_world(atlas_build.world, work / "world", churn=0.02, seed=3)
    return refresh_world(work / "world", work / "storage", work / "data", snapshot=NEXT_DAY)


def _components(con: duckdb.DuckDBPyConnection, snapshot: str) -> dict[frozenset, frozenset]:
    """Each component of the forest as its member set → its edge set."""
    rows = con.execute(
        """
        SELECT list(DISTINCT n.model_id ORDER BY n.model_id),
               list(DISTINCT e.base_model_id || ' -> ' || e.model_id) FILTER (WHERE e.model_id IS NOT NULL)
        FROM atlas.atlas_nodes AS n
        LEFT JOIN atlas.atlas_edges AS e
            ON e.model_id = n.model_id AND e.snapshot_date = n.snapshot_date AND NOT e.breaks_cycle
        WHERE n.snapshot_date = ? AND n.component_size > 1
        GROUP BY n.component_id
        """,
        [snapshot],
    ).fetchall()
    return {frozenset(members): frozenset(edges or []) for members, edges in rows}


def test_unchanged_components_keep_their_place(next_day: PipelineRun) -> None:
    assert "atlas/atlas_picture" in next_day.materialized()
    with duckdb.connect(str(next_day.settings.warehouse_path), read_only=True) as con:
        before, after = _components(con, SNAPSHOT), _components(con, NEXT_DAY)
        unchanged = [members for members, edges in after.items() if before.get(members) == edges]
        changed = [members for members in after if members not in before]
        assert unchanged and changed  # the day changed some families and left others alone
        ids = sorted(set().union(*unchanged))
        positions = con.execute(
            """
            SELECT a.x - b.x, a.y - b.y FROM atlas.atlas_layout AS a
            JOIN atlas.atlas_layout AS b ON b.model_id = a.model_id AND b.snapshot_date = ?
            WHERE a.snapshot_date = ? AND list_contains(?, a.model_id)
            """,
            [SNAPSHOT, NEXT_DAY, ids],
        ).fetchnumpy()
    moved = np.hypot(*positions.values())
    assert len(moved) == len(ids)
    assert moved.max() < TOLERANCE
    event = next(
        e for e in next_day.result.get_asset_materialization_events() if e.asset_key.path[-1] == "atlas_picture"
    )
    assert event.materialization.metadata["components_seeded_from_previous_layout"].value >= len(unchanged)
