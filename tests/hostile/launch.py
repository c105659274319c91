"""A pipeline launch in a process of its own, for the one-writer tests: `hold` materializes an asset that keeps the
warehouse for a few seconds; `crawl` materializes the real `raw/tasks` asset. Prints the run's failure message."""

import sys
import time
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.partitions import SNAPSHOT_DAYS
from assets.raw import raw_assets
from orchestration.resources import build_resources
from orchestration.settings import Settings


@dg.asset(partitions_def=SNAPSHOT_DAYS)
def holds_the_warehouse(warehouse: DuckDBResource) -> None:
    with warehouse.get_connection() as con:
        con.execute("CREATE TABLE IF NOT EXISTS held AS SELECT 1 AS x")
    print("holding", flush=True)
    time.sleep(float(sys.argv[3]))


def main() -> int:
    mode, data_dir = sys.argv[1], Path(sys.argv[2])
    resources = build_resources(Settings(endpoint="http://127.0.0.1:9", data_dir=data_dir))
    assets = (
        [holds_the_warehouse] if mode == "hold" else [a for a in raw_assets if dg.AssetKey(["raw", "tasks"]) in a.keys]
    )
    result = dg.materialize(
        assets,
        resources=resources,
        instance=dg.DagsterInstance.ephemeral(),
        partition_key="2026-11-22",
        raise_on_error=False,
    )
    for event in result.all_events:
        if event.is_failure and event.event_specific_data is not None:
            error = getattr(event.event_specific_data, "error", None)
            while error is not None and error.cause is not None:  # the root cause: what the user is told
                error = error.cause
            if error is not None:
                print("FAILURE:", error.message.strip().splitlines()[-1], flush=True)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
