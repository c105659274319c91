"""A tiny HTTP server that answers with bodies no well-behaved Hub (nor the emulator, which parses its world) would
send: 200,000-deep nesting, NaN, wrong types, a cut-off array, a `Link` to another host. It records every request
with its headers, so a test can see where the token went. The client under test is the real one, over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class StubHub:
    """`pages[cursor]` is the raw body of the listing page for that cursor ("" = the first page); a page links to
    `cursor + 1` while there is one, at `link_base` (default: this server)."""

    pages: dict[str, str] = field(default_factory=dict)
    link_base: str | None = None
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                cursor = parse_qs(parts.query).get("cursor", [""])[0]
                hub.requests.append({"path": parts.path, "cursor": cursor, "headers": dict(self.headers)})
                body = hub.pages.get(cursor)
                if body is None or not parts.path.startswith("/api/"):
                    self.send_response(404)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                    return
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                following = str(int(cursor or 0) + 1)
                if following in hub.pages:
                    base = hub.link_base or hub.url
                    self.send_header("Link", f'<{base}{parts.path}?limit=2&cursor={following}>; rel="next"')
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        return Handler

    def with_token(self) -> list[dict]:
        return [r for r in self.requests if "authorization" in {k.lower() for k in r["headers"]}]


@contextmanager
def serving(hub: StubHub) -> Iterator[StubHub]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), hub.handler())
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
