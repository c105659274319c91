"""HuggingBench splits from a real pipeline run: reproducible, disjoint, leak-free, and loadable as documented."""

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from tests.benchmarks.conftest import LEAKY_TAGS, MIN_LIKES, PROSE, SNAPSHOT, BenchBuild

SPLITS = ("train", "valid", "test")
RECBOLE_TYPES = {"token", "token_seq", "float", "float_seq"}


def read_atomic(path: Path) -> tuple[list[str], list[list[str]]]:
    """A RecBole atomic file as documented: a header of tab-separated `name:type`, then tab-separated rows."""
    header, *rows = path.read_text(encoding="utf-8").split("\n")
    assert rows[-1] == ""  # newline-terminated
    fields = header.split("\t")
    for field in fields:
        name, kind = field.split(":")
        assert name and kind in RECBOLE_TYPES, field
    parsed = [row.split("\t") for row in rows[:-1]]
    assert all(len(row) == len(fields) for row in parsed)
    return [f.split(":")[0] for f in fields], parsed


def read_triples(path: Path) -> list[tuple[str, str, str]]:
    """Tab-separated head, relation, tail lines, as PyKEEN's `TriplesFactory.from_path` and LibKGE read them."""
    lines = path.read_text(encoding="utf-8").splitlines()
    triples = [tuple(line.split("\t")) for line in lines]
    assert all(len(t) == 3 and all(t) for t in triples)
    return triples


def stats(build: BenchBuild) -> dict[tuple, tuple]:
    rows = build.sql(
        "SELECT benchmark, variant, split, metric, value, detail FROM benchmarks.benchmark_stats "
        "WHERE snapshot_date = ? AND metric <> 'label_count'",
        [SNAPSHOT],
    )
    return {r[:4]: r[4:] for r in rows}


def test_pipeline_builds_benchmarks_and_records_unavailable_variants(pipeline: BenchBuild) -> None:
    assert pipeline.run.result.success
    checks = [e for e in pipeline.run.result.get_asset_check_evaluations() if e.asset_key.path[0] == "benchmarks"]
    assert checks and all(e.passed for e in checks), [e.check_name for e in checks if not e.passed]
    assert {"benchmarks/recommendation_files", "benchmarks/classification_files"} <= pipeline.run.materialized()
    s = stats(pipeline)
    assert s[("settings", None, None, "rec_min_user_likes")][0] == 5  # the documented default
    # likes carry their time (users' likes lists): the temporal variant exists wherever interactions do
    interactions = s[("recommendation", None, None, "interactions")][0]
    assert s[("recommendation", "temporal", None, "available")][0] == (interactions > 0)
    assert s[("recommendation", None, None, "kcore_holds")][0] == 1
    assert s[("classification", "time", None, "available")][0] == 1


def test_same_snapshot_and_seed_give_byte_identical_files(rebuilt: BenchBuild) -> None:
    files = sorted(p.relative_to(rebuilt.first) for p in rebuilt.first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(rebuilt.second) for p in rebuilt.second.rglob("*") if p.is_file())
    assert len(files) > 30
    for f in files:
        assert (rebuilt.first / f).read_bytes() == (rebuilt.second / f).read_bytes(), f


def test_recommendation_splits_and_kcore(rebuilt: BenchBuild) -> None:
    rows = pq.read_table(rebuilt.first / "recommendation" / "interactions.parquet").to_pylist()
    assert rows
    pairs = Counter((r["user_id"], r["item_id"]) for r in rows)
    assert max(pairs.values()) == 1  # one split per interaction
    users, items = Counter(r["user_id"] for r in rows), Counter(r["item_id"] for r in rows)
    assert min(users.values()) >= MIN_LIKES and min(items.values()) >= MIN_LIKES  # the k-core holds
    train = [r for r in rows if r["split_random"] == "train"]
    assert {r["user_id"] for r in train} == set(users)  # every user keeps a training like
    assert {r["item_id"] for r in rows if r["split_random"] != "train"} <= {r["item_id"] for r in train}
    assert all(re.fullmatch(r"(model|dataset|space):.+/.+|(model|dataset|space):[^/]+", r["item_id"]) for r in rows)
    # temporal split: global cut-offs on like time, train < valid < test, at about the random split's shares
    assert all(r["liked_at"] is not None and r["split_temporal"] in SPLITS for r in rows)
    times = {s: sorted(r["liked_at"] for r in rows if r["split_temporal"] == s) for s in SPLITS}
    assert times["train"][-1] < times["valid"][0] and times["valid"][-1] < times["test"][0]
    assert 0.7 <= len(times["train"]) / len(rows) <= 0.9

    social = pq.read_table(rebuilt.first / "recommendation" / "social.parquet").to_pylist()
    assert all(s["follower_id"] in users and s["followee_id"] in users for s in social)
    kg = pq.read_table(rebuilt.first / "recommendation" / "kg.parquet").to_pylist()
    assert not any(t["relation"].startswith("user_like_") for t in kg)  # interactions never leak through the KG
    by_variant = {
        v: {(t["head"], t["relation"], t["tail"]) for t in kg if t["variant"] == v}
        for v in ("1hop", "2hop", "homo", "publish")
    }
    assert by_variant["1hop"] <= by_variant["2hop"]
    assert by_variant["homo"] | by_variant["publish"] <= by_variant["1hop"]
    assert all("_publish_" in r for _, r, _ in by_variant["publish"])
    assert all(h in items or t in items for h, _, t in by_variant["1hop"])


