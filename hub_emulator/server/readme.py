"""A repo's README.md, derived from its body: YAML front matter = `cardData`, then prose.

Worlds do not store README files: the emulator derives them on request, and the tests derive the truth the same
way. The prose names the base model and the training data, never the task: the label is stated only in places the
pipeline must strip (front matter, tags), so a leak of it into the text features is a pipeline bug.
"""

from __future__ import annotations

from typing import Any

import yaml

README = "README.md"


def has_readme(body: dict[str, Any]) -> bool:
    return any(s.get("rfilename") == README for s in body.get("siblings") or [])


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _prose(repo_type: str, body: dict[str, Any]) -> str:
    repo_id = body["id"]
    card = body.get("cardData") if isinstance(body.get("cardData"), dict) else {}
    lines = [f"# {repo_id.split('/', 1)[-1]}", ""]
    if repo_type == "dataset":
        lines.append(body.get("description") or f"Dataset card for {repo_id}.")
    else:
        bases = _as_list(card.get("base_model"))
        if bases:
            lines.append(f"This model is derived from [{bases[0]}](https://huggingface.co/{bases[0]}).")
        else:
            lines.append(f"Model card for {repo_id}.")
        datasets = _as_list(card.get("datasets"))
        if datasets:
            lines += ["", f"Trained on {', '.join(datasets)}."]
    lines += ["", "## Limitations", "", "Results were not independently verified."]
    return "\n".join(lines) + "\n"


def readme(repo_type: str, body: dict[str, Any]) -> bytes | None:
    """The README.md bytes of a model or dataset body; None when the repo has none."""
    if repo_type not in ("model", "dataset") or not has_readme(body):
        return None
    card = body.get("cardData")
    front = ""
    if isinstance(card, dict) and card:
        front = "---\n" + yaml.safe_dump(card, sort_keys=False, allow_unicode=True, width=1000) + "---\n\n"
    return (front + _prose(repo_type, body)).encode()
