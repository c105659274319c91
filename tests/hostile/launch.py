"""A pipeline launch in a process of its own: `hold <data> <seconds>` materializes an asset that keeps the warehouse
for a while; `crawl <data>` materializes the real `raw/tasks` asset; `raw <data> <endpoint> <max file bytes>` the
whole raw layer with every file it writes capped at that size (a full disk). Prints the run's failure message."""

import resource
import signal
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
    endpoint = sys.argv[3] if mode == "raw" else "http://127.0.0.1:9"
    resources = build_resources(Settings(endpoint=endpoint, data_dir=data_dir, page_size=20))
    if mode == "raw":
        # A write past the cap fails with EFBIG, as on a full disk (instead of the default SIGXFSZ kill).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = int(sys.argv[4])
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        assets = raw_assets
    elif mode == "hold":
        assets = [holds_the_warehouse]
    else:
        assets = [a for a in raw_assets if dg.AssetKey(["raw", "tasks"]) in a.keys]
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