def test_recbole_atomic_files_load(rebuilt: BenchBuild) -> None:
    recbole = rebuilt.first / "recommendation" / "recbole"
    inter = {}
    for split in SPLITS:
        fields, rows = read_atomic(recbole / "huggingbench" / f"huggingbench.{split}.inter")
        assert fields == ["user_id", "item_id"]
        inter[split] = {tuple(r) for r in rows}
    assert not (inter["train"] & inter["valid"] or inter["train"] & inter["test"] or inter["valid"] & inter["test"])
    fields, follows = read_atomic(recbole / "huggingbench" / "huggingbench.net")
    assert fields == ["source_id", "target_id"]
    all_items = {i for split in inter.values() for _, i in split}
    for variant in ("1hop", "2hop", "homo", "publish"):
        folder = recbole / f"huggingbench_kg_{variant}"
        fields, triples = read_atomic(folder / f"{folder.name}.kg")
        assert fields == ["head_id", "relation_id", "tail_id"]
        fields, links = read_atomic(folder / f"{folder.name}.link")
        assert fields == ["item_id", "entity_id"] and {i for i, _ in links} == all_items
        assert all(i == e for i, e in links)  # items are KG entities under the same id
        for split in SPLITS:  # the same file under the variant's name, stored once
            inter_file = folder / f"{folder.name}.{split}.inter"
            assert inter_file.stat().st_ino == (recbole / "huggingbench" / f"huggingbench.{split}.inter").stat().st_ino
        assert (folder / f"{folder.name}.link").stat().st_ino == (
            recbole / "huggingbench_kg_1hop" / "huggingbench_kg_1hop.link"
        ).stat().st_ino
    temporal = recbole / "huggingbench_temporal"
    fields, rows = read_atomic(temporal / "huggingbench_temporal.test.inter")
    assert fields == ["user_id", "item_id", "timestamp"] and rows
    _, train = read_atomic(temporal / "huggingbench_temporal.train.inter")
    assert max(float(t) for *_, t in train) < min(float(t) for *_, t in rows)


def test_classification_features_reveal_no_label(rebuilt: BenchBuild) -> None:
    nodes = {n["node_id"]: n for n in pq.read_table(rebuilt.first / "classification" / "nodes.parquet").to_pylist()}
    tasks = rebuilt.sql("SELECT task_id, label FROM benchmarks.cls_tasks WHERE snapshot_date = ?", [SNAPSHOT])

    def norm(s: str) -> str:
        return re.sub(r"[^a-z0-9]", "", s.lower())

    revealing = {norm(t) for pair in tasks for t in pair}
    for node in nodes.values():
        for tag in node["tags"]:
            assert not any(r in norm(tag) for r in revealing), (node["node_id"], tag)
            assert not tag.startswith(("task_categories:", "task_ids:", "pipeline_tag:"))

    model = nodes[f"model:{rebuilt.planted.model}"]
    (raw_tags,) = rebuilt.sql(
        "SELECT other FROM kg.models WHERE id = ? AND snapshot_date = ?", [rebuilt.planted.model, SNAPSHOT]
    )[0]
    assert {t for t in LEAKY_TAGS if ":" not in t} <= set(raw_tags)  # planted, and reached the kg
    assert not set(LEAKY_TAGS) & set(model["tags"]) and "text-classification" not in model["text"]
    dataset = nodes[f"dataset:{rebuilt.planted.dataset}"]
    assert "text-classification" in dataset["labels"]
    assert "---" not in dataset["text"] and "task_categories" not in dataset["text"] and PROSE in dataset["text"]
    (readme,) = rebuilt.sql(
        "SELECT body ->> 'text' FROM raw.readmes WHERE key = ? AND snapshot_date = ?",
        [f"datasets/{rebuilt.planted.dataset}", SNAPSHOT],
    )[0]
    assert readme.startswith("---\n") and "task_categories:\n- text-classification" in readme  # planted, crawled
    (card_text,) = rebuilt.sql(
        "SELECT card_text FROM kg.datasets WHERE id = ? AND snapshot_date = ?", [rebuilt.planted.dataset, SNAPSHOT]
    )[0]
    assert PROSE in card_text and "task_categories" not in card_text


