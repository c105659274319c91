"""World generator: determinism, calibration, internal consistency, lineage forms, recorded bodies."""

from __future__ import annotations

import filecmp
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from hub_emulator.worldgen import calibration as cal
from hub_emulator.worldgen import hostile
from hub_emulator.worldgen.generate import WORLD_FILES, generate_world, main
from hub_emulator.worldgen.recorded import RECORDS_FILE
from hub_emulator.worldgen.timeline import parse_iso

from .world_reader import World, lineage_of, read_jsonl

pytestmark = pytest.mark.fast

SAMPLE = Path(__file__).resolve().parents[2] / "hub_emulator" / "worlds" / "sample"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> World:
    out = tmp_path_factory.mktemp("w3k")
    generate_world(out, 3000, seed=7, with_recorded=True)
    return World(out)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> World:
    out = tmp_path_factory.mktemp("w20k")
    generate_world(out, 20_000, seed=1)
    return World(out)


def test_same_arguments_give_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert main(["--nodes", "1500", "--seed", "3", "--out", str(tmp_path / name), "--with-recorded"]) == 0
    for name in WORLD_FILES:
        assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False), name
    generate_world(tmp_path / "c", 1500, seed=4)
    assert not filecmp.cmp(tmp_path / "a" / "models.jsonl", tmp_path / "c" / "models.jsonl", shallow=False)


def test_node_proportions_match_huggingkg(large: World) -> None:
    nodes = large.meta["counts"]["nodes"]
    assert nodes["task"] == cal.TASK_COUNT == len(large.tasks)
    total = sum(nodes.values())
    ref_total = sum(cal.HUGGINGKG_NODES.values()) + cal.TASK_COUNT
    for kind, ref in cal.HUGGINGKG_NODES.items():
        assert nodes[kind] / total == pytest.approx(ref / ref_total, rel=0.05), kind
    actual = {
        "model": large.models,
        "dataset": large.datasets,
        "space": large.spaces,
        "paper": large.papers,
        "collection": large.collections,
        "user": large.users,
        "organization": large.orgs,
    }
    assert {k: len(v) for k, v in actual.items()} == {k: nodes[k] for k in actual}


def test_relation_volumes_match_huggingkg(large: World) -> None:
    counts = large.meta["counts"]["relations"]
    scale = sum(large.meta["counts"]["nodes"].values()) / (sum(cal.HUGGINGKG_NODES.values()) + cal.TASK_COUNT)
    for relation, (_, _, ref) in cal.HUGGINGKG_RELATIONS.items():
        tolerance = 0.15 if ref * scale > 500 else 0.5  # small relations are noisy at 20k nodes
        assert counts[relation] == pytest.approx(ref * scale, rel=tolerance), relation
    lineage = {r: counts[f"model_{r}_model"] for r in cal.LINEAGE_RELATIONS}
    assert lineage["adapter"] > lineage["finetune"] > lineage["quantized"] > lineage["merge"] > 0
    assert sum(lineage.values()) / len(large.models) == pytest.approx(0.27, abs=0.03)


@pytest.mark.parametrize("world_name", ["small", "large"])
def test_counts_recomputed_from_files(world_name: str, request: pytest.FixtureRequest) -> None:
    world: World = request.getfixturevalue(world_name)
    present, dangling = world.count()
    counts = world.meta["counts"]
    assert {r: present[r] for r in cal.RELATIONS} == counts["relations"]
    assert {r: n for r, n in dangling.items() if n} == counts["dangling"]


def test_references_and_counters_are_consistent(small: World) -> None:
    accounts = {u["user"] for u in small.users} | {o["name"] for o in small.orgs}
    for repo in small.models + small.datasets + small.spaces:
        assert repo["author"] in accounts
    recorded = set(small.meta["recorded"]["models"])
    likes = Counter((x["repo_type"], x["repo_id"]) for x in small.likes)
    created = {}
    for kind, repos in (("model", small.models), ("dataset", small.datasets), ("space", small.spaces)):
        for r in repos:
            created[(kind, r["id"])] = parse_iso(r["createdAt"])
            if r["id"] not in recorded:
                assert r["likes"] == likes[(kind, r["id"])], r["id"]
    now = parse_iso(small.meta["now"])
    for x in small.likes:
        assert created[(x["repo_type"], x["repo_id"])] <= parse_iso(x["createdAt"]) <= now
    for m in small.models + small.datasets:
        # Recorded bodies keep the Hub's legacy createdAt (2022-03-02), later than some lastModified.
        if m["id"] not in recorded:
            assert parse_iso(m["createdAt"]) <= parse_iso(m["lastModified"]) <= now
        assert re.fullmatch(r"[0-9a-f]{40}", m["sha"]) and re.fullmatch(r"[0-9a-f]{24}", m["_id"])
        assert m["downloadsAllTime"] >= m["downloads"] if "downloadsAllTime" in m else True
    ids = [m["_id"] for m in small.models]
    assert len(ids) == len(set(ids))
    children = Counter(e["base"] for e in small.lineage if not e["dangling"])
    for m in small.models:
        if m["id"] not in recorded:
            assert m["childrenModelCount"] == children[m["id"]]
    current = {m["id"] for m in small.models} | {d["id"] for d in small.datasets} | {s["id"] for s in small.spaces}
    assert small.renames and all(r["new_id"] in current and r["old_id"] not in current for r in small.renames)
    for c in small.collections:
        namespace, rest = c["slug"].split("/", 1)
        assert namespace == c["owner"]["name"] and re.search(r"-[0-9a-f]{24}$", rest)


