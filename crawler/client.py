"""Hub API access through `huggingface_hub`'s own HTTP session, headers, retries and error types.

`HfApi.list_*(limit=N)` caps the *total* number of results, so paged listings call the REST endpoint with
`limit=<page size>` and follow the `Link: <…>; rel="next"` header themselves, still through
`huggingface_hub.utils.http_backoff` (which retries 429/5xx and honours `Retry-After`).
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx2
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status, http_backoff

from crawler.pacing import Pacer

# Malformed bodies are usually truncated transfers; a few re-reads fix them before we quarantine.
MALFORMED_RETRIES = 3


class MalformedPage(ValueError):
    """A body that is not the JSON the endpoint promises (kept with the next page link, if any)."""

    def __init__(self, url: str, reason: str, body: str, next_url: str | None) -> None:
        super().__init__(f"{reason} at {url}")
        self.url, self.reason, self.body, self.next_url = url, reason, body, next_url


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def parse_json(text: str) -> Any:
    """Parse a JSON body; any failure (syntax, nesting deeper than the parser's stack, NaN/Infinity, which no
    JSON column accepts) is a `ValueError` with a one-line reason."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON: {exc.msg} (line {exc.lineno} col {exc.colno})") from exc
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply to parse") from exc


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')


def split_array(text: str) -> list[str]:
    """The raw text of each top-level element of a JSON array, found by bracket depth without parsing, so one
    element too deep, too odd or cut off cannot take its neighbours down with it. [] when `text` is no array."""
    elements: list[str] = []
    depth, start = 0, -1
    for token in _TOKEN.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth == 1:
                if mark != "[":
                    return []
                start = token.end()
        elif mark in "]}":
            depth -= 1
            if depth == 0:
                elements.append(text[start : token.start()])
                break
        elif mark == "," and depth == 1:
            elements.append(text[start : token.start()])
            start = token.end()
    if depth:  # cut off: the last element is incomplete, the ones before it stand
        elements.append(text[start:])
    return [e for e in elements if e.strip()]


def text_file_body(data: bytes, size: int, commit: str | None) -> dict[str, Any]:
    """How a text file's first bytes `data` (of `size` in all) are stored: text, size, whether cut, commit."""
    truncated = size > len(data)
    # Not final when cut: a character split by the cut is held back instead of becoming U+FFFD.
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=not truncated)
    return {"text": text, "bytes": size, "truncated": truncated, "commit": commit}


@dataclass
class Page:
    url: str
    items: list[dict[str, Any]]
    next_url: str | None
    chars: int = 0  # length of the body