def test_classification_time_split_and_arrays(rebuilt: BenchBuild) -> None:
    out = rebuilt.first / "classification"
    nodes = pq.read_table(out / "nodes.parquet").to_pylist()
    assert [n["node_index"] for n in nodes] == list(range(len(nodes)))
    dated = {s: [n["created_at"] for n in nodes if n["split"] == s and n["created_at"]] for s in SPLITS}
    assert max(dated["train"]) < min(dated["valid"]) and max(dated["valid"]) < min(dated["test"])
    assert all(n["split"] == "train" for n in nodes if n["created_at"] is None)

    task_lines = [line.split("\t") for line in (out / "task_to_id.txt").read_text(encoding="utf-8").splitlines()]
    assert [t for t, _ in task_lines] == sorted(t for t, _ in task_lines)
    assert [int(i) for _, i in task_lines] == list(range(len(task_lines)))
    task_id = dict((t, int(i)) for t, i in task_lines)

    y = np.load(out / "y.npy")
    assert y.shape == (len(nodes), len(task_lines)) and y.dtype == np.float32
    for n in nodes:
        assert set(np.flatnonzero(y[n["node_index"]])) == {task_id[t] for t in n["labels"]}
    masks = {s: np.load(out / f"{s}_mask.npy") for s in ("train", "val", "test")}
    assert all(m.shape == (len(nodes),) and m.dtype == np.bool_ for m in masks.values())
    assert (masks["train"].astype(int) + masks["val"] + masks["test"] == 1).all()  # disjoint and covering
    assert masks["val"].sum() == sum(n["split"] == "valid" for n in nodes)
    edge_index = np.load(out / "edge_index.npy")
    edges = pq.read_table(out / "edges.parquet").to_pylist()
    assert edge_index.dtype == np.int64 and edge_index.shape == (2, len(edges))
    assert edge_index.size == 0 or (edge_index.min() >= 0 and edge_index.max() < len(nodes))
    assert {e["relation"] for e in edges} <= {
        "model_adapter_model",
        "model_finetune_model",
        "model_merge_model",
        "model_quantized_model",
        "model_trainedOrFineTunedOn_dataset",
        "cite_same_paper",
    }


def test_tracing_splits_load_and_hold(rebuilt: BenchBuild) -> None:
    out = rebuilt.first / "tracing"
    created = {r["tail"]: r["tail_created_at"] for r in pq.read_table(out / "triples.parquet").to_pylist()}
    for variant in ("random", "temporal"):
        split = {s: read_triples(out / variant / f"{s}.txt") for s in SPLITS}
        every = [t for s in SPLITS for t in split[s]]
        assert len(every) == len(set(every))  # no triple in two splits
        entities = dict(line.split("\t")[::-1] for line in (out / variant / "entity_ids.del").read_text().splitlines())
        relations = dict(
            line.split("\t")[::-1] for line in (out / variant / "relation_ids.del").read_text().splitlines()
        )
        assert {x for h, _, t in every for x in (h, t)} == set(entities)
        assert {r for _, r, _ in every} == set(relations)
        assert sorted(int(i) for i in entities.values()) == list(range(len(entities)))
        if variant == "random":
            seen = {x for h, _, t in split["train"] for x in (h, t)}
            assert all(h in seen and t in seen for s in ("valid", "test") for h, _, t in split[s])  # transductive
            assert split["valid"] and split["test"]
        else:
            times = {s: [created[t] for _, _, t in split[s] if created[t]] for s in SPLITS}
            assert max(times["train"]) < min(times["valid"]) and max(times["valid"]) < min(times["test"])


def test_print_split_sizes(rebuilt: BenchBuild) -> None:
    s = stats(rebuilt)
    print(f"\nHuggingBench splits on the 1,500-node test world (snapshot {SNAPSHOT}, k-core {MIN_LIKES}/{MIN_LIKES}):")
    for benchmark, variant, unit in (
        ("recommendation", "random", "interactions"),
        ("classification", "time", "nodes"),
        ("tracing", "random", "triples"),
        ("tracing", "temporal", "triples"),
    ):
        sizes = {sp: int(s.get((benchmark, variant, sp, unit), (0,))[0]) for sp in SPLITS}
        total = sum(sizes.values())
        ratios = "/".join(f"{100 * sizes[sp] / total:.1f}" for sp in SPLITS)
        print(f"  {benchmark:<15} {variant:<9} {sizes} ({ratios} %)")
        assert total > 0
