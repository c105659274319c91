"""The generated dataset card of a release, built with huggingface_hub's `DatasetCard` / `DatasetCardData`.

Metadata (license, pretty_name, task and size categories, `configs` with their data files, tags) goes through
`DatasetCardData` and is read back by `DatasetCard` before anything is written: a field the Hub would reject
raises `CardError` while the release folder is built, so publishing stops before any upload. The body says how to
load each config (`datasets`, pandas, DuckDB), how many rows each has and why an empty one is empty, and what
changed since the previous release. Only HubKG's own constants and sanitised values go into the card; untrusted
Hub text never does unescaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from huggingface_hub import CardData, DatasetCard, DatasetCardData

from release.sanitize import card_text
from release.spec import ReleaseSpec

CITATION = """```bibtex
@inproceedings{chen2025huggingbench,
  title     = {Benchmarking Recommendation, Classification, and Tracing Based on Hugging Face Knowledge Graph},
  author    = {Chen, Qiaosheng and Huang, Kaijia and Zhou, Xiao and Luo, Weiqing and Cui, Yuanning and Cheng, Gong},
  booktitle = {SIGIR},
  year      = {2025},
  note      = {arXiv:2505.17507}
}
```"""

PROVENANCE = (
    "Collected through the public Hugging Face Hub API with `huggingface_hub`: `GET /api/models`, "
    "`/api/datasets`, `/api/spaces` (full listings, explicit `expand`), `/api/collections` and "
    "`/api/collections/{slug}`, `/api/papers/{arxiv_id}`, `/api/{type}s/{id}/likers`, user and organisation "
    "overviews, followers and members. `downloads` is the Hub's rolling 30-day count at snapshot time; "
    "`downloads_all_time` is the lifetime count. Card metadata written by repo authors is parsed, never evaluated; "
    "free text from it is sanitised before it is republished."
)

# The Hub's accepted values (https://huggingface.co/docs/hub/datasets-cards): what the card validator checks.
SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)
TASK_CATEGORIES = frozenset(
    {"graph-ml", "text-classification", "tabular-classification", "feature-extraction", "text-retrieval", "other"}
)
LICENSE_NAME, LICENSE_LINK = "hub-metadata", "https://huggingface.co/terms-of-service"
TAGS = ["knowledge-graph", "huggingface-hub", "hubkg"]


class CardError(ValueError):
    """The card's metadata would not validate on the Hub: the release must not be published."""


def size_category(rows: int) -> str:
    return next((name for limit, name in SIZE_CATEGORIES if rows < limit), "n>1B")


def _card_data(spec: ReleaseSpec, manifest: dict[str, Any]) -> DatasetCardData:
    total = sum(sum(t["rows"].values()) for t in manifest["tables"].values())
    configs = [
        {
            "config_name": t.config,
            "data_files": [
                {"split": split, "path": f"data/{t.config}/{split}-*.parquet"}
                for split in manifest["tables"][t.config]["rows"]
            ],
        }
        for t in spec.tables
    ]
    return DatasetCardData(
        pretty_name=spec.title,
        task_categories=list(spec.task_categories),
        size_categories=[size_category(total)],
        tags=TAGS,
        configs=configs,
        license="other",
        license_name=LICENSE_NAME,
        license_link=LICENSE_LINK,
    )


def _as_dict(data: CardData) -> dict[str, Any]:
    return dict(data.to_dict())  # type: ignore[no-untyped-call]


def validate_card(card: DatasetCard, expected: DatasetCardData) -> None:
    """Raise `CardError` if the card's metadata does not read back as written or holds a value the Hub rejects."""
    data = _as_dict(card.data)
    problems = [
        f"`{key}` reads back as {data.get(key)!r}"
        for key, value in _as_dict(expected).items()
        if data.get(key) != value
    ]
    problems += [f"unknown task category {t!r}" for t in data.get("task_categories") or [] if t not in TASK_CATEGORIES]
    sizes = {name for _, name in SIZE_CATEGORIES} | {"n>1B"}
    problems += [f"unknown size category {s!r}" for s in data.get("size_categories") or [] if s not in sizes]
    if not data.get("pretty_name"):
        problems.append("`pretty_name` is empty")
    if data.get("license") == "other" and not (data.get("license_name") and data.get("license_link")):
        problems.append("license `other` needs `license_name` and `license_link`")
    configs = data.get("configs") or []
    if not configs or any(not c.get("config_name") or not c.get("data_files") for c in configs):
        problems.append("every config needs a name and data files")
    if problems:
        raise CardError("dataset card metadata does not validate: " + "; ".join(problems))


