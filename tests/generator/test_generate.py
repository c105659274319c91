"""World generator: determinism, calibration, internal consistency, lineage forms, recorded bodies."""

from __future__ import annotations

import filecmp
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from baselines import tracing
from hub_emulator.worldgen import calibration as cal
from hub_emulator.worldgen import hostile
from hub_emulator.worldgen.generate import SAMPLE_WORLD, WORLD_FILES, generate_world, main
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
    assert hub_vote_accuracy(present, licensed) > cal.ATLAS_LICENSE_GLOBAL_ACCURACY + 0.2


def hub_vote_accuracy(edges: list[dict], labels: dict[str, str]) -> float:
    """Model Atlas's hub imputation, leave-one-out: how often the majority label of a model's labelled siblings (the
    other children of its first parent) is its own."""
    hubs: dict[str, list[str]] = {}
    for e in edges:
        if e["derived"] in labels:
            hubs.setdefault(e["base"], []).append(e["derived"])
    votes = [
        Counter(labels[o] for o in kids if o != k).most_common(1)[0][0] == labels[k]
        for kids in hubs.values()
        if len(kids) > 1
        for k in kids
    ]
    return sum(votes) / len(votes)


def test_pipeline_and_library_follow_lineage_at_the_model_atlas_rates(large: World) -> None:
    present = [e for e in large.lineage if not e["dangling"]]
    for key, paper in (
        ("pipeline_tag", cal.ATLAS_PIPELINE_HUB_ACCURACY),
        ("library_name", cal.ATLAS_LIBRARY_HUB_ACCURACY),
    ):
        labels = {m["id"]: m[key] for m in large.models if m.get(key)}
        assert abs(hub_vote_accuracy(present, labels) - paper) < 0.06, key


def test_lineage_carries_the_signals_measured_on_real_models(large: World) -> None:
    """Finetunes keep their parent's name and derived models their parent's owner at the rates measured on real
    models (shared/hub-samples); quantizations and adapters extend their base's name; a merge's further parents are
    mostly relatives (base, siblings, children) of its first one, as mergekit's one-architecture merges are."""
    present = [e for e in large.lineage if not e["dangling"]]

    def name(repo: str) -> str:
        return repo.split("/", 1)[1].lower()

    def share(edges: list[dict], holds) -> float:
        return sum(map(holds, edges)) / len(edges)

    finetunes = [e for e in present if e["relation"] == "finetune"]
    assert len(finetunes) > 300
    kept = share(finetunes, lambda e: name(e["base"]) in name(e["derived"]))
    assert abs(kept - cal.FINETUNE_NAME_KEEPS_PARENT_SHARE) < 0.06
    extended = [e for e in present if e["relation"] in ("quantized", "adapter")]
    assert share(extended, lambda e: name(e["base"]) in name(e["derived"])) > 0.97  # long chains get cut at 90
    single = [e for e in present if e["relation"] != "merge"]
    same_owner = share(single, lambda e: e["base"].split("/")[0] == e["derived"].split("/")[0])
    assert abs(same_owner - cal.DERIVED_SAME_OWNER_SHARE) < 0.06

    parents: dict[str, list[str]] = {}
    for e in present:
        parents.setdefault(e["derived"], []).append(e["base"])
    first = {model: bases[0] for model, bases in parents.items()}
    children: dict[str, set[str]] = {}
    for model, base in first.items():
        children.setdefault(base, set()).add(model)
    merged = {e["derived"] for e in present if e["relation"] == "merge"}
    further = [(bases[0], other) for model, bases in parents.items() if model in merged for other in bases[1:]]
    assert len(further) > 30

    def relative(pair: tuple[str, str]) -> bool:
        head, other = pair
        base = first.get(head)
        return other == base or other in children.get(base or "", set()) | children.get(head, set())

    assert share(further, relative) > 0.5


