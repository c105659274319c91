"""Strict readers of the benchmark export formats, failing on what the libraries would reject or silently drop.

PyKEEN (`TriplesFactory.from_path`) and LibKGE read tab-separated `head relation tail` lines; with the training
factory's entity/relation maps, PyKEEN drops valid/test triples whose entity or relation is not in train (so a
transductive split must have none). LibKGE's `entity_ids.del`/`relation_ids.del` are `<index>\\t<name>` with
indices 0..n-1. RecBole atomic files have a header of `name:type` fields (types `token`, `token_seq`, `float`,
`float_seq`), tab-separated rows with as many fields, and float fields that parse. PyG takes `edge_index` as a
2 × E int64 array of node indices < N, and per-node `y` and masks with N rows. (pykeen needs torch, which is not
practical to install here; these readers check the documented formats instead.)
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

RECBOLE_TYPES = {"token", "token_seq", "float", "float_seq"}


def read_triples(path: Path) -> list[tuple[str, str, str]]:
    triples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split("\t")
        if len(fields) != 3 or any(not f or f != f.strip() for f in fields):
            raise ValueError(f"{path.name}:{number}: not a head\\trelation\\ttail line: {line!r}")
        triples.append((fields[0], fields[1], fields[2]))
    return triples


def read_ids(path: Path) -> list[str]:
    """A LibKGE `.del` map: names by index; indices must be 0..n-1, names unique."""
    names = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        index, _, name = line.partition("\t")
        if index != str(number) or not name:
            raise ValueError(f"{path.name}:{number + 1}: expected '{number}\\t<name>', got {line!r}")
        names.append(name)
    if len(set(names)) != len(names):
        raise ValueError(f"{path.name}: duplicate names")
    return names


def read_kge_folder(folder: Path, transductive: bool, splits: tuple[str, ...] = ("valid", "test")) -> dict:
    """train/valid/test of a LibKGE/PyKEEN folder; every split non-empty, every id in the maps, and when
    `transductive` every valid/test entity and relation in train (else PyKEEN would drop the triple)."""
    entities, relations = set(read_ids(folder / "entity_ids.del")), set(read_ids(folder / "relation_ids.del"))
    read = {split: read_triples(folder / f"{split}.txt") for split in ("train", *splits)}
    seen_entities = {e for h, _, t in read["train"] for e in (h, t)}
    seen_relations = {r for _, r, _ in read["train"]}
    for split, triples in read.items():
        if not triples:
            raise ValueError(f"{folder.name}/{split}.txt is empty")
        for h, r, t in triples:
            if h not in entities or t not in entities or r not in relations:
                raise ValueError(f"{folder.name}/{split}.txt: {h, r, t} not in the id maps")
            if transductive and split != "train" and not ({h, t} <= seen_entities and r in seen_relations):
                raise ValueError(f"{folder.name}/{split}.txt: {h, r, t} has an entity or relation not in train")
    return read


def read_recbole(path: Path) -> list[dict[str, object]]:
    """A RecBole atomic file as typed rows; at least one row."""
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    columns = [field.rpartition(":") for field in header.split("\t")]
    for name, sep, kind in columns:
        if not sep or not name or kind not in RECBOLE_TYPES:
            raise ValueError(f"{path.name}: header field {name + sep + kind!r} is not name:type with a RecBole type")
    rows = []
    for number, line in enumerate(lines, 2):
        values = line.split("\t")
        if len(values) != len(columns):
            raise ValueError(f"{path.name}:{number}: {len(values)} fields, header has {len(columns)}")
        row: dict[str, object] = {}
        for (name, _, kind), value in zip(columns, values, strict=True):
            row[name] = float(value) if kind == "float" else value
            if kind == "float" and not math.isfinite(float(value)):
                raise ValueError(f"{path.name}:{number}: {name} is not a finite float")
            if kind == "token" and not value:
                raise ValueError(f"{path.name}:{number}: empty token {name}")
        rows.append(row)
    if not rows:
        raise ValueError(f"{path.name} has a header and no rows")
    return rows


def read_pyg(folder: Path, nodes: int, tasks: int) -> dict[str, np.ndarray]:
    """The classification arrays, with the shapes and dtypes PyG's `Data(edge_index=, y=, *_mask=)` expects."""
    arrays = {
        name: np.load(folder / f"{name}.npy") for name in ("edge_index", "y", "train_mask", "val_mask", "test_mask")
    }
    edge_index = arrays["edge_index"]
    if edge_index.dtype != np.int64 or edge_index.ndim != 2 or edge_index.shape[0] != 2:
        raise ValueError(f"edge_index is {edge_index.dtype} {edge_index.shape}, not int64 2 × E")
    if edge_index.size and (edge_index.min() < 0 or edge_index.max() >= nodes):
        raise ValueError("edge_index has a node index outside 0..N-1")
    if arrays["y"].shape != (nodes, tasks) or arrays["y"].dtype != np.float32:
        raise ValueError(f"y is {arrays['y'].dtype} {arrays['y'].shape}, not float32 {(nodes, tasks)}")
    masks = [arrays[f"{m}_mask"] for m in ("train", "val", "test")]
    if any(m.shape != (nodes,) or m.dtype != np.bool_ for m in masks):
        raise ValueError("a mask is not bool with N entries")
    if (np.sum(masks, axis=0) != 1).any():
        raise ValueError("every node must be in exactly one of train/val/test")
    return arrays
