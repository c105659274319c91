"""What the staging layer reads, per raw source and snapshot, as fingerprints that do not depend on how raw stores
it: every row of `raw.<source>` (staging's only input) but `observed_at`, with the body compared as parsed JSON.

`python -m tests.crawl.raw_fingerprint OUT.json` plays the three-day run of `test_raw_by_content.py` and writes its
fingerprints; `raw_fingerprints_before.json` was recorded so with main's code at 088a16a (the generator with issue
30's lineage signals), whose raw layer still held a whole copy of every body per snapshot (this module copied into a
clone of main, run with its venv).
"""

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from hub_emulator.server import HubEmulator
from hub_emulator.worldgen.generate import generate_world
from hub_emulator.worldgen.mutate import mutate_world
from tests.crawl.conftest import snapshot_raw

DAYS = ("2026-11-22", "2026-11-23", "2026-11-24")
NODES = 800
BOOKKEEPING = ("crawl_state", "quarantine", "fetch_queue")


def raw_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The raw sources staging reads (tables in the old layout, views over references and bodies now)."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' "
        "AND table_name NOT LIKE '%\\_\\_%' ESCAPE '\\' ORDER BY 1"
    ).fetchall()
    return [name for (name,) in rows if name not in BOOKKEEPING]


def fingerprints(warehouse: Path) -> dict[str, dict[str, object]]:
    """`{"<source> <day>": {"rows": n, "sha256": digest}}` over each row's columns but observed_at."""
    out: dict[str, dict[str, object]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for source in raw_sources(con):
            columns = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' "
                    "AND table_name = ? ORDER BY ordinal_position",
                    [source],
                ).fetchall()
                if c not in ("observed_at", "rowid", "body", "stored_body", "counters")  # the body's stored parts
            ]
            for day in DAYS:
                rows = con.execute(
                    f"SELECT {', '.join(columns)}, body::VARCHAR FROM raw.{source} WHERE snapshot_date = ?", [day]
                ).fetchall()
                lines = sorted(
                    json.dumps([str(v) for v in row[:-1]] + [json.loads(row[-1])], sort_keys=True) for row in rows
                )
                digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
                out[f"{source} {day}"] = {"rows": len(lines), "sha256": digest}
    return out


def three_days(work: Path, after_day: Callable[[Path, str], None] | None = None) -> Path:
    """Generate a small world, crawl it, mutate it twice (1% churn; no counter drift, which the recorded
    commit's mutation did not have) and crawl each day, calling `after_day(warehouse, snapshot)` after each crawl
    (its snapshot is then the newest: not folded yet); returns the warehouse."""
    worlds = [work / "day0"]
    generate_world(worlds[0], nodes=NODES, seed=25)
    for day in (1, 2):
        worlds.append(work / f"day{day}")
        mutate_world(worlds[day - 1], worlds[day], 0.01, seed=day, counter_drift=0.0)  # as recorded
    data = work / "data"
    for world, snapshot in zip(worlds, DAYS, strict=True):
        with HubEmulator(world, work / f"hub-{snapshot}") as hub:
            assert snapshot_raw(hub.url, data, snapshot).success
        if after_day:
            after_day(data / "hubkg.duckdb", snapshot)
    return data / "hubkg.duckdb"


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        prints = fingerprints(three_days(Path(tmp)))
    Path(sys.argv[1]).write_text(json.dumps(prints, indent=1, sort_keys=True) + "\n")
