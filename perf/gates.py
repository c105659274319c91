"""Wall time and peak memory of the quality gates on a built warehouse: every GE suite the asset checks run, in
one process, as the checks run them (narrow frame from DuckDB, then a GE checkpoint with Data Docs).

    .venv/bin/python perf/gates.py --warehouse <run dir>/hubkg.duckdb [--repeat 3]

Prints per suite the rows validated, the seconds to build the frame in DuckDB and to validate it in GE (medians
over `--repeat` runs), and the process's peak RSS. The warehouse is opened read-only.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from expectations.bridge import read_frame, validate  # noqa: E402
from orchestration.checks import SUITES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--snapshot", type=date.fromisoformat, help="default: the latest in kg.kg_nodes")
    args = parser.parse_args()
    rows = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as gx_root, duckdb.connect(str(args.warehouse), read_only=True) as con:
        snapshot = args.snapshot or con.execute("SELECT max(snapshot_date) FROM kg.kg_nodes").fetchone()[0]
        for spec in SUITES:
            frame_s, validate_s = [], []
            for _ in range(args.repeat):
                t0 = time.monotonic()
                frame = read_frame(con, spec, snapshot)
                t1 = time.monotonic()
                outcome = validate(spec, frame, Path(gx_root))
                frame_s.append(t1 - t0)
                validate_s.append(time.monotonic() - t1)
            frame_median, ge_median = statistics.median(frame_s), statistics.median(validate_s)
            rows.append((spec.name, len(frame), frame_median, ge_median, outcome))
            print(f"{spec.name:28s} {len(frame):>10,} rows  frame {frame_median:6.2f} s  GE {ge_median:6.2f} s")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\n| suite | rows | frame s | GE s | passed |\n|---|---|---|---|---|")
    for name, n, f, v, outcome in rows:
        print(f"| {name} | {n:,} | {f:.2f} | {v:.2f} | {outcome.success} |")
    total_frame, total_ge = sum(r[2] for r in rows), sum(r[3] for r in rows)
    print(f"| **all {len(rows)} suites** | {sum(r[1] for r in rows):,} | {total_frame:.1f} | {total_ge:.1f} | |")
    print(
        f"gates once: {total_frame + total_ge:.1f} s (medians); peak RSS {peak_mib:,.0f} MiB; "
        f"bench wall {time.monotonic() - started:.0f} s for {args.repeat} repeats"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
