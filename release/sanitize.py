"""Make untrusted Hub text safe to republish in a dataset card.

Card YAML on the Hub is written by anyone: Jinja templates, `configs`/`data_files` pointing at other repos or
local files, YAML that opens a new document, megabyte strings, terminal escapes. HubKG never evaluates or resolves
it, and whatever of it reaches a card we publish goes through `card_text` first.
"""

from __future__ import annotations

import re

# Template delimiters of Jinja (the Hub renders chat templates and card templates with it).
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
# C0/C1 controls, DEL, and bidirectional overrides that can disguise text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Strings that make a data loader fetch something: other repos, local or remote files.
_LOADER_URL = re.compile(r"\b(?:hf|reference|file|s3|gs|https?)://\S*", re.IGNORECASE)
MAX_CARD_TEXT = 300


def card_text(value: object, max_chars: int = MAX_CARD_TEXT) -> str:
    """One line of inert text: no controls, no template delimiters, no loader URLs, no YAML structure."""
    text = _CONTROL.sub(" ", str(value))
    text = _TEMPLATE.sub("", text)
    text = _LOADER_URL.sub("[link removed]", text)
    text = " ".join(text.replace("---", "—").split())
    text = text.replace("|", "\\|")  # keeps Markdown tables intact
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"
