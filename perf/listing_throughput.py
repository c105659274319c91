"""Which side bounds a listing crawl: the emulator serving pages, or the client parsing and storing them.

    .venv/bin/python perf/listing_throughput.py --world /work/bench-data/world-261427-0 [--pages 100] [--repeat 3]

Three walks over the same first `--pages` pages of the models listing (1,000 entities a page, the crawl's
expand list), each in its own process pair so that both cores are shared as in a crawl:
- served: the emulator alone. Raw GETs follow the `Link` header and only read the bytes.
- stored: the client alone. `crawl_listing` (HTTP, JSON parsing, validation, the DuckDB commit per page) runs
  against a replay server that answers with the served pages, pre-read into memory.
- crawl: `crawl_listing` against the emulator, the two at once.
Prints entities/s per walk (median of `--repeat`) and names the slower side, against the issue's 20,000/s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import duckdb
import httpx2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.client import HubClient  # noqa: E402
from crawler.listing import LISTINGS, crawl_listing  # noqa: E402
from orchestration.emulator_process import running_emulator  # noqa: E402
from orchestration.settings import Settings  # noqa: E402

PAGE_SIZE = 1000
SPEC = LISTINGS["models"]


def relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def served(base: str, pages: int, record: TextIO | None = None) -> float:
    """Seconds to walk `pages` pages reading bytes only; with `record`, writes each page's relative URL, next
    link and body as JSON lines for the replay server."""
    url: str | None = SPEC.start_urls(base + SPEC.path, PAGE_SIZE, True, ())[0]
    started = time.monotonic()
    with httpx2.Client(timeout=60) as http:
        for _ in range(pages):
            if url is None:
                break
            response = http.get(url)
            response.raise_for_status()
            next_url = response.links.get("next", {}).get("url")
            if record:
                link = relative(next_url) if next_url else None
                page = {"url": relative(str(response.url)), "next": link, "body": response.text}
                record.write(json.dumps(page) + "\n")
            url = next_url
    return time.monotonic() - started


def stored(base: str, pages: int, work: Path) -> float:
    """Seconds for the crawl's own `crawl_listing` to fetch, parse and commit `pages` pages."""
    warehouse = work / f"listing-{time.monotonic_ns()}.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        started = time.monotonic()
        config = Settings(endpoint=base, page_size=PAGE_SIZE, scope_limit=pages * PAGE_SIZE).crawl()
        report = crawl_listing(con, HubClient(base), SPEC, date(2026, 12, 1), config, log=lambda _: None)
        seconds = time.monotonic() - started
    warehouse.unlink()
    if report.entities != pages * PAGE_SIZE:
        raise SystemExit(f"the crawl stored {report.entities} entities, not {pages * PAGE_SIZE}")
    return seconds


def replay_server(record: Path, port: Connection) -> None:
    """Serve the recorded pages by relative URL (Link rewritten to this server) until terminated."""
    pages = {}
    for line in record.open():
        page = json.loads(line)
        pages[page["url"]] = (page["body"].encode(), page["next"])

    class Replay(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            body, next_url = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if next_url:
                self.send_header("Link", f'<http://{self.headers["Host"]}{next_url}>; rel="next"')
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    port.send(server.server_port)
    server.serve_forever()


def median_rate(walk: Callable[[], float], entities: int, repeat: int) -> float:
    return statistics.median(entities / walk() for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="listing-bench-") as tmp:
        work = Path(tmp)
        record = work / "pages.jsonl"
        with running_emulator(args.world, work / "hub") as url:
            with record.open("w") as out:
                served(url, args.pages, out)  # warm-up, and the pages the replay server answers with
            entities = sum(len(json.loads(json.loads(line)["body"])) for line in record.open())
            rates = {
                "served (emulator alone)": median_rate(lambda: served(url, args.pages), entities, args.repeat),
                "crawl (both)": median_rate(lambda: stored(url, args.pages, work), entities, args.repeat),
            }
        receive, send = multiprocessing.Pipe(duplex=False)
        replay = multiprocessing.Process(target=replay_server, args=(record, send), daemon=True)
        replay.start()
        try:
            replay_url = f"http://127.0.0.1:{receive.recv()}"
            rates["stored (client alone)"] = median_rate(
                lambda: stored(replay_url, args.pages, work), entities, args.repeat
            )
        finally:
            replay.terminate()
            replay.join()
    print(f"world {args.world.name}: the first {entities:,} models ({args.pages} pages), median of {args.repeat}")
    print("| walk | entities/s |")
    print("|---|---|")
    for walk, rate in rates.items():
        print(f"| {walk} | {rate:,.0f} |")
    side, rate = min(
        [("emulator", rates["served (emulator alone)"]), ("client", rates["stored (client alone)"])],
        key=lambda s: s[1],
    )
    print(f"bottleneck: the {side} ({rate:,.0f} entities/s alone; the issue's mark: 20,000/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
