"""The Hub emulator: a real HTTP server serving a world (read side) and published repos (write side).

    with HubEmulator(world_dir, storage_dir, quota=500) as hub:
        api = HfApi(endpoint=hub.url)

Cross-cutting behaviour lives here, applied to every request in one place: rate-limit headers and
429s per bucket (`api`, `resolvers` for `/resolve/`), fault injection, the JSONL request log and the
in-memory counters read by tests and benchmarks.
"""

from __future__ import annotations

import json
import secrets
import socket
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TypedDict, Unpack
from urllib.parse import parse_qsl, urlsplit

from .faults import FaultPlan
from .http_types import Request, Response, error_response, json_response
from .ratelimit import RateLimiter
from .read_api import ReadApi
from .repo_store import RepoStore
from .routing import Route, dispatch
from .world_store import WorldStore
from .write_api import WriteApi

EXPOSE_HEADERS = (
    "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range"
)


class EmulatorOptions(TypedDict, total=False):
    """How the emulator serves; every option has a default (see `HubEmulator`)."""

    quota: int | None
    resolver_quota: int | None
    window_seconds: int
    max_page_size: int
    faults: FaultPlan | None
    log_path: Path | None
    username: str
    force_regular_uploads: bool
    port: int


class HubEmulator:
    """Serve `world_dir` read-only and publish into `storage_dir`, on 127.0.0.1 in a daemon thread.

    `quota` limits the `api` bucket and `resolver_quota` the `resolvers` bucket, per fixed window of
    `window_seconds`; None means unlimited (headers still sent). `max_page_size` caps every `limit`.
    Every bearer token authenticates as `username`. `force_regular_uploads`: see `WriteApi`.
    """

    def __init__(self, world_dir: Path, storage_dir: Path, **options: Unpack[EmulatorOptions]) -> None:
        quota, resolver_quota = options.get("quota"), options.get("resolver_quota")
        window_seconds, max_page_size = options.get("window_seconds", 300), options.get("max_page_size", 1000)
        username, force_regular_uploads = (
            options.get("username", "hubkg-bot"),
            options.get("force_regular_uploads", False),
        )
        faults, log_path, port = options.get("faults"), options.get("log_path"), options.get("port", 0)
        world = WorldStore(Path(world_dir))
        store = RepoStore(Path(storage_dir))
        # Published repos first: their handlers pass unknown repos on to the world's handlers.
        self.routes: list[Route] = [
            *WriteApi(store, username, max_page_size, force_regular_uploads).routes(),
            *ReadApi(world, max_page_size).routes(),
        ]
        self.limiter = RateLimiter({"api": quota, "resolvers": resolver_quota}, window_seconds)
        self.faults = faults
        self.log_path = log_path
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stats_lock = threading.Lock()
        self._by_bucket: Counter[str] = Counter()
        self._by_status: Counter[int] = Counter()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("emulator not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        """Bind (port 0 = any free port), serve in a daemon thread, return the base URL."""
        handler = type("BoundHandler", (_Handler,), {"emulator": self})
        self._server = _Server(("127.0.0.1", self._port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="hub-emulator", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> HubEmulator:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stats(self) -> dict[str, Any]:
        """Request counts: total, per bucket, per status, and how many were answered 429."""
        with self._stats_lock:
            return {
                "total": sum(self._by_bucket.values()),
                "by_bucket": dict(self._by_bucket),
                "by_status": dict(self._by_status),
                "rate_limited": self._by_status[429],
            }

    def handle(self, req: Request) -> tuple[Response, str | None]:
        """Answer one request; also returns the fault kind that shapes how the body is sent."""
        bucket = "resolvers" if "/resolve/" in req.path else "api"
        fault = self.faults.draw(req.path) if self.faults is not None else None
        if fault == "429":
            assert self.faults is not None
            wait = self.faults.retry_after
            response = error_response(429, "You have been rate-limited (injected fault); retry later.")
            response.headers.update(
                {
                    "RateLimit": f'"{bucket}";r=0;t={wait}',
                    "RateLimit-Policy": f'"fixed window";"{bucket}";q=0;w={wait}',
                    "Retry-After": str(wait),
                }
            )
            return self._finish(req, bucket, response), None
        decision = self.limiter.acquire(bucket)
        if not decision.allowed:
            message = f"You have exceeded our '{bucket}' rate limit. Retry later."
            response = error_response(429, message)
        elif fault in ("500", "502", "503", "504"):
            response = error_response(int(fault), "Internal Error - We're working hard to fix this (injected).")
        else:
            if fault == "slow":
                assert self.faults is not None
                time.sleep(self.faults.slow_seconds)
            try:
                response = dispatch(self.routes, req)
            except Exception as exc:  # an emulator bug must surface as a 500, not a dropped connection
                response = json_response({"error": f"Emulator error: {exc!r}"}, 500)
        response.headers.update(decision.headers)
        return self._finish(req, bucket, response), fault

    def _finish(self, req: Request, bucket: str, response: Response) -> Response:
        response.headers.setdefault("X-Request-Id", f"Root=1-{secrets.token_hex(12)}")
        response.headers.setdefault("Access-Control-Expose-Headers", EXPOSE_HEADERS)
        with self._stats_lock:
            self._by_bucket[bucket] += 1
            self._by_status[response.status] += 1
            if self.log_path is not None:
                record = {
                    "ts": time.time(),
                    "method": req.method,
                    "path": req.path,
                    "query": req.query_string,
                    "status": response.status,
                    "bucket": bucket,
                }
                with self.log_path.open("a") as log:
                    log.write(json.dumps(record) + "\n")
        return response


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-request (a crawl killed or paused) gets one line, not a traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)
            return
        host, port = client_address[:2]
        print(f"hub emulator: client {host}:{port} hung up ({type(error).__name__})", file=sys.stderr, flush=True)


class _Handler(BaseHTTPRequestHandler):
    """Socket side: parse the request, delegate to `HubEmulator.handle`, write the reply."""

    emulator: HubEmulator
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body waits for the client's
    # delayed ACK (≈ 40 ms on Linux), which capped a keep-alive connection at ≈ 22 requests per second.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the emulator keeps its own JSONL log."""

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self) -> None:
        split = urlsplit(self.path)
        req = Request(
            method=self.command,
            path=split.path,
            query_string=split.query,
            query=parse_qsl(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self._read_body(),
            base_url=f"http://{self.headers.get('Host') or self.emulator.url.removeprefix('http://')}",
        )
        response, fault = self.emulator.handle(req)
        body = response.body
        if fault == "truncated_json":
            body = body[: len(body) // 2]
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if fault == "disconnect":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _serve