def _how_to_load(repo_id: str, revision: str, config: str, empty: list[str]) -> list[str]:
    """Snippets a user can paste: every one of them runs in HubKG's test suite against the published repo."""
    blocks = [
        "## How to load",
        f"Each table is a config; `revision` pins a snapshot (tags `snapshot-YYYY-MM-DD`, this one `{revision}`).",
        "With 🤗 `datasets`:",
        f'```python\nfrom datasets import load_dataset\n\nds = load_dataset("{repo_id}", "{config}", '
        f'revision="{revision}")\nprint(ds)\n```',
        "With pandas (through `huggingface_hub`'s `hf://` file system):",
        f'```python\nimport pandas as pd\n\ndf = pd.read_parquet("hf://datasets/{repo_id}@{revision}/data/{config}")'
        "\nprint(len(df))\n```",
        "With DuckDB, over the downloaded parquet files (DuckDB's `httpfs` extension also reads `hf://` paths "
        "directly):",
        f'```python\nimport duckdb\nfrom huggingface_hub import snapshot_download\n\nfolder = snapshot_download("'
        f'{repo_id}", repo_type="dataset", revision="{revision}")\nprint(duckdb.sql(f"SELECT count(*) FROM '
        f"'{{folder}}/data/{config}/*.parquet'\").fetchall())\n```",
    ]
    if empty:
        blocks += [
            '`datasets` refuses to build a split with no rows (`Instruction "train" corresponds to no data`), so '
            f"a config that is empty on this snapshot ({', '.join(f'`{c}`' for c in empty)}) loads with "
            "`streaming=True`: 0 rows, every column typed. pandas and DuckDB read its empty parquet file as is.",
            f'```python\nfrom datasets import load_dataset\n\nempty = load_dataset("{repo_id}", "{empty[0]}", '
            f'revision="{revision}", streaming=True)\nprint(empty["train"].features)\n```',
        ]
    return blocks


def _contents(spec: ReleaseSpec, manifest: dict[str, Any]) -> list[str]:
    rows = ["| config | split | rows | contents |", "|---|---|---|---|"]
    for t in spec.tables:
        counts = manifest["tables"][t.config]["rows"]
        empty = f" **Empty on this snapshot:** {card_text(t.when_empty)}" if not sum(counts.values()) else ""
        for split, n in counts.items():
            rows.append(f"| `{t.config}` | {split} | {n:,} | {card_text(t.description)}{empty} |")
    schema = [
        f"- `{t.config}`: " + ", ".join(f"`{name}` {kind}" for name, kind in manifest["tables"][t.config]["columns"])
        for t in spec.tables
    ]
    return ["## Contents", "\n".join(rows), "## Schema", "\n".join(schema)]


def _schema_changes(manifest: dict[str, Any], previous: dict[str, Any]) -> list[str]:
    changes = []
    old_tables, new_tables = previous.get("tables", {}), manifest["tables"]
    for config in sorted(new_tables.keys() - old_tables.keys()):
        changes.append(f"New config `{config}`.")
    for config in sorted(old_tables.keys() - new_tables.keys()):
        changes.append(f"Config `{config}` removed.")
    for config in sorted(new_tables.keys() & old_tables.keys()):
        old = {name: kind for name, kind in old_tables[config]["columns"]}
        new = {name: kind for name, kind in new_tables[config]["columns"]}
        changes += [f"`{config}`: column `{c}` added ({new[c]})." for c in sorted(new.keys() - old.keys())]
        changes += [f"`{config}`: column `{c}` removed." for c in sorted(old.keys() - new.keys())]
        changes += [
            f"`{config}`: column `{c}` changed type {old[c]} → {new[c]}."
            for c in sorted(new.keys() & old.keys())
            if old[c] != new[c]
        ]
    return changes or ["No schema change."]


def _changes(manifest: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    """What changed since the release on the repo before this one: schema, then row counts per config."""
    if previous is None:
        return [
            "## Changes since the previous snapshot",
            "First release. There is no previous snapshot to compare with.",
        ]
    old_tables = previous.get("tables", {})
    rows = [f"| config | {previous.get('snapshot_date')} | {manifest['snapshot_date']} | change |", "|---|---|---|---|"]
    for config, table in sorted(manifest["tables"].items()):
        new = sum(table["rows"].values())
        old = sum(old_tables[config]["rows"].values()) if config in old_tables else None
        rows.append(
            f"| `{config}` | {'—' if old is None else f'{old:,}'} | {new:,} | "
            f"{'new' if old is None else f'{new - old:+,}'} |"
        )
    schema = "\n".join(f"- {change}" for change in _schema_changes(manifest, previous))
    return [
        "## Changes since the previous snapshot",
        f"Previous release: {previous.get('snapshot_date')}.",
        schema,
        "\n".join(rows),
    ]


def render_card(
    spec: ReleaseSpec,
    manifest: dict[str, Any],
    previous: dict[str, Any] | None,
    sections: Sequence[str] = (),
    repo_id: str | None = None,
) -> str:
    """The card's text (YAML header + Markdown); raises `CardError` when its metadata would not validate."""
    repo_id = repo_id or f"hubkg/hubkg-{spec.repo}"
    revision = f"snapshot-{manifest['snapshot_date']}"
    empty = [t.config for t in spec.tables if not sum(manifest["tables"][t.config]["rows"].values())]
    first = next((t.config for t in spec.tables if t.config not in empty), spec.tables[0].config)
    blocks = [
        f"# {spec.title}",
        spec.summary,
        f"**Snapshot:** {manifest['snapshot_date']} (observed {manifest['observed'][0]} – {manifest['observed'][1]}).",
        *_how_to_load(repo_id, revision, first, empty),
        *_contents(spec, manifest),
        "## Provenance",
        PROVENANCE,
        *spec.notes,
        *sections,
        *_changes(manifest, previous),
        "## Licence",
        "Metadata of public Hub repositories; each repository keeps its own licence.",
        "## Citation",
        "HubKG follows the schema of HuggingKG / HuggingBench:",
        CITATION,
    ]
    data = _card_data(spec, manifest)
    card = DatasetCard(f"---\n{data.to_yaml()}\n---\n\n" + "\n\n".join(blocks) + "\n")
    validate_card(card, data)
    return str(card)
