"""Pace requests to a share of the Hub's rate-limit quota instead of running into 429s.

The Hub sends `RateLimit: "api";r=<remaining>;t=<seconds to reset>` and
`RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window>` on every response. We keep a reserve of
`(1 - share) * quota` requests untouched (for other tools of the same user, and for retries) and sleep until
the window resets when only the reserve is left.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from huggingface_hub.utils import parse_ratelimit_headers


@dataclass
class Pacer:
    share: float = 0.8
    sleep: Callable[[float], None] = time.sleep
    waits: int = 0
    waited_seconds: float = 0.0
    remaining: int | None = None
    quota: int | None = None
    _last: dict[str, int] = field(default_factory=dict)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Record the budget a response reports and wait for the window to reset if we hit the reserve."""
        info = parse_ratelimit_headers(headers)
        if info is None:
            return
        self.remaining, self.quota = info.remaining, info.limit
        if info.limit is None:
            return
        reserve = int(info.limit * (1 - self.share))
        if info.remaining <= reserve:
            wait = float(info.reset_in_seconds) + 1  # +1 s: the reset time is rounded down
            self.waits += 1
            self.waited_seconds += wait
            self.sleep(wait)
