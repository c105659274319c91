"""CLI: `python -m hub_emulator serve ...` runs the emulator; `generate ...` builds a world; `mutate ...` makes
the day after a world (a refresh's ground truth)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .server import HubEmulator


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m hub_emulator serve")
    parser.add_argument("--world", type=Path, required=True, help="world directory (WORLD_FORMAT.md)")
    parser.add_argument("--storage", type=Path, required=True, help="directory for published repos")
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument("--quota", type=int, default=None, help="api requests per window (default: unlimited)")
    parser.add_argument("--resolver-quota", type=int, default=None, help="/resolve/ requests per window")
    parser.add_argument("--window", type=int, default=300, help="rate-limit window in seconds")
    parser.add_argument("--max-page-size", type=int, default=1000)
    parser.add_argument("--log", type=Path, default=None, help="JSONL request log")
    parser.add_argument(
        "--force-regular-uploads", action="store_true", help="let clients with Xet enabled upload (no LFS)"
    )
    args = parser.parse_args(argv)
    emulator = HubEmulator(
        args.world,
        args.storage,
        quota=args.quota,
        resolver_quota=args.resolver_quota,
        window_seconds=args.window,
        max_page_size=args.max_page_size,
        log_path=args.log,
        force_regular_uploads=args.force_regular_uploads,
        port=args.port,
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(emulator.start(), flush=True)
    stop.wait()
    emulator.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":
        return serve(argv[1:])
    if argv and argv[0] == "generate":
        from .worldgen.generate import main as generate_main  # written separately; imported only when asked for

        return generate_main(argv[1:]) or 0
    if argv and argv[0] == "mutate":
        from .worldgen.mutate import main as mutate_main

        return mutate_main(argv[1:])
    print("usage: python -m hub_emulator {serve,generate,mutate} ...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
