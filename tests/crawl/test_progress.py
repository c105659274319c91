"""Crawl progress: a line at a steady interval with share done, rate, ETA and the 429s huggingface_hub retried."""

import logging

import pytest

from crawler.progress import PROGRESS_PREFIX, CrawlProgress

pytestmark = pytest.mark.fast


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_at_the_interval_with_share_rate_eta_and_429s() -> None:
    clock, lines = Clock(), []
    with CrawlProgress("likers", 1000, lines.append, "keys", interval=10, clock=clock) as progress:
        clock.now += 5
        progress.update(100)
        assert lines == []  # not 10 s yet
        # what http_backoff logs when the Hub answers 429 before it retries
        logging.getLogger("huggingface_hub.utils._http").warning("HTTP Error 429 thrown while requesting GET /x")
        logging.getLogger("huggingface_hub.utils._http").warning("HTTP Error 503 thrown while requesting GET /x")
        clock.now += 5
        progress.update(200, "150 rows")
    assert lines[0] == f"{PROGRESS_PREFIX}: likers 200/1,000 keys (20%), 20.0/s, ETA 40s, 429s: 1, 150 rows"
    assert len(lines) == 2  # and the last line when the step ends
    assert progress.metadata() == {"rate_per_second": 20.0, "seconds": 10.0, "throttled_429": 1}
    # detached at the end: later 429s belong to another step
    logging.getLogger("huggingface_hub.utils._http").warning("HTTP Error 429 thrown while requesting GET /y")
    assert progress.throttled == 1


def test_unknown_total_gives_count_and_rate_only() -> None:
    clock, lines = Clock(), []
    with CrawlProgress("models", None, lines.append, "pages", interval=1, clock=clock) as progress:
        clock.now += 4
        progress.update(8)
    assert lines[0] == f"{PROGRESS_PREFIX}: models 8 pages, 2.0/s, 429s: 0"


def test_an_empty_step_logs_nothing() -> None:
    lines: list[str] = []
    with CrawlProgress("papers", 0, lines.append):
        pass
    assert lines == []
