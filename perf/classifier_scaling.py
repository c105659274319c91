"""Time the TfidfLogReg classifier alone on a built warehouse, and how its fit time grows with the training set
under C fixed at 4 (before issue 28's change) and under a fixed L2 strength per training node (today's rule), in
one run, so the settings are compared on the same machine and load.

    .venv/bin/python perf/classifier_scaling.py --warehouse FILE --snapshot YYYY-MM-DD [--share 0.25]

The warehouse needs `benchmarks.cls_nodes`, `cls_edges` and `cls_tasks` (a dbt build, or
`dbt run --select +cls_nodes +cls_edges +cls_tasks`). Three fits, each scored on the same test nodes:
a seeded `--share` of the training nodes at C = 4 (the small size), all of them at C = 4 (C fixed), and all of
them at C = 4 · share (the penalty per training node of the small size: today's rule with the small size as its
reference). Prints seconds and micro/macro-F1 per fit, and the growth of the fit time from the small size to the
full one under each setting.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from baselines.classification import LOGREG_C, LabelledNodes, evaluate, logreg_c, text_and_tags  # noqa: E402
from baselines.data import load_labelled_nodes  # noqa: E402


def fit(name: str, nodes: LabelledNodes, c: float) -> float:
    started = time.monotonic()
    scores = evaluate(lambda n: text_and_tags(n, c=c), nodes)
    seconds = time.monotonic() - started
    print(
        f"{name:34s} {int(nodes.train.sum()):>8,} training nodes  C = {c:.4f}  {seconds:8.1f} s  "
        f"micro-F1 {scores['micro_f1']:.4f}  macro-F1 {scores['macro_f1']:.4f}",
        flush=True,
    )
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--snapshot", type=date.fromisoformat, required=True)
    parser.add_argument("--share", type=float, default=0.25, help="the small size, as a share of the training nodes")
    args = parser.parse_args()
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        nodes = load_labelled_nodes(con, args.snapshot)
    training = np.flatnonzero(nodes.train)
    today = logreg_c(len(training))
    print(f"{len(training):,} training nodes (today's C: {today:.4f}), {int(nodes.test.sum()):,} test nodes")
    # The small size: the other training nodes leave training (marked valid; the classifier ignores valid nodes).
    dropped = np.random.default_rng(0).permutation(training)[int(args.share * len(training)) :]
    split = nodes.split.copy()
    split[dropped] = "valid"
    small = fit("share, C = 4", dataclasses.replace(nodes, split=split), LOGREG_C)
    fixed = fit("all, C = 4 (fixed C)", nodes, LOGREG_C)
    per_node = fit("all, C = 4 * share (per-node rule)", nodes, LOGREG_C * args.share)
    print(
        f"fit time for {1 / args.share:.1f}x the training nodes: "
        f"fixed C {fixed / small:.2f}x, per-node {per_node / small:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
