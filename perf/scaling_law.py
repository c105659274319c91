"""Fit each stage's scaling law from `perf/pipeline_stages.py --raw-loader` figures and say where it stops fitting.

    .venv/bin/python perf/scaling_law.py /work/bench-data/loaded-0.json [--reference 2614270]

Per stage, a power law `wall = a · n^b` (and the same for peak RSS) is fitted by least squares on log-log over
every measured size. From it: the Hub size, as a multiple of the reference (HuggingKG, 2,614,270 nodes), at which
the stage alone would need 24 hours of wall or 24 GiB of RAM on this machine's kind (past 1,000× printed as such:
no fit carries that far). A fit on sizes where fixed costs dominate (process start, definitions load) understates
the exponent: the exponent between the two largest sizes is printed beside it, and the limits extrapolate from the
largest size with the steeper of the two.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

DAY_S = 24 * 3600.0
RAM_MIB = 24 * 1024.0


def fit(sizes: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """(a, b) of values = a · sizes^b, least squares in log-log."""
    b, log_a = np.polyfit(np.log(sizes), np.log(values), 1)
    return float(math.exp(log_a)), float(b)


def limit(value: float, at: float, exponent: float, ceiling: float) -> float:
    """Size (as a multiple of `at`) where a quantity of `value` at `at` growing as n^exponent reaches `ceiling`."""
    if value >= ceiling:
        return 1.0
    if exponent <= 0:
        return math.inf
    return (ceiling / value) ** (1 / exponent)


def _times(multiple: float) -> str:
    """A limit as a multiple of the reference; beyond 1,000× the extrapolation means nothing."""
    return f"{multiple:,.1f}" if multiple < 1000 else "> 1,000"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("figures", type=Path, help="the JSON pipeline_stages.py --raw-loader writes")
    parser.add_argument("--reference", type=int, default=2_614_270, help="nodes of the reference size")
    args = parser.parse_args()
    runs = {int(n): figures for n, (figures, _floor) in json.loads(args.figures.read_text()).items()}
    sizes = sorted(runs)
    print(
        "| stage | wall exponent (all sizes) | wall exponent (two largest) | 24 h wall at × reference | "
        "RSS exponent (two largest) | 24 GiB RSS at × reference |\n|---|---|---|---|---|---|"
    )
    for stage in runs[sizes[0]]:
        measured = [n for n in sizes if stage in runs[n]]
        n = np.array(measured, dtype=float)
        wall = np.array([runs[s][stage][0] for s in measured])
        rss = np.array([runs[s][stage][1] for s in measured])
        _, b_all = fit(n, wall)
        _, b_top = fit(n[-2:], wall[-2:])
        _, r_top = fit(n[-2:], rss[-2:])
        # Extrapolate from the largest measured size with the steeper of the two exponents (fixed costs flatten
        # the fit over small sizes).
        grow = max(b_all, b_top)
        scale = n[-1] / args.reference
        day = limit(wall[-1], 1, grow, DAY_S) * scale
        ram = limit(rss[-1], 1, max(r_top, 0.0), RAM_MIB) * scale
        print(f"| {stage} | {b_all:.2f} | {b_top:.2f} | {_times(day)} | {r_top:.2f} | {_times(ram)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
