"""Time to first render of the interactive atlas page in headless Chromium (Debian's, WebGL through SwiftShader),
for a synthetic lineage of N models (layout + page written by atlas/, served over a local HTTP server).

    .venv/bin/python -m perf.atlas_page --nodes 100000

Also the browser helpers the atlas tests use: `serve(folder)` and `chromium()`.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from playwright.sync_api import Browser, Page, sync_playwright

from atlas.frame import LineageForest
from atlas.layout import Forest, layout
from atlas.page import write_page
from atlas.still import draw
from perf.atlas_layout import synthetic_lineage

# Headless Chromium has no GPU here: WebGL runs on SwiftShader, which recent Chromium only enables on request.
CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed: `make browser`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_atlas(browser: Browser, url: str, timeout_ms: int = 120_000) -> tuple[Page, float]:
    """Open the page and wait for its first render; returns the page and the time to first render (ms)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    # A selector wait, not wait_for_function: the page's CSP (script-src 'self') forbids the eval its polling uses.
    page.locator("body[data-ready]").wait_for(state="attached", timeout=timeout_ms)
    if page.evaluate("document.body.dataset.ready") != "true" or errors:
        raise RuntimeError(f"the atlas did not render: {page.text_content('#summary')} {errors}")
    return page, float(page.evaluate("window.atlas.firstRenderMs"))


def synthetic_forest(n: int) -> LineageForest:
    """A synthetic lineage of n models with plausible attributes, laid out."""
    nodes, edges = synthetic_lineage(n)
    forest = Forest.from_frames(nodes, edges)
    xy = layout(forest)
    rng = np.random.default_rng(1)
    frame = nodes.set_index("model_id").loc[forest.ids].reset_index()
    is_child = frame["model_id"].isin(edges["model_id"]).to_numpy()
    relations = rng.choice(["finetune", "adapter", "quantized", "merge"], len(frame))
    frame["relation_type"] = np.where(is_child, relations, "root")
    frame["downloads"] = (10 ** (rng.random(len(frame)) * 6)).astype(np.int64)
    frame["sub_tree_downloads"] = frame["downloads"]
    frame["component_root"] = frame.groupby("component_id")["model_id"].transform("first")
    frame["created_at"] = pd.Timestamp("2022-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 1000, len(frame)), unit="D"
    )
    for attribute, values in [
        ("pipeline_tag", ["text-generation", "text-to-image", "fill-mask", None]),
        ("library_name", ["transformers", "diffusers", "peft", None]),
        ("license", ["apache-2.0", "mit", "llama3", None]),
    ]:
        frame[attribute] = rng.choice(np.array(values, dtype=object), len(frame))
    frame["imputed"] = rng.random(len(frame)) < 0.3
    frame["x"], frame["y"] = xy[:, 0], xy[:, 1]
    return LineageForest(date(2026, 1, 1), frame, edges, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, action="append", required=True)
    parser.add_argument("--no-browser", action="store_true", help="only write the page and the pictures")
    args = parser.parse_args()
    for n in args.nodes:
        forest = synthetic_forest(n)
        with tempfile.TemporaryDirectory() as work:
            start = time.perf_counter()
            folder = write_page(Path(work) / "space", forest, draw(forest), "https://huggingface.co", [])
            written = time.perf_counter() - start
            size = (folder / "data.json.gz").stat().st_size
            rendered = "not opened"
            if not args.no_browser:
                with serve(folder) as url, chromium() as browser:
                    rendered = f"first render {open_atlas(browser, f'{url}/index.html')[1] / 1000:.1f} s"
        print(
            f"lineage of {n:,} models ({len(forest.nodes):,} in the forest, {len(forest.edges):,} edges): "
            f"page + pictures written in {written:.1f} s, data.json.gz {size / 1e6:.1f} MB, {rendered}"
        )


if __name__ == "__main__":
    main()