def test_lineage_structure_follows_model_atlas(large: World) -> None:
    created = {m["id"]: parse_iso(m["createdAt"]) for m in large.models}
    present = [e for e in large.lineage if not e["dangling"]]
    older = sum(created[e["base"]] < created[e["derived"]] for e in present) / len(present)
    assert 0.99 <= older < 1.0
    quantized = {e["derived"] for e in large.lineage if e["relation"] == "quantized"}
    bases = {e["base"] for e in present}
    assert len(quantized - bases) / len(quantized) >= 0.99
    parents: dict[str, list[str]] = {}
    for e in present:
        parents.setdefault(e["derived"], []).append(e["base"])
    depth: dict[str, int] = {}

    def depth_of(model: str) -> int:
        if model not in depth:
            depth[model] = 1 + max((depth_of(p) for p in parents.get(model, [])), default=-1)
        return depth[model]

    assert max(depth_of(m) for m in parents) >= 4  # chains exist
    leaves = [m for m in parents if m not in bases]
    siblings = Counter(parents[m][0] for m in leaves)
    assert sum(siblings[parents[m][0]] > 1 for m in leaves) / len(leaves) > 0.5  # hubs of siblings


def test_licenses_follow_lineage_at_the_model_atlas_rates(large: World) -> None:
    """A derived model agrees with its parent's license at Model Atlas's hub accuracy (0.85), the most common license
    has its global share (0.49), and the siblings' majority predicts a model's license well above that baseline."""
    license_of = {m["id"]: (m.get("cardData") or {}).get("license") for m in large.models}
    licensed = {model: value for model, value in license_of.items() if isinstance(value, str)}
    present = [e for e in large.lineage if not e["dangling"] and e["derived"] in licensed and e["base"] in licensed]
    agree = sum(licensed[e["derived"]] == licensed[e["base"]] for e in present) / len(present)
    assert len(present) > 300 and abs(agree - cal.ATLAS_LICENSE_HUB_ACCURACY) < 0.06
    top, top_count = Counter(licensed.values()).most_common(1)[0]
    assert top == "apache-2.0" and abs(top_count / len(licensed) - cal.ATLAS_LICENSE_GLOBAL_ACCURACY) < 0.05
    hubs: dict[str, list[str]] = {}
    for e in present:
        hubs.setdefault(e["base"], []).append(e["derived"])
    votes = [
        Counter(licensed[o] for o in kids if o != k).most_common(1)[0][0] == licensed[k]
        for kids in hubs.values()
        if len(kids) > 1
        for k in kids
    ]
    assert sum(votes) / len(votes) > cal.ATLAS_LICENSE_GLOBAL_ACCURACY + 0.2


@pytest.mark.parametrize("world_name", ["small", "large"])
def test_every_lineage_form_is_recoverable(world_name: str, request: pytest.FixtureRequest) -> None:
    world: World = request.getfixturevalue(world_name)
    truth: dict[str, dict[str, tuple[str, str]]] = {}
    for e in world.lineage:
        truth.setdefault(e["derived"], {})[e["base"]] = (e["relation"], e["source"])
    for m in world.models:
        assert lineage_of(m) == truth.get(m["id"], {}), m["id"]
    assert {e["source"] for e in world.lineage} == {"tag3", "tag2", "cardData", "baseModels"}
    shapes = Counter(type(m["baseModels"]).__name__ for m in world.models if "baseModels" in m)
    assert shapes["dict"] and shapes["list"]
    card_forms = Counter(
        (type(m["cardData"]["base_model"]).__name__, "base_model_relation" in m["cardData"])
        for m in world.models
        if not any(t.startswith("base_model:") for t in m["tags"]) and "base_model" in m.get("cardData", {})
    )
    assert len(card_forms) == 4  # str / list, with / without relation
    assert any(e["dangling"] for e in world.lineage)
    assert sum("cardData" not in m for m in world.models) / len(world.models) > 0.5


def test_hostile_card_data_present_and_valid_json(small: World) -> None:
    text = "\n".join(json.dumps(r.get("cardData", {})) for r in small.models + small.datasets + small.spaces)
    for kind in hostile.KINDS:
        needle = json.dumps(next(iter(hostile.payload(kind).values())))[:40]
        assert needle[1:-1] in text, kind


def test_recorded_bodies_are_embedded_verbatim() -> None:
    assert (SAMPLE / "world.json").exists(), "regenerate the sample world (see hub_emulator/generate.py)"
    served = {m["id"]: m for m in read_jsonl(SAMPLE / "models.jsonl")}
    records = read_jsonl(RECORDS_FILE)
    bodies = [r["body"] for r in records if r["status"] == 200 and "sha" in (r.get("body") or {})]
    assert len(bodies) >= 30
    for body in bodies:
        assert served[body["id"]] == body
    world = World(SAMPLE)
    recorded_truth = [e for e in world.lineage if e["derived"] in {b["id"] for b in bodies}]
    assert recorded_truth and all(e["dangling"] for e in recorded_truth)
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file()) < 2_000_000
    assert world.meta["nodes"] == 1000 and world.meta["seed"] == 0


def test_sample_world_is_up_to_date(tmp_path: Path) -> None:
    generate_world(tmp_path, 1000, seed=0, with_recorded=True)
    for name in WORLD_FILES:
        assert filecmp.cmp(tmp_path / name, SAMPLE / name, shallow=False), name
