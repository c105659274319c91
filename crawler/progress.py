"""Progress of a long crawl at a steady interval: share done, rate, ETA and 429s seen.

A crawl of a large scope runs for hours; the operator (terminal, Dagster run log) sees one line every `interval`
seconds and one at the end, and the same numbers end up in the asset's materialization metadata.

429s: `huggingface_hub.utils.http_backoff` retries them itself and says so only in a warning of the
`huggingface_hub` logger ("HTTP Error 429 thrown while requesting …"), so that is where they are counted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

# Every progress line starts with this; `hubkg demo` shows the latest one beside the crawl's bar.
PROGRESS_PREFIX = "crawl progress"
DEFAULT_INTERVAL = 10.0
HUB_LOGGER = "huggingface_hub"


class _ThrottleCounter(logging.Handler):
    """Counts the 429 answers `http_backoff` reports while it is attached."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("HTTP Error 429"):
            self.count += 1


def _duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


@dataclass
class CrawlProgress:
    """Progress of one crawl step in `unit`s (pages, keys); a context manager while it counts 429s.

    `planned` is the number of units expected (None when unknown, e.g. an unlimited listing): then the line gives
    what is done and the rate, no share or ETA."""

    label: str
    planned: int | None
    log: Callable[[str], None]
    unit: str = "keys"
    interval: float = DEFAULT_INTERVAL
    clock: Callable[[], float] = time.monotonic
    done: int = 0
    detail: str = ""
    started: float = field(init=False)
    _last_logged: float = field(init=False)
    _throttled: _ThrottleCounter = field(init=False, default_factory=_ThrottleCounter)

    def __post_init__(self) -> None:
        self.started = self._last_logged = self.clock()

    def __enter__(self) -> CrawlProgress:
        logging.getLogger(HUB_LOGGER).addHandler(self._throttled)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        logging.getLogger(HUB_LOGGER).removeHandler(self._throttled)
        if kind is None and (self.done or self.planned):  # an empty step says nothing
            self.log(self.line())

    @property
    def throttled(self) -> int:
        return self._throttled.count

    def update(self, done: int, detail: str = "") -> None:
        """`done` units so far (`detail`: what else to say); logs when `interval` seconds passed since the last line."""
        self.done, self.detail = done, detail
        now = self.clock()
        if now - self._last_logged >= self.interval:
            self._last_logged = now
            self.log(self.line())

    @property
    def seconds(self) -> float:
        return self.clock() - self.started

    @property
    def rate(self) -> float:
        seconds = self.seconds
        return self.done / seconds if seconds > 0 else 0.0

    def line(self) -> str:
        if self.planned:
            share = min(self.done / self.planned, 1.0)
            left = max(self.planned - self.done, 0)
            eta = f", ETA {_duration(left / self.rate)}" if self.rate > 0 and left else ""
            done = f"{self.done:,}/{self.planned:,} {self.unit} ({share:.0%})"
        else:
            done, eta = f"{self.done:,} {self.unit}", ""
        detail = f", {self.detail}" if self.detail else ""
        return f"{PROGRESS_PREFIX}: {self.label} {done}, {self.rate:,.1f}/s{eta}, 429s: {self.throttled:,}{detail}"

    def metadata(self) -> dict[str, float | int]:
        """The final numbers, for the materialization."""
        return {
            "rate_per_second": round(self.rate, 2),
            "seconds": round(self.seconds, 2),
            "throttled_429": self.throttled,
        }
