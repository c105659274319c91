"""Progress of a long crawl at a steady interval: share done, rate, ETA and 429s seen.

A crawl of a large scope runs for hours; the operator (terminal, Dagster run log) sees one line every `interval`
seconds, and the same numbers end up in the asset's materialization metadata.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

# Every progress line starts with this; `hubkg demo` shows the latest one beside the crawl's bar.
PROGRESS_PREFIX = "crawl progress"
DEFAULT_INTERVAL = 10.0


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


@dataclass
class CrawlProgress:
    """Counts units of work (`unit`: pages, keys) of one crawl step and logs a line at most every `interval` s.

    `planned` is the number of units expected (None when unknown, e.g. an unlimited listing): then no share or
    ETA is given, only what is done and the rate."""

    label: str
    planned: int | None
    log: Callable[[str], None]
    unit: str = "requests"
    interval: float = DEFAULT_INTERVAL
    clock: Callable[[], float] = time.monotonic
    done: int = 0
    throttled: int = 0
    started: float = field(init=False)
    _last_logged: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self._last_logged = self.clock()

    def advance(self, units: int = 1, throttled: int | None = None) -> None:
        """`units` more done; `throttled` is the running count of 429 answers seen (when known)."""
        self.done += units
        if throttled is not None:
            self.throttled = throttled
        now = self.clock()
        if now - self._last_logged >= self.interval:
            self._last_logged = now
            self.log(self.line())

    @property
    def seconds(self) -> float:
        return self.clock() - self.started

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        done = f"{self.done:,}"
        if self.planned:
            share = min(self.done / self.planned, 1.0)
            done += f"/{self.planned:,} {self.unit} ({share:.0%})"
            left = max(self.planned - self.done, 0)
            eta = f", ETA {_duration(left / self.rate)}" if self.rate > 0 else ""
        else:
            done += f" {self.unit}"
            eta = ""
        return f"{PROGRESS_PREFIX}: {self.label} {done}, {self.rate:,.1f}/s{eta}, 429s: {self.throttled:,}"

    def metadata(self) -> dict[str, float | int | str]:
        """The final numbers, for the materialization."""
        return {
            f"{self.unit}_done": self.done,
            f"{self.unit}_planned": self.planned if self.planned is not None else "unknown",
            "rate_per_second": round(self.rate, 2),
            "seconds": round(self.seconds, 2),
            "throttled_429": self.throttled,
        }
