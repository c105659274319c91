"""Bytes on disk per day of an `orchestration.demo_days` run, as Markdown, with the year it extrapolates to.

    .venv/bin/python perf/history_days.py --json days.json [--steady-from 9] [--scale-to 2614270 --nodes 26143]

Reads the per-day figures `demo_days --json` wrote and prints: each day's bytes added per directory and as a share
of day 0; the warehouse's bytes in use (the file less its free blocks, which DuckDB fills before the file grows);
kg rows written against kg_changes; then the mean bytes added per day from `--steady-from` on (the days after
every retention window is full: the default keeps 7 days, so from day 9) and a year of daily snapshots at
`--scale-to` nodes: the last day's footprint plus 365 steady days. The data directories are scaled by
`--scale-to / --nodes` (their rows grow with the world); Dagster's storage, dbt's artifacts and the Data Docs are
not (they hold one record per asset, model or expectation, whatever the rows). That linear scaling is the
extrapolation's assumption, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

# Directories whose size follows the number of assets, models and checks, not the number of rows.
UNSCALED = ("DAGSTER_HOME", "dbt_target", "gx")
WAREHOUSE = "hubkg.duckdb"
MB = 1e6


def total(day: dict) -> int:
    return sum(day["bytes"].values())


def used(day: dict) -> int:
    return day["bytes"][WAREHOUSE] - day["warehouse_free"]


def day_table(days: list[dict]) -> list[str]:
    directories = [d for d in days[0]["bytes"] if not d.endswith(".lock")]
    head = ["day", "requests", "wall s", "all MB", "added MB", "% of day 0", "warehouse in use", *directories]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for index, day in enumerate(days):
        before = days[index - 1] if index else None
        added = total(day) - (total(before) if before else 0)
        cells = [
            f"{(day['bytes'][d] - (before['bytes'][d] if before else 0)) / MB:+.2f}"
            if before
            else f"{day['bytes'][d] / MB:.1f}"
            for d in directories
        ]
        in_use = f"{(used(day) - used(before)) / MB:+.2f}" if before else f"{used(day) / MB:.1f}"
        lines.append(
            f"| {index} ({day['snapshot']}) | {day['requests']:,} | {day['seconds']:.1f} | {total(day) / MB:.1f} | "
            f"{added / MB:+.2f} | {100 * added / total(days[0]):.1f}% | {in_use} | " + " | ".join(cells) + " |"
        )
    return lines


def kg_ratio(days: list[dict]) -> str:
    ratios = []
    for day in days[1:]:
        written = day["kg_written"]
        ratios.append(
            ((written["history"] + written["counters"]) / day["kg_changes"], sum(written.values()) / day["kg_changes"])
        )
    held, every = zip(*ratios, strict=True)
    return (
        f"kg rows written per day / kg_changes: history + counters {min(held):.2f}–{max(held):.2f}×, every kg row "
        f"(bookkeeping included, and the change log's rows while it was stored) {min(every):.2f}–{max(every):.2f}× "
        f"(days 1–{len(days) - 1})"
    )


def year(days: list[dict], steady_from: int, factor: float) -> list[str]:
    steady = days[steady_from:]
    if len(steady) < 2:
        return [f"fewer than two days from day {steady_from}: no steady mean"]
    span = len(steady) - 1
    first, last = steady[0], steady[-1]
    per_day = {d: (last["bytes"][d] - first["bytes"][d]) / span for d in last["bytes"]}
    added = [total(b) - total(a) for a, b in zip(steady, steady[1:], strict=False)]
    mean = sum(per_day.values())
    scaled_day = sum(v * (1 if d in UNSCALED else factor) for d, v in per_day.items())
    footprint = sum(v * (1 if d in UNSCALED else factor) for d, v in last["bytes"].items())
    in_use = (used(last) - used(first)) / span
    return [
        f"steady days {steady_from}–{len(days) - 1} ({span} days added): mean {mean / MB:+.2f} MB a day = "
        f"{100 * mean / total(days[0]):.2f}% of day 0 (median of single days {statistics.median(added) / MB:+.2f} "
        f"MB, range {min(added) / MB:+.2f} to {max(added) / MB:+.2f}); the warehouse's bytes in use "
        f"{in_use / MB:+.2f} MB a day",
        "per directory, MB a day: " + ", ".join(f"{d} {v / MB:+.3f}" for d, v in per_day.items() if abs(v) >= 500),
        f"a year at ×{factor:.1f}: last day's footprint {footprint / 1e9:.1f} GB + 365 × {scaled_day / 1e9:.3f} GB = "
        f"{(footprint + 365 * scaled_day) / 1e9:.1f} GB; with the warehouse growing by its bytes in use instead: "
        f"{(footprint + 365 * (scaled_day + (in_use - per_day[WAREHOUSE]) * factor)) / 1e9:.1f} GB",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, required=True, help="what `demo_days --json` wrote")
    parser.add_argument("--steady-from", type=int, default=9, help="first day whose retention windows are full")
    parser.add_argument("--nodes", type=int, default=26143, help="the run's world size")
    parser.add_argument("--scale-to", type=int, default=2614270, help="world size of the year (HuggingKG: 2.6M)")
    args = parser.parse_args()
    days = json.loads(args.json.read_text(encoding="utf-8"))
    print("\n".join([*day_table(days), "", kg_ratio(days), *year(days, args.steady_from, args.scale_to / args.nodes)]))


if __name__ == "__main__":
    main()
