"""The generated dataset card of a release: YAML header with `configs`, then what a user needs to trust the data.

Only HubKG's own constants and sanitised values go into the card; untrusted Hub text never does unescaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

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


def _schema_changes(manifest: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    if previous is None:
        return ["First release."]
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
    return changes or [f"No schema change since the release of {previous.get('snapshot_date')}."]


def render_card(
    spec: ReleaseSpec, manifest: dict[str, Any], previous: dict[str, Any] | None, sections: Sequence[str] = ()
) -> str:
    header = {
        "pretty_name": spec.title,
        "license": "other",
        "license_name": "hub-metadata",
        "tags": ["knowledge-graph", "huggingface-hub", "hubkg"],
        "configs": [
            {
                "config_name": t.config,
                "data_files": [
                    {"split": split, "path": f"data/{t.config}/{split}-*.parquet"}
                    for split in manifest["tables"][t.config]["rows"]
                ],
            }
            for t in spec.tables
        ],
    }
    lines = [
        f"---\n{yaml.safe_dump(header, sort_keys=False, allow_unicode=True)}---",
        f"# {spec.title}",
        spec.summary,
        f"**Snapshot:** {manifest['snapshot_date']} (observed {manifest['observed'][0]} – {manifest['observed'][1]}).",
        "## Contents",
        "| config | split | rows | contents |",
        "|---|---|---|---|",
    ]
    for t in spec.tables:
        for split, rows in manifest["tables"][t.config]["rows"].items():
            lines.append(f"| `{t.config}` | {split} | {rows:,} | {card_text(t.description)} |")
    lines.append("## Schema")
    for t in spec.tables:
        columns = ", ".join(f"`{name}` {kind}" for name, kind in manifest["tables"][t.config]["columns"])
        lines.append(f"- `{t.config}`: {columns}")
    lines += ["## Provenance", PROVENANCE, *spec.notes, *sections]
    lines += ["## Licence", "Metadata of public Hub repositories; each repository keeps its own licence."]
    lines += ["## Changelog", *(f"- {change}" for change in _schema_changes(manifest, previous))]
    lines += ["## Citation", "HubKG follows the schema of HuggingKG / HuggingBench:", CITATION]
    return "\n\n".join(lines) + "\n"
