"""The interactive atlas of one snapshot as a static folder, ready to be a Hub Space (`sdk: static`).

    index.html                  the page (no inline script; a CSP allows only this folder)
    atlas.js                    sigma.js + graphology + the page's code, bundled once by esbuild (atlas/web/)
    THIRD_PARTY_LICENSES.txt    licences of the bundled packages
    data.json.gz                the forest: columnar JSON (ids, positions, attribute codes, edges), gzip
    atlas.png, atlas.svg        the still picture
    README.md                   the Space card

The same forest always gives the same bytes (gzip without a timestamp, sorted rows), so republishing an
unchanged snapshot commits nothing.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from string import Template

import duckdb
import numpy as np
import pandas as pd
import yaml

from atlas.frame import ATTRIBUTES, LineageForest, table_exists
from atlas.still import RELATION_COLOURS
from release.sanitize import card_text

WEB = Path(__file__).parent / "web"
BUNDLE = WEB / "dist" / "atlas.js"
LICENCES = WEB / "dist" / "THIRD_PARTY_LICENSES.txt"
DATA_FILE = "data.json.gz"


def _codes(values: pd.Series) -> tuple[list[int], list[str]]:
    codes, vocabulary = pd.factorize(values.fillna("unknown").astype(str), sort=True)
    return codes.tolist(), [str(v) for v in vocabulary]


def page_data(forest: LineageForest, hub_url: str) -> dict[str, object]:
    """The columnar data the page reads: one entry per node in every list, edges as node indices."""
    nodes = forest.nodes
    index = pd.Index(nodes["model_id"])
    month = pd.to_datetime(nodes["created_at"], utc=True).dt.strftime("%Y-%m")
    month_codes, months = pd.factorize(month, sort=True)
    component_codes, component_ids = pd.factorize(nodes["component_id"], sort=True)
    per_component = nodes.groupby(component_codes).agg(root=("component_root", "first"), size=("model_id", "size"))
    imputed = np.where(
        nodes["relation_type"] == "placeholder", "placeholder", np.where(nodes["imputed"], "imputed", "stated")
    )
    data: dict[str, object] = {
        "snapshot": forest.snapshot.isoformat(),
        "hub": hub_url.rstrip("/"),
        "ids": nodes["model_id"].tolist(),
        "x": np.round(nodes["x"].to_numpy(), 2).tolist(),
        "y": np.round(nodes["y"].to_numpy(), 2).tolist(),
        "downloads": nodes["downloads"].fillna(0).astype(np.int64).tolist(),
        "subtree": nodes["sub_tree_downloads"].fillna(0).astype(np.int64).tolist(),
        "component": component_codes.tolist(),
        "families": [
            r if isinstance(r, str) else str(c) for r, c in zip(per_component["root"], component_ids, strict=True)
        ],
        "familySize": per_component["size"].astype(int).tolist(),
        "month": month_codes.tolist(),
        "months": [str(m) for m in months],
        "palette": {"relation": RELATION_COLOURS},
        "vocab": {},
        "edges": {
            "source": index.get_indexer(forest.edges["base_model_id"]).tolist(),
            "target": index.get_indexer(forest.edges["model_id"]).tolist(),
        },
    }
    vocab: dict[str, list[str]] = {}
    for name, values in [("relation", nodes["relation_type"]), *((a, nodes[a]) for a in ATTRIBUTES)]:
        data[name], vocab[name] = _codes(values)
    data["imputed"], vocab["imputed"] = _codes(pd.Series(imputed))
    data["vocab"] = vocab
    return data


def imputation_sections(con: duckdb.DuckDBPyConnection, snapshot: date) -> list[str]:
    """The card's imputation tables, this snapshot's figures beside Model Atlas's (Table 1b, Table 1a)."""
    votes = con.execute(
        "SELECT attribute, evaluated_models, global_accuracy, hub_accuracy, paper_global_accuracy, "
        "paper_hub_accuracy FROM atlas.imputation WHERE snapshot_date = ? ORDER BY attribute",
        [snapshot],
    ).fetchall()
    # Each entry is a paragraph of the card; a table's rows stay together in one.
    lines = [
        "## Metadata imputation by hub majority vote (Model Atlas Table 1b)",
        "Leave-one-out on documented values: each model's attribute hidden and predicted by its siblings' "
        "majority (hub) or the most common value (global).",
        "\n".join(
            [
                "| attribute | evaluated | global | hub | paper global | paper hub |",
                "|---|---|---|---|---|---|",
                *(f"| {a} | {n:,} | {g:.2f} | {h:.2f} | {pg or '–'} | {ph or '–'} |" for a, n, g, h, pg, ph in votes),
            ]
        ),
    ]
    knn = (
        con.execute(
            "SELECT benchmark, metric, labelled_models, method, evaluated_models, mse, mae, correlation, paper_mse, "
            "paper_mae, paper_correlation FROM atlas.accuracy_imputation WHERE snapshot_date = ? "
            "ORDER BY labelled_models DESC, benchmark, metric, method = 'global_mean' DESC, method",
            [snapshot],
        ).fetchall()
        if table_exists(con, "atlas.accuracy_imputation")
        else []
    )
    lines += [
        "## Accuracy imputation by graph k-NN (Model Atlas Table 1a)",
        "Scores from the cards' `model-index`; a held-out model's score = mean of its k nearest scored models by "
        "lineage path length. The paper's column is TruthfulQA (mc2) on the Mistral-7B component.",
    ]
    if not knn:
        return [*lines, "No benchmark is reported by enough models in this snapshot."]
    table = [
        "| benchmark | metric | scored models | method | evaluated | MSE | MAE | corr. "
        "| paper MSE | paper MAE | paper corr. |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for b, m, n, method, e, mse, mae, corr, pmse, pmae, pcorr in knn:
        cells = [card_text(b, 80), card_text(m, 40), f"{n:,}", method, f"{e:,}"]
        cells += [_figure(v) for v in (mse, mae, corr, pmse, pmae, pcorr)]
        table.append("| " + " | ".join(cells) + " |")
    return [*lines, "\n".join(table)]


def _figure(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.3f}"


def space_card(forest: LineageForest, datasets: list[str], hub_url: str, sections: list[str]) -> str:
    """README.md of the Space: the static-Space header, what the page shows, where the data comes from."""
    header = {
        "title": "HubKG model atlas",
        "emoji": "🗺️",
        "colorFrom": "blue",
        "colorTo": "green",
        "sdk": "static",
        "app_file": "index.html",
        "pinned": False,
        "tags": ["hubkg", "model-atlas", "huggingface-hub"],
    }
    nodes = forest.nodes
    lines = [
        f"---\n{yaml.safe_dump(header, sort_keys=False, allow_unicode=True)}---",
        "# HubKG model atlas",
        f"The lineage forest of the Hugging Face Hub on snapshot {forest.snapshot.isoformat()}: "
        f"{len(nodes):,} models with a parent or a child, {len(forest.edges):,} lineage edges, "
        f"{nodes['component_id'].nunique():,} families. Search a model id, colour by relation, task, library, "
        "licence or stated-vs-imputed metadata, filter a family, slide through creation months, click a model "
        "for its parent chain and children.",
        "![The atlas](atlas.png)",
        "Data: " + ", ".join(f"[{d}]({hub_url.rstrip('/')}/datasets/{d})" for d in datasets) + ". "
        "Built by HubKG; sigma.js and graphology are MIT-licensed (THIRD_PARTY_LICENSES.txt).",
        *sections,
    ]
    return "\n\n".join(lines) + "\n"


def write_page(
    folder: Path,
    forest: LineageForest,
    pictures: tuple[bytes, bytes],
    hub_url: str,
    datasets: list[str],
    sections: Sequence[str] = (),
) -> Path:
    """Write the Space folder for `forest` (replacing an older one) and return it."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    page = Template((WEB / "index.html").read_text(encoding="utf-8"))
    (folder / "index.html").write_text(page.substitute(snapshot=forest.snapshot.isoformat()), encoding="utf-8")
    shutil.copyfile(BUNDLE, folder / "atlas.js")
    shutil.copyfile(LICENCES, folder / "THIRD_PARTY_LICENSES.txt")
    payload = json.dumps(page_data(forest, hub_url), separators=(",", ":"), ensure_ascii=False)
    (folder / DATA_FILE).write_bytes(gzip.compress(payload.encode("utf-8"), compresslevel=6, mtime=0))
    (folder / "atlas.png").write_bytes(pictures[0])
    (folder / "atlas.svg").write_bytes(pictures[1])
    (folder / "README.md").write_text(space_card(forest, datasets, hub_url, list(sections)), encoding="utf-8")
    return folder
