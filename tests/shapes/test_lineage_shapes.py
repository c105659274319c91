"""Real-Hub shapes of model bodies, each a fixture with its documented outcome in the graph (`shapes.jsonl`).

Every fixture is the recorded `HuggingFaceH4/zephyr-7b-beta` model_info body embedded in the sample world (from
/work/shared/hub-samples, huggingface_hub's cassettes; provenance in hub_emulator/samples/recorded/PROVENANCE.md)
with only the fields of its shape changed, as the Hub API reference (shared/reference/hub-api.md §5, §11) documents
them: `cardData.base_model` as str, list, null or another JSON value, relation tags, `createdAt` absent or the
legacy placeholder, `gated`/`disabled`, ids renamed since (recorded 307s) or in another case. The sample world plus
these models is built once through the whole pipeline; each shape must end as an edge, or a dangling edge with its
reason, or a quarantined row with its reason — never silently dropped.
"""

import copy
import json
import shutil
from pathlib import Path

import pytest

from orchestration.emulator_process import SAMPLE_WORLD
from tests.kg.conftest import Build, _build

RECORDED = "HuggingFaceH4/zephyr-7b-beta"
P, Q = RECORDED, "meta-llama/Llama-3.1-8B-Instruct"  # parents: recorded models of the sample world
SHAPES = [json.loads(line) for line in (Path(__file__).parent / "shapes.jsonl").read_text("utf-8").splitlines()]
RELATIONS = ("adapter", "finetune", "merge", "quantized")
LINEAGE = tuple(f"model_{r}_model" for r in RELATIONS)


def _fill(value, model_id: str):
    """`{self}`, `{P}`, `{Q}`, `{P_mixed_case}` in a fixture value, recursively."""
    if isinstance(value, str):
        for name, text in (("{self}", model_id), ("{P_mixed_case}", "huggingfaceh4/Zephyr-7B-Beta"), ("{P}", P)):
            value = value.replace(name, text)
        return value.replace("{Q}", Q)
    if isinstance(value, list):
        return [_fill(v, model_id) for v in value]
    if isinstance(value, dict):
        return {_fill(k, model_id): _fill(v, model_id) for k, v in value.items()}
    return value


def shape_id(shape: dict) -> str:
    return f"HuggingFaceH4/shape-{shape['shape'].replace('_', '-')}"


def shape_body(recorded: dict, shape: dict, n: int) -> dict:
    """The recorded body with its lineage statements replaced by the shape's and the shape's fields set."""
    model_id = shape_id(shape)
    body = copy.deepcopy(recorded)
    body.update(_id=f"{n:024x}", id=model_id, modelId=model_id, createdAt="2024-06-01T00:00:00.000Z")
    body["tags"] = [t for t in body["tags"] if not t.startswith("base_model:")] + _fill(shape.get("tags", []), model_id)
    card = {k: v for k, v in (body.get("cardData") or {}).items() if k not in ("base_model", "base_model_relation")}
    if "card_base_model" in shape:
        card["base_model"] = _fill(shape["card_base_model"], model_id)
    body["cardData"] = card
    for field in ("createdAt", "lastModified", "gated", "disabled"):
        if field in shape:
            body[field] = shape[field]
    for field in shape.get("drop", []):
        body.pop(field)
    return body


@pytest.fixture(scope="module")
def shapes_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    work = tmp_path_factory.mktemp("shapes")
    world = work / "world"
    shutil.copytree(SAMPLE_WORLD, world)
    lines = (world / "models.jsonl").read_text("utf-8").splitlines()
    recorded = next(json.loads(line) for line in lines if json.loads(line)["id"] == RECORDED)
    bodies = [shape_body(recorded, shape, 0xFACE00 + n) for n, shape in enumerate(SHAPES)]
    (world / "models.jsonl").write_text("\n".join(lines + [json.dumps(b) for b in bodies]) + "\n", "utf-8")
    build = _build(world, work, "2026-11-22", work / "data")
    assert build.run.result.success
    return build


