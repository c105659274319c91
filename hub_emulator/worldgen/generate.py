"""World generator: ``python -m hub_emulator generate --nodes N --seed S --out DIR``.

Writes a synthetic, internally consistent Hub (WORLD_FORMAT.md) calibrated on HuggingKG's node and
relation proportions and Model Atlas's lineage structure. Same arguments give byte-identical files.
The sample world in ``hub_emulator/worlds/sample`` (``SAMPLE_WORLD``) is regenerated with::

    python -m hub_emulator generate --sample --out hub_emulator/worlds/sample
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from hub_emulator.worldgen import recorded as recorded_samples
from hub_emulator.worldgen.calibration import TASK_COUNT
from hub_emulator.worldgen.plan import build_plan
from hub_emulator.worldgen.timeline import iso, parse_iso
from hub_emulator.worldgen.writer import WorldWriter, dumps

FORMAT_VERSION = 1
# Time of the newest embedded recording, so recorded bodies satisfy lastModified <= now.
DEFAULT_NOW = "2025-03-21T14:10:06Z"
DEFAULT_HOSTILE_SHARE = 0.005
# The demo's world: big enough for a 1% tracing valid/test split (~5 triples each), with likes and follows
# `social_density` (3) times the calibrated volumes. At a few thousand nodes the calibrated volumes leave no 5-core
# of likes (the recommendation benchmark's filter; one appears only near 60,000 nodes), while HuggingBench's 5-core
# keeps ~23% of HuggingKG's 1.97 M likes (463 k rows): the denser sample world keeps about that share (tests/generator
# checks it).
SAMPLE_WORLD: dict[str, Any] = {"nodes": 4000, "seed": 0, "with_recorded": True, "social_density": 3.0}
WORLD_FILES = (
    "world.json",
    "models.jsonl",
    "datasets.jsonl",
    "spaces.jsonl",
    "tasks.json",
    "collections.jsonl",
    "papers.jsonl",
    "users.jsonl",
    "orgs.jsonl",
    "follows.jsonl",
    "members.jsonl",
    "likes.jsonl",
    "renames.jsonl",
    "truth/lineage.jsonl",
)
# Pipeline tags missing from the recorded /api/tasks body, to reach HuggingKG's 52 tasks.
EXTRA_TASKS = (
    "text2text-generation",
    "text-to-audio",
    "voice-activity-detection",
    "time-series-forecasting",
    "graph-ml",
    "robotics",
    "image-to-video",
    "video-to-video",
    "text-ranking",
    "visual-document-retrieval",
    "multiple-choice",
)


def task_catalog(recorded_tasks: dict[str, Any]) -> dict[str, Any]:
    """The real ``/api/tasks`` body, completed with placeholder entries up to 52 tasks."""
    tasks = dict(recorded_tasks)
    template = {
        "datasets": [],
        "demo": {"inputs": [], "outputs": []},
        "isPlaceholder": True,
        "metrics": [],
        "models": [],
        "spaces": [],
        "summary": "",
        "widgetModels": [],
    }
    for task in EXTRA_TASKS:
        if len(tasks) >= TASK_COUNT:
            break
        label = task.replace("-", " ").title().replace("Ml", "ML").replace("To", "to")
        tasks.setdefault(task, {**template, "id": task, "label": label, "libraries": []})
    return tasks


def generate_world(
    out_dir: Path,
    nodes: int,
    seed: int = 0,
    now: datetime | None = None,
    hostile_share: float = DEFAULT_HOSTILE_SHARE,
    with_recorded: bool = False,
    social_density: float = 1.0,
) -> dict[str, Any]:
    """Generate a world of about ``nodes`` nodes into ``out_dir`` and return its world.json content.

    ``with_recorded`` embeds the real model_info bodies of ``hub_emulator/samples/recorded`` verbatim
    (plus their authors and recorded renames) on top of the generated nodes. ``social_density`` multiplies the
    calibrated like and follow volumes (1: HuggingKG's proportions), for small worlds that must hold a k-core.
    """
    now_s = int((now or parse_iso(DEFAULT_NOW)).timestamp())
    samples = recorded_samples.load()
    recorded = samples if with_recorded else None
    tasks = task_catalog(samples.tasks)
    reserved_names = frozenset(samples.authors()) if recorded else frozenset()
    reserved_ids = (
        frozenset({m["id"] for m in samples.models} | {old for old, _ in samples.renames}) if recorded else frozenset()
    )
    plan = build_plan(nodes, seed, now_s, hostile_share, list(tasks), (reserved_names, reserved_ids), social_density)
    out_dir = Path(out_dir)
    for name in WORLD_FILES:
        (out_dir / name).unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = WorldWriter(out_dir, plan, tasks, recorded).write_all()
    world = {
        "format": FORMAT_VERSION,
        "seed": seed,
        "nodes": nodes,
        "now": iso(now_s),
        "hostile_share": hostile_share,
        "social_density": social_density,
        "recorded": {"models": [m["id"] for m in recorded.models]} if recorded else None,
        "counts": counts,
    }
    (out_dir / "world.json").write_text(json.dumps(world, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return world


def main(argv: list[str] | None = None) -> int:
    """CLI entry point (dispatched from ``python -m hub_emulator generate``)."""
    parser = argparse.ArgumentParser(prog="python -m hub_emulator generate", description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, help="total node count (HuggingKG: 2614270)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="output directory (world files are replaced)")
    parser.add_argument("--now", type=parse_iso, default=None, help=f"ISO time of the snapshot (default {DEFAULT_NOW})")
    parser.add_argument(
        "--hostile-share",
        type=float,
        default=DEFAULT_HOSTILE_SHARE,
        help="share of carded repos with hostile card data (at least 3 per repo type if > 0)",
    )
    parser.add_argument("--with-recorded", action="store_true", help="embed the real recorded model bodies")
    parser.add_argument(
        "--social-density", type=float, default=1.0, help="multiplier of the calibrated like and follow volumes"
    )
    parser.add_argument("--sample", action="store_true", help=f"the sample world's arguments: {SAMPLE_WORLD}")
    args = parser.parse_args(argv)
    if args.sample:
        world = generate_world(args.out, **SAMPLE_WORLD)
    elif args.nodes is None:
        parser.error("--nodes is required (or --sample)")
    else:
        world = generate_world(
            args.out, args.nodes, args.seed, args.now, args.hostile_share, args.with_recorded, args.social_density
        )
    print(dumps(world["counts"]["nodes"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