@dataclass
class HubClient:
    """A paced Hub API client. One instance per run: it counts the requests it spends."""

    endpoint: str
    pacer: Pacer = field(default_factory=Pacer)
    timeout: float = 60.0
    max_file_bytes: int = 65536  # text files (README.md) are read up to this many bytes
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _thread: threading.local = field(default_factory=threading.local, repr=False)

    def url(self, path: str) -> str:
        return f"{self.endpoint}{path}"

    def relative(self, url: str) -> str:
        """`url` as a path and query under the configured endpoint: what resume points store, so a changed
        endpoint resumes where it stopped and a stored or linked URL naming another host is never followed there."""
        parts = urlsplit(url)
        prefix = urlsplit(self.endpoint).path.rstrip("/")
        path = parts.path[len(prefix) :] if prefix and parts.path.startswith(prefix + "/") else parts.path
        return path + (f"?{parts.query}" if parts.query else "")

    def _same_origin(self, url: str) -> bool:
        ours, theirs = urlsplit(self.endpoint), urlsplit(url)
        return (ours.scheme, ours.hostname, ours.port) == (theirs.scheme, theirs.hostname, theirs.port)

    def get(
        self, url: str, params: Sequence[tuple[str, Any]] | None = None, headers: dict[str, str] | None = None
    ) -> httpx2.Response:
        """One GET with retries on 429/5xx/network errors, paced by the RateLimit headers. The token goes only to
        the configured endpoint (httpx drops it on a redirect to another origin)."""
        # No `params` at all for a Link URL: an empty list would replace the cursor the URL carries.
        query = list(params) if params else None
        auth = build_hf_headers(token=None if self._same_origin(url) else False)
        response = http_backoff("GET", url, params=query, headers={**auth, **(headers or {})}, timeout=self.timeout)
        with self._lock:  # per-entity crawls call from several threads
            self.requests += 1
        self._thread.requests = self.requests_of_this_thread() + 1
        self.pacer.observe(response.headers)
        hf_raise_for_status(response)
        return response

    def requests_of_this_thread(self) -> int:
        """Requests made by the calling thread: what one key of a per-entity crawl cost."""
        return getattr(self._thread, "requests", 0)

    def get_json(self, url: str, params: Sequence[tuple[str, Any]] | None = None, expect: type = dict) -> Any:
        """GET a JSON body of type `expect`; re-read malformed bodies, then raise `MalformedPage`."""
        return self._parsed(url, params, expect)[0]

    def get_page(self, url: str, params: Sequence[tuple[str, Any]] | None = None) -> Page:
        """Fetch one listing page (a JSON array and its `Link: rel="next"`)."""
        items, response = self._parsed(url, params, list)
        return Page(str(response.url), items, self._next_link(response), len(response.text))

    def _next_link(self, response: httpx2.Response) -> str | None:
        """The `Link: rel="next"` URL, re-rooted on the configured endpoint (whatever host the header names)."""
        link = response.links.get("next", {}).get("url")
        return self.url(self.relative(link)) if link else None

    def _parsed(self, url: str, params: Sequence[tuple[str, Any]] | None, expect: type) -> tuple[Any, httpx2.Response]:
        # Truncated transfers are the usual cause of a malformed body: re-read a few times before giving up.
        for attempt in range(MALFORMED_RETRIES + 1):
            response = self.get(url, params)
            try:
                body = parse_json(response.text)
            except ValueError as exc:
                reason = str(exc)
            else:
                if isinstance(body, expect):
                    return body, response
                reason = f"expected a JSON {expect.__name__}, got {type(body).__name__}"
            if attempt == MALFORMED_RETRIES:
                raise MalformedPage(str(response.url), reason, response.text, self._next_link(response))
        raise AssertionError("unreachable")

    def get_text_file(self, url: str) -> dict[str, Any]:
        """A text file's first `max_file_bytes` (one ranged GET on `/resolve/`): its text, full size in bytes,
        whether it was cut, and the commit it was read at. A body shorter than its `Content-Range` (a broken
        transfer) is re-read, then raised as `MalformedPage`."""
        for attempt in range(MALFORMED_RETRIES + 1):
            try:
                response = self.get(url, headers={"Range": f"bytes=0-{self.max_file_bytes - 1}"})
            except HfHubHTTPError as exc:
                if exc.response is not None and exc.response.status_code == 416:  # an empty file has no byte 0
                    return text_file_body(b"", 0, exc.response.headers.get("X-Repo-Commit"))
                raise
            content_range = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", response.headers.get("Content-Range", ""))
            if content_range is None:  # a server that ignores Range sends the whole file
                data, size = response.content[: self.max_file_bytes], len(response.content)
            else:
                first, last, size = (int(g) for g in content_range.groups())
                data = response.content
                if len(data) != last - first + 1:
                    if attempt == MALFORMED_RETRIES:
                        raise MalformedPage(url, f"{len(data)} bytes for range {first}-{last}", "", None)
                    continue
            return text_file_body(data, size, response.headers.get("X-Repo-Commit"))
        raise AssertionError("unreachable")

    def iter_numbered_pages(self, url: str, page_size: int) -> Iterator[list[Any]]:
        """Walk a page-numbered listing (`&p=0, 1, …`; e.g. daily papers, whose `url` carries the date) until a
        page shorter than `page_size`."""
        for number in itertools.count():
            items = self.get_json(f"{url}&p={number}&limit={page_size}", expect=list)
            yield items
            if len(items) < page_size:
                return

    def iter_pages(self, start_url: str, params: Sequence[tuple[str, Any]] | None = None) -> Iterator[Page]:
        """Walk a Link-paged listing from `start_url` (a resume point already carries its cursor)."""
        page = self.get_page(start_url, params)
        yield page
        while page.next_url:
            page = self.get_page(page.next_url)
            yield page
