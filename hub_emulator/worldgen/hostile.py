"""Hostile card data: valid JSON that a careless pipeline would execute, resolve or choke on.

Real cards carry Jinja chat templates, ``configs`` whose ``data_files`` point at other repos or odd
URL schemes, megabyte-long fields, control characters and text that looks like YAML. None of it states
a graph edge: the truth files ignore it, so a pipeline that renders, fetches or re-parses it shows up
as a count mismatch or a crash.
"""

from __future__ import annotations

from typing import Any

LONG_STRING_CHARS = 100_000

KINDS = ("jinja", "data_files_reference", "data_files_hf_url", "long_string", "control_chars", "yaml_injection")


def payload(kind: str) -> dict[str, Any]:
    """Extra card keys for one hostile ``kind``."""
    if kind == "jinja":
        return {
            "extra_gated_prompt": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
            "widget": [{"text": "{% for i in range(10**9) %}{{ i }}{% endfor %}"}],
        }
    if kind == "data_files_reference":
        return {"configs": [{"config_name": "default", "data_files": "reference://~/.ssh/id_rsa"}]}
    if kind == "data_files_hf_url":
        return {
            "configs": [
                {
                    "config_name": "mirror",
                    "data_files": [{"split": "train", "path": "hf://datasets/other/repo/**/*.parquet"}],
                }
            ]
        }
    if kind == "long_string":
        return {"description": ("A" * 99 + "\n") * (LONG_STRING_CHARS // 100)}
    if kind == "control_chars":
        return {"pretty_name": "evil\x00name\x1b[31mRED\x1b[0m\u202ereversed\u0007\x7f\r\n\t\ud7ff"}
    return {
        "model_name": "x\n---\nbase_model: attacker/evil-model\ndatasets: [attacker/poison]\n"
        "!!python/object/apply:os.system ['id']\n",
        "thumbnail": "&anchor [*anchor, *anchor, *anchor]",
    }


def apply(card: dict[str, Any], kind: str) -> None:
    """Add the hostile keys of ``kind`` to ``card`` in place."""
    card.update(payload(kind))