def _outcomes(build: Build, model_id: str) -> list[dict]:
    edges = [
        {"edge": relation, "head": head, "relation_source": source}
        for relation in LINEAGE
        for head, source in build.sql(
            f"SELECT base_model_id, relation_source FROM kg.{relation} WHERE model_id = ?", [model_id]
        )
    ]
    dangling = [
        {"dangling": relation, "head": head, "reason": reason}
        for relation, head, reason in build.sql(
            "SELECT relation, head, reason FROM kg.kg_dangling_edges WHERE tail = ? AND lineage_source IS NOT NULL",
            [model_id],
        )
    ]
    return edges + dangling


def _key(outcome: dict) -> str:
    return json.dumps(outcome, sort_keys=True)


@pytest.mark.parametrize("shape", SHAPES, ids=[s["shape"] for s in SHAPES])
def test_each_shape_has_its_documented_outcome(shapes_build: Build, shape: dict) -> None:
    model_id = shape_id(shape)
    expected = _fill(shape["expect"], model_id)
    assert sorted(map(_key, _outcomes(shapes_build, model_id))) == sorted(map(_key, expected))
    # the model itself is a node of the snapshot, whatever its shape
    node = shapes_build.sql("SELECT created_at, gated FROM kg.models WHERE id = ?", [model_id])
    assert len(node) == 1
    for column, value in shape.get("node", {}).items():
        assert node[0][("created_at", "gated").index(column)] == value


def _stated_pairs(bodies: list[dict]) -> set[tuple[str, str]]:
    """(base, model) for every parent a body states, in any form, read straight from the bodies the Hub served;
    ids in another case resolve to the model of that id, as the Hub resolves them."""
    canonical = {b["id"].lower(): b["id"] for b in bodies}
    pairs = set()
    for body in bodies:
        named = [t.split(":", 1)[1] for t in body.get("tags", []) if t.startswith("base_model:")]
        named = [v.split(":", 1)[1] if v.split(":")[0] in RELATIONS else v for v in named]
        card = (body.get("cardData") or {}).get("base_model")
        if isinstance(card, list):
            named += [v for v in card if v is not None]
        elif card is not None:
            named.append(card if isinstance(card, str) else json.dumps(card, separators=(",", ":")))
        base_models = body.get("baseModels")
        entries = base_models.get("models", []) if isinstance(base_models, dict) else base_models or []
        named += [m["id"] for m in entries]
        for base in (v.strip() for v in named if isinstance(v, str) and v.strip()):
            pairs.add((canonical.get(base.lower(), base), body["id"]))
    return pairs


def test_every_lineage_candidate_is_an_edge_a_dangling_edge_or_quarantined(shapes_build: Build) -> None:
    """Every (base, model) pair the bodies state, and every relation candidate staging derived from them, is
    exactly one of: an edge, a dangling edge with its reason, or quarantined with its reason."""
    bodies = [json.loads(line) for line in (shapes_build.world / "models.jsonl").read_text("utf-8").splitlines()]
    stated = _stated_pairs(bodies)
    edges = {
        (head, relation, tail)
        for relation in LINEAGE
        for head, tail in shapes_build.sql(f"SELECT base_model_id, model_id FROM kg.{relation}")
    }
    dangling = {
        (head, relation, tail): reason
        for head, relation, tail, reason in shapes_build.sql(
            "SELECT head, relation, tail, reason FROM kg.kg_dangling_edges WHERE relation IN ?", [list(LINEAGE)]
        )
    }
    quarantined = {
        model
        for _, model in stated
        if shapes_build.sql("SELECT 1 FROM raw.quarantine WHERE source = 'models' AND contains(locator, ?)", [model])
    }
    assert all(dangling.values())  # every dangling edge says why
    superseded = {e for e, reason in dangling.items() if reason.startswith("relation ")}
    # one outcome per stated pair: its winning relation is an edge or a dangling edge, or its model is quarantined
    outcome = {}
    for head, _, tail in edges | (dangling.keys() - superseded):
        assert (head, tail) not in outcome, f"two outcomes for {head} -> {tail}"
        outcome[(head, tail)] = True
    assert {p for p in stated if p[1] not in quarantined} == set(outcome)
    # and the sum over relation candidates: losers are kept in kg_dangling_edges with their reason
    candidates = shapes_build.sql("SELECT count(*) FROM intermediate.int_model_lineage")[0][0]
    assert candidates == len(edges) + len(dangling) + len(quarantined)
    assert superseded and any(head == tail for head, _, tail in dangling)  # the shapes' losers and self-reference
