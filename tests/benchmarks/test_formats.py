"""The benchmark exports read back in their libraries' formats (strict readers of tests/benchmarks/formats.py):
LibKGE/PyKEEN tracing folders (random transductive; temporal with its filtered transductive valid/test), RecBole
atomic files with typed headers and rows, PyG arrays whose shapes agree with the node table."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.benchmarks.conftest import BenchBuild
from tests.benchmarks.formats import read_kge_folder, read_pyg, read_recbole, read_triples


def test_tracing_folders_load_as_pykeen_and_libkge_would(rebuilt: BenchBuild) -> None:
    tracing = rebuilt.first / "tracing"
    read_kge_folder(tracing / "random", transductive=True)
    temporal = read_kge_folder(tracing / "temporal", transductive=False)
    train = {e for h, _, t in temporal["train"] for e in (h, t)}
    for split in ("valid", "test"):
        kept = read_triples(tracing / "temporal" / f"{split}_transductive.txt")
        assert set(kept) == {(h, r, t) for h, r, t in temporal[split] if {h, t} <= train}, split
    assert "do not occur in train.txt" in (tracing / "temporal" / "README.txt").read_text(encoding="utf-8")


def test_recbole_atomic_files_have_typed_headers_and_rows(rebuilt: BenchBuild) -> None:
    files = sorted((rebuilt.first / "recommendation" / "recbole").rglob("*.*"))
    assert {f.suffix for f in files} == {".inter", ".net", ".kg", ".link"}
    for path in files:
        rows = read_recbole(path)  # raises on a header-only file
        if path.suffix == ".inter":
            assert {"user_id", "item_id"} <= rows[0].keys()
    temporal = rebuilt.first / "recommendation" / "recbole" / "huggingbench_temporal"
    assert isinstance(read_recbole(temporal / "huggingbench_temporal.train.inter")[0]["timestamp"], float)


def test_pyg_arrays_agree_with_the_node_table(rebuilt: BenchBuild) -> None:
    folder = rebuilt.first / "classification"
    nodes = pq.read_table(folder / "nodes.parquet").to_pylist()
    tasks = len((folder / "task_to_id.txt").read_text(encoding="utf-8").splitlines())
    arrays = read_pyg(folder, len(nodes), tasks)
    assert [n["node_index"] for n in nodes] == list(range(len(nodes)))
    assert arrays["y"].sum(axis=1).tolist() == [float(len(n["label_indices"])) for n in nodes]
    assert arrays["test_mask"].tolist() == [n["split"] == "test" for n in nodes]


@pytest.mark.fast
def test_the_readers_reject_what_the_libraries_would(tmp_path: Path) -> None:
    kge = tmp_path / "kge"
    kge.mkdir()
    (kge / "entity_ids.del").write_text("0\ta\n1\tb\n2\tc\n", encoding="utf-8")
    (kge / "relation_ids.del").write_text("0\tr\n", encoding="utf-8")
    (kge / "train.txt").write_text("a\tr\tb\n", encoding="utf-8")
    (kge / "valid.txt").write_text("a\tr\tb\n", encoding="utf-8")
    (kge / "test.txt").write_text("a\tr\tc\n", encoding="utf-8")  # c is not in train
    read_kge_folder(kge, transductive=False)
    with pytest.raises(ValueError, match="not in train"):
        read_kge_folder(kge, transductive=True)
    (kge / "test.txt").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="test.txt is empty"):
        read_kge_folder(kge, transductive=False)

    inter = tmp_path / "x.inter"
    inter.write_text("user_id:token\titem_id\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not name:type"):
        read_recbole(inter)
    inter.write_text("user_id:token\titem_id:token\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no rows"):
        read_recbole(inter)
    inter.write_text("user_id:token\ttimestamp:float\nu\tyesterday\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_recbole(inter)
