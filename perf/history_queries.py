"""Query latency on the serving copy: the latest graph (`kg.<table>`) against the graph as of an earlier day
(`kg.<table>__as_of(date)`), each through `hubkg query`'s own path (`release.serving.query`, the sandbox).

    .venv/bin/python perf/history_queries.py --data <data dir> [--repeat 7]

Run it on the data directory of `orchestration.demo_days --work W` (W/data): every query runs `--repeat` times on
the latest graph and as of the earliest snapshot the copy holds; the median of each and their ratio are printed as
a Markdown table. The first run of each query is dropped (it warms the file cache).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from release.serving import query  # noqa: E402

# What people ask of the graph: a ranking over an entity table, an aggregate over every edge, one node's lineage.
QUERIES = {
    "top 10 models by likes": "SELECT id, likes FROM {models} ORDER BY likes DESC, id LIMIT 10",
    "edges by relation": "SELECT relation, count(*) FROM {kg_edges} GROUP BY 1 ORDER BY 2 DESC",
    "one model's lineage edges": (
        "SELECT relation, tail FROM {kg_edges} WHERE head = (SELECT min(head) FROM {kg_edges} "
        "WHERE relation = 'model_finetune_model') AND relation LIKE 'model\\_%\\_model' ESCAPE '\\' ORDER BY 1, 2"
    ),
}


def median_seconds(sql: str, data: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        query(sql, data)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def earliest_snapshot(data: Path) -> str:
    (day,) = query("SELECT min(valid_from)::DATE::VARCHAR FROM kg.models__history", data).rows[0]
    return str(day)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="the pipeline's data directory")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    day = earliest_snapshot(args.data)
    print(f"as of {day} (the earliest snapshot held) against the latest; median of {args.repeat} runs\n")
    print("| query | latest ms | as of earliest ms | as-of / latest |\n|---|---|---|---|")
    for name, template in QUERIES.items():
        latest = median_seconds(template.format(models="kg.models", kg_edges="kg.kg_edges"), args.data, args.repeat)
        past = template.format(models=f"kg.models__as_of('{day}')", kg_edges=f"kg.kg_edges__as_of('{day}')")
        as_of = median_seconds(past, args.data, args.repeat)
        print(f"| {name} | {latest * 1000:.1f} | {as_of * 1000:.1f} | {as_of / latest:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
