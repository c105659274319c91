"""Time the TfidfLogReg classifier alone on a built warehouse: its L2 strength per training node (today's) against
C fixed at 4 (before issue 28's change), in one run, so the two are compared on the same machine and load.

    .venv/bin/python perf/classifier_scaling.py --warehouse FILE --snapshot YYYY-MM-DD [--repeat 1]

The warehouse needs `benchmarks.cls_nodes`, `cls_edges` and `cls_tasks` (a dbt build, or
`dbt run --select +cls_nodes +cls_edges +cls_tasks`). Prints one line per fit (training nodes, C, seconds,
micro/macro-F1 on the test nodes) and the time ratio fixed C / scaled C.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from baselines.classification import LOGREG_C, evaluate, logreg_c, text_and_tags  # noqa: E402
from baselines.data import load_labelled_nodes  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--snapshot", type=date.fromisoformat, required=True)
    parser.add_argument("--repeat", type=int, default=1, help="fits of each setting, alternating")
    args = parser.parse_args()
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        nodes = load_labelled_nodes(con, args.snapshot)
    training = int(nodes.train.sum())
    settings = {"scaled C (today)": logreg_c(training), "fixed C (before)": LOGREG_C}
    print(f"{training:,} training nodes, {int(nodes.test.sum()):,} test nodes, {nodes.labels.shape[1]} labels")
    seconds: dict[str, list[float]] = {name: [] for name in settings}
    for _ in range(args.repeat):
        for name, c in settings.items():
            started = time.monotonic()
            scores = evaluate(lambda n, c=c: text_and_tags(n, c=c), nodes)
            seconds[name].append(time.monotonic() - started)
            print(
                f"{name:17s} C = {c:.4f}  {seconds[name][-1]:8.1f} s  "
                f"micro-F1 {scores['micro_f1']:.4f}  macro-F1 {scores['macro_f1']:.4f}",
                flush=True,
            )
    fixed, scaled = (min(seconds[name]) for name in ("fixed C (before)", "scaled C (today)"))
    print(f"fastest fit: fixed C {fixed:.1f} s, scaled C {scaled:.1f} s, ratio fixed/scaled {fixed / scaled:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
