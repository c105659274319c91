"""Requests of a full snapshot against an incremental refresh after a simulated day, per entity family.

    .venv/bin/python perf/refresh_requests.py --nodes 26143 [--seed 0] [--churn 0.01] [--work /tmp/hubkg-bench]

Crawls the generated world in full (`group:raw`, one `dagster asset materialize` process), makes the day after it
(`python -m hub_emulator mutate`), and refreshes the same warehouse against that day. Each crawl is served by its
own emulator process with a request log; the figures are that log's GET requests per family.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from crawl_requests import FAMILIES, minimum, requests_by_family
from pipeline_stages import ROOT, ensure_world, materialize

from orchestration.emulator_process import pipeline_environment, running_emulator

SNAPSHOTS = ("2026-11-22", "2026-11-23")


def crawl(world: Path, run_dir: Path, snapshot: str) -> tuple[Path, float, float]:
    """Snapshot `world` as `snapshot` into `run_dir`: (request log, wall seconds, peak RSS MiB)."""
    log = run_dir / f"requests-{snapshot}.jsonl"
    with running_emulator(world, run_dir / f"hub-{snapshot}", log=log) as url:
        env = {**pipeline_environment(url, run_dir / "dagster_home"), "HUBKG_DATA_DIR": str(run_dir)}
        wall, rss, _cpu = materialize("group:raw", snapshot, env)
    return log, wall, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--churn", type=float, default=0.01)
    parser.add_argument("--work", type=Path, default=Path("/tmp/hubkg-bench"))
    args = parser.parse_args()
    world = ensure_world(args.work, args.nodes, args.seed)
    day = args.work / f"world-{args.nodes}-{args.seed}-day-{args.churn}"
    if not (day / "world.json").exists():
        subprocess.run(
            [sys.executable, "-m", "hub_emulator", "mutate", "--world", str(world), "--out", str(day)],
            check=True,
            cwd=ROOT,
        )
    run_dir = args.work / f"refresh-{args.nodes}-{args.seed}-{int(time.time())}"
    run_dir.mkdir(parents=True)
    full_log, full_wall, full_rss = crawl(world, run_dir, SNAPSHOTS[0])
    refresh_log, refresh_wall, refresh_rss = crawl(day, run_dir, SNAPSHOTS[1])
    full, refresh = requests_by_family(full_log), requests_by_family(refresh_log)
    need = minimum(world, 1000, 1000, SNAPSHOTS[0])
    changes = json.loads((day / "world.json").read_text())["changes"]
    print(f"world: {args.nodes} nodes, seed {args.seed}; day after: churn {args.churn}, changes {changes}")
    print("| family | full snapshot | strategy minimum | refresh | refresh / full |\n|---|---|---|---|---|")
    for name, _ in FAMILIES:
        print(f"| {name} | {full[name]} | {need[name]} | {refresh[name]} | {refresh[name] / max(full[name], 1):.3f} |")
    total_full, total_refresh = sum(full.values()), sum(refresh.values())
    print(
        f"| **total** | {total_full} | {sum(need.values())} | {total_refresh} | {total_refresh / total_full:.3f} |\n"
        f"wall: full {full_wall:.1f} s ({full_rss:.0f} MiB), refresh {refresh_wall:.1f} s ({refresh_rss:.0f} MiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
