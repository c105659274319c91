"""Plain request/response values passed between the HTTP layer and the endpoint handlers.

Handlers never touch sockets: they take a `Request` and return a `Response`, which keeps them testable
and lets the server apply rate limits, faults and logging in one place.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # raw (still percent-encoded) path, without query string
    query_string: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    base_url: str  # e.g. http://127.0.0.1:1234, as the client addressed us

    def param(self, name: str, default: str | None = None) -> str | None:
        """Last value of a query parameter (the Hub tolerates repeats of scalar params)."""
        values = self.params(name)
        return values[-1] if values else default

    def params(self, name: str) -> list[str]:
        """All values of a repeatable parameter; `name[]` is accepted as an alias, as on the Hub."""
        return [v for k, v in self.query if k in (name, f"{name}[]")]

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return raw_json_response(body, status, headers)


def raw_json_response(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status, body, {"Content-Type": JSON_CONTENT_TYPE, **(headers or {})})


def error_response(status: int, message: str, code: str | None = None) -> Response:
    """Hub error reply: `{"error": ...}` body plus `X-Error-Message` (and `X-Error-Code` when the Hub sets one).

    The client maps `X-Error-Code` (RepoNotFound, RevisionNotFound, EntryNotFound) to typed exceptions.
    """
    headers = {"X-Error-Message": message}
    if code is not None:
        headers["X-Error-Code"] = code
    return json_response({"error": message}, status, headers)


def repo_not_found() -> Response:
    return error_response(404, "Repository not found", "RepoNotFound")


def revision_not_found(revision: str) -> Response:
    return error_response(404, f"Invalid rev id: {revision}", "RevisionNotFound")


def entry_not_found(path: str) -> Response:
    return error_response(404, f"Entry not found: {path}", "EntryNotFound")


def file_response(req: Request, data: bytes, etag: str, headers: dict[str, str]) -> Response:
    """A `/resolve/` file reply: `ETag`, 304 on `If-None-Match`, and single byte ranges (206 / 416)."""
    headers = {**headers, "ETag": etag, "Accept-Ranges": "bytes"}
    headers.setdefault("Content-Type", "application/octet-stream")
    if req.headers.get("if-none-match") == etag:
        return Response(304, b"", headers)
    byte_range = re.fullmatch(r"bytes=(\d*)-(\d*)", req.headers.get("range", ""))
    if byte_range is None or not any(byte_range.groups()):
        return Response(200, data, headers)
    first, last = byte_range.groups()
    start = int(first) if first else max(0, len(data) - int(last))
    end = min(int(last), len(data) - 1) if first and last else len(data) - 1
    if start >= len(data) or start > end:
        return Response(416, b"", {**headers, "Content-Range": f"bytes */{len(data)}"})
    headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
    return Response(206, data[start : end + 1], headers)


def encode_cursor(state: Any) -> str:
    """Opaque cursor token: url-safe base64 of a small JSON value."""
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str) -> Any:
    """Inverse of `encode_cursor`; raises ValueError on garbage so callers can answer 400."""
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"invalid cursor {token!r}") from exc


def paged_response(req: Request, items_json: list[bytes], next_cursor: str | None) -> Response:
    """JSON array page with `Link: <...cursor=...>; rel="next"` carrying every original query parameter."""
    body = b"[" + b",".join(items_json) + b"]"
    headers: dict[str, str] = {}
    if next_cursor is not None:
        query = [(k, v) for k, v in req.query if k != "cursor"] + [("cursor", next_cursor)]
        headers["Link"] = f'<{req.base_url}{req.path}?{urlencode(query)}>; rel="next"'
    return raw_json_response(body, headers=headers)
