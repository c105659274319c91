"""Make untrusted Hub text safe to republish: the one sanitiser of HubKG.

Card YAML, collection titles, full names and paper titles on the Hub are written by anyone: Jinja templates,
`configs`/`data_files` pointing at other repos or local files, YAML that opens a new document, megabyte strings,
terminal escapes, bidi overrides that disguise text, `<script>` tags. HubKG never evaluates or resolves it.

- `card_text`: a value going into a card we publish (Markdown): one inert line, HTML escaped.
- `terminal_text`: a value `hubkg query` prints: every control and bidi character shown as a visible escape.
- The dbt macro `inert_text` (dbt_project/macros/json_fields.sql) applies the same character rules in SQL to the
  free text the staging models republish; `CONTROL_CLASS` and `TERMINAL_ESCAPE` are the patterns both share.
"""

from __future__ import annotations

import re

# Template delimiters of Jinja (the Hub renders chat templates and card templates with it).
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
# C0/C1 controls, DEL, bidirectional embeddings/overrides/isolates and lone surrogates.
CONTROL_CLASS = r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_CONTROL = re.compile(CONTROL_CLASS)
# Whole terminal escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, two-byte `ESC x`): removed with
# their parameters, so no `[31m` residue is left behind once ESC itself is gone.
TERMINAL_ESCAPE = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-~]"
_TERMINAL = re.compile(TERMINAL_ESCAPE)
# Strings that make a data loader fetch something: other repos, local or remote files.
_LOADER_URL = re.compile(r"\b(?:hf|reference|file|s3|gs|https?)://\S*", re.IGNORECASE)
MAX_CARD_TEXT = 300


def card_text(value: object, max_chars: int = MAX_CARD_TEXT) -> str:
    """One line of inert Markdown: no controls, no template delimiters, no loader URLs, no YAML structure, no HTML."""
    text = _CONTROL.sub(" ", _TERMINAL.sub("", str(value)))
    text = _TEMPLATE.sub("", text)
    text = _LOADER_URL.sub("[link removed]", text)
    text = " ".join(text.replace("---", "—").split())
    # Markdown renders inline HTML: `<script>` or `<img onerror>` must arrive as text.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|")  # keeps Markdown tables intact
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def terminal_text(value: str) -> str:
    """`value` safe to print on a terminal: each control, bidi or surrogate character becomes a visible `\\xNN` /
    `\\uNNNN` escape (the data is shown, never acted on), backslashes are doubled so escapes stay unambiguous."""
    text = value.replace("\\", "\\\\")
    return _CONTROL.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
