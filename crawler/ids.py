"""Identifier rules: every id or key is checked once, where it enters the crawl, before a request path or SQL uses it.

The Hub's own rules (huggingface_hub's `validate_repo_id`, hub-api.md): a repo id is `[namespace/]name`, each part
of ASCII letters, digits, `_`, `-` and `.`, starting and ending with a letter, digit or `_`, a name at most 96
characters, no `--` or `..`, not ending in `.git`. Account names follow the namespace rule; a collection slug is
`namespace/title-<24 hex>`; a paper id is a new-style arXiv id. An id that breaks its rule would address another
resource once a URL resolves it (`evil/..`), or carries quotes and SQL into places that expect a name: it is
quarantined with the reason and never asked for; everything else goes on.

The patterns use only syntax that Python's `re` and DuckDB's RE2 read alike, so `problem` (Python, listings) and
`sql_problem` (SQL, keys derived from bodies) apply the same rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = "[A-Za-z0-9_]"
_PART = f"{_WORD}(?:[A-Za-z0-9_.-]*{_WORD})?"
_NAME = f"{_WORD}(?:[A-Za-z0-9_.-]{{0,94}}{_WORD})?"
REPO_ID = f"(?:{_PART}/)?{_NAME}"
ACCOUNT = _PART
MAX_ID_CHARS = 200  # namespace + name; longer is never a Hub id (and keeps quarantine locators short)


@dataclass(frozen=True)
class IdRule:
    """One kind of identifier: a full-match pattern, substrings it may never hold, what it is called in reasons."""

    name: str
    pattern: str
    forbidden: tuple[str, ...] = ("..", "--")
    forbidden_suffix: str = ""

    def problem(self, value: object) -> str | None:
        """Why `value` is not a valid id of this kind (None: it is)."""
        if not isinstance(value, str):
            return f"{self.name} is not a string ({type(value).__name__})"
        if len(value) > MAX_ID_CHARS:
            return f"{self.name} longer than {MAX_ID_CHARS} characters"
        if not re.fullmatch(self.pattern, value, re.ASCII):
            return f"invalid {self.name} {value[:80]!r}: does not match the Hub's naming rule"
        if bad := [f for f in self.forbidden if f in value]:
            return f"invalid {self.name} {value!r}: contains {bad[0]!r}"
        if self.forbidden_suffix and value.endswith(self.forbidden_suffix):
            return f"invalid {self.name} {value!r}: ends with {self.forbidden_suffix!r}"
        return None

    def sql_problem(self, column: str) -> str:
        """A SQL expression: the reason `column` breaks this rule, or NULL."""
        checks = [
            f"WHEN length({column}) > {MAX_ID_CHARS} THEN '{self.name} longer than {MAX_ID_CHARS} characters'",
            f"WHEN NOT regexp_full_match({column}, '{self.pattern}') "
            f"THEN 'invalid {self.name}: does not match the Hub''s naming rule'",
            *(f"WHEN contains({column}, '{f}') THEN 'invalid {self.name}: contains ''{f}'''" for f in self.forbidden),
        ]
        if self.forbidden_suffix:
            checks.append(
                f"WHEN ends_with({column}, '{self.forbidden_suffix}') "
                f"THEN 'invalid {self.name}: ends with ''{self.forbidden_suffix}'''"
            )
        return f"CASE {' '.join(checks)} END"


REPO = IdRule("repo id", REPO_ID, forbidden_suffix=".git")
# Repo paths as the Hub addresses them: `models/<id>` (likers) or `datasets/<id>` and bare model ids (READMEs).
TYPED_REPO = IdRule("repo path", f"(?:models|datasets|spaces)/{REPO_ID}", forbidden_suffix=".git")
README_REPO = IdRule("repo path", f"(?:datasets/)?{REPO_ID}", forbidden_suffix=".git")
ACCOUNT_NAME = IdRule("account name", ACCOUNT)
COLLECTION_SLUG = IdRule("collection slug", f"{_PART}/[A-Za-z0-9_.-]+-[0-9a-f]{{24}}")
OBJECT_ID = IdRule("object id", "[0-9a-f]{24}")
ARXIV_ID = IdRule("arXiv id", "[0-9]{4}[.][0-9]{4,5}")
DAY = IdRule("date", "[0-9]{4}-[0-9]{2}-[0-9]{2}")
TASK_CATALOG = IdRule("task catalogue key", "all")
