"""Fixed-window rate limiter with the Hub's per-bucket headers.

Every response carries `RateLimit` and `RateLimit-Policy`, so clients that pace themselves on the
headers behave the same against the emulator as against the Hub.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

# Reported as the quota when the emulator runs without a limit: large enough never to slow a crawler
# that paces itself on `r`, while keeping the headers well-formed.
UNLIMITED_QUOTA = 1_000_000_000


@dataclass(frozen=True)
class Decision:
    allowed: bool
    headers: dict[str, str]


class RateLimiter:
    """Counts requests per bucket in fixed windows aligned on the limiter's creation time."""

    def __init__(self, quotas: dict[str, int | None], window_seconds: int) -> None:
        self._quotas = quotas
        self._window = window_seconds
        self._start = time.monotonic()
        self._lock = threading.Lock()
        self._window_index = 0
        self._used: dict[str, int] = {bucket: 0 for bucket in quotas}

    def acquire(self, bucket: str) -> Decision:
        """Count one request in `bucket`; refuse it when the window's quota is spent."""
        with self._lock:
            elapsed = time.monotonic() - self._start
            index = int(elapsed // self._window)
            if index != self._window_index:
                self._window_index = index
                self._used = dict.fromkeys(self._used, 0)
            reset = max(1, math.ceil((index + 1) * self._window - elapsed))
            quota = self._quotas[bucket]
            limit = UNLIMITED_QUOTA if quota is None else quota
            allowed = self._used[bucket] < limit
            if allowed:
                self._used[bucket] += 1
            remaining = limit - self._used[bucket]
        headers = {
            "RateLimit": f'"{bucket}";r={remaining};t={reset}',
            "RateLimit-Policy": f'"fixed window";"{bucket}";q={limit};w={self._window}',
        }
        if not allowed:
            headers["Retry-After"] = str(reset)
        return Decision(allowed, headers)