def test_lineage_signal_rates_are_those_of_the_recorded_real_models() -> None:
    """calibration.py's name and owner rates, recomputed from the recorded real bodies that name a base model."""
    bodies = [r["body"] for r in read_jsonl(RECORDS_FILE) if r["status"] == 200 and "sha" in (r.get("body") or {})]
    pairs = {(b["id"], t.split(":")[-1]) for b in bodies for t in b["tags"] if t.startswith("base_model:")}
    assert len(pairs) == len({derived for derived, _ in pairs}) == 6
    named = sum(base.split("/")[1].lower() in derived.split("/")[1].lower() for derived, base in pairs)
    same_owner = sum(base.split("/")[0] == derived.split("/")[0] for derived, base in pairs)
    assert named / len(pairs) == cal.FINETUNE_NAME_KEEPS_PARENT_SHARE
    assert same_owner / len(pairs) == cal.DERIVED_SAME_OWNER_SHARE


def test_tracing_baselines_rank_generated_lineage_above_random(large: World) -> None:
    """HuggingBench's tracing task on the generated lineage: the metadata heuristic and TransE rank the true base at
    least twice as well as a random ranking (MRR), on held-out triples chosen as benchmarks.trace_triples does."""
    lineage = tracing_split(large)
    n = len(lineage.entities)
    random_mrr = sum(1 / k for k in range(1, n + 1)) / n  # expected MRR of a random ranking of n candidates
    assert (lineage.split == "test").sum() > 50
    for method, fit in tracing.BASELINES.items():
        mrr = tracing.evaluate(fit(lineage), lineage)["mrr"]
        assert mrr >= 2 * random_mrr, (method, mrr, random_mrr)


def tracing_split(world: World) -> tracing.Lineage:
    """Every 4th triple whose base and derived model both occur in another triple is held out for test, unless its
    base or derived model would then be missing from train (transductive, like benchmarks.trace_triples)."""
    models = {m["id"]: m for m in world.models}
    triples = [(e["base"], e["relation"], e["derived"]) for e in world.lineage if e["base"] in models]
    degree = Counter([h for h, _, _ in triples] + [t for _, _, t in triples])
    eligible = [k for k, (h, _, t) in enumerate(triples) if degree[h] > 1 and degree[t] > 1]
    held = set(eligible[::4])
    seen = {x for k, (h, _, t) in enumerate(triples) if k not in held for x in (h, t)}
    test = {k for k in held if triples[k][0] in seen and triples[k][2] in seen}
    entities = sorted({x for h, _, t in triples for x in (h, t)})
    index = {e: i for i, e in enumerate(entities)}
    relations = sorted({r for _, r, _ in triples})
    return tracing.Lineage(
        entities=entities,
        created=np.array([parse_iso(models[e]["createdAt"]).timestamp() for e in entities]),
        head=np.array([index[h] for h, _, _ in triples]),
        relation=np.array([relations.index(r) for _, r, _ in triples]),
        tail=np.array([index[t] for _, _, t in triples]),
        split=np.array(["test" if k in test else "train" for k in range(len(triples))]),
        relations=len(relations),
    )


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
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file()) < 6_000_000
    assert {k: world.meta[k] for k in ("nodes", "seed", "social_density")} == {
        k: SAMPLE_WORLD[k] for k in ("nodes", "seed", "social_density")
    }


def five_core(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (user, item) pairs left once every user and item has at least 5 (rec_interactions' k-core)."""
    while True:
        users, items = Counter(u for u, _ in pairs), Counter(i for _, i in pairs)
        kept = {(u, i) for u, i in pairs if users[u] >= 5 and items[i] >= 5}
        if kept == pairs:
            return kept
        pairs = kept


def test_sample_world_holds_a_recommendation_core_like_huggingbench() -> None:
    """The sample world's denser likes keep about HuggingBench's share in the 5-core (463 k of HuggingKG's 1.97 M
    likes, ≈ 0.24), and its users follow each other inside the core (the social variant)."""
    world = World(SAMPLE)
    likes = {(x["user"], f"{x['repo_type']}:{x['repo_id']}") for x in world.likes}
    core = five_core(likes)
    assert 0.15 < len(core) / len(likes) < 0.35
    users = {u for u, _ in core}
    assert sum(f["follower"] in users and f["followee"] in users for f in world.follows) > 20


def test_sample_world_is_up_to_date(tmp_path: Path) -> None:
    assert main(["--sample", "--out", str(tmp_path)]) == 0
    for name in WORLD_FILES:
        assert filecmp.cmp(tmp_path / name, SAMPLE / name, shallow=False), name
