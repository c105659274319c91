"""Timestamps: integer seconds since the epoch internally, ISO-8601 ``...Z`` strings in bodies."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

HUB_START = int(datetime(2020, 6, 1, tzinfo=UTC).timestamp())
DAY = 86_400
# The Hub's daily papers page started on 2023-05-04; papers are submitted to it from then on.
DAILY_PAPERS_START = int(datetime(2023, 5, 4, tzinfo=UTC).timestamp())


def iso(seconds: int) -> str:
    """Hub-style timestamp: millisecond precision, UTC, ``Z`` suffix."""
    return datetime.fromtimestamp(int(seconds), tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_iso(text: str) -> datetime:
    """Parse an ISO timestamp (``Z`` or offset) into an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def growing_times(rng: np.random.Generator, n: int, now: int, growth: float = 3.0) -> np.ndarray:
    """Sorted, strictly increasing creation times between HUB_START and ``now``.

    Uploads grow exponentially (``growth`` e-foldings over the Hub's life), like the real Hub.
    """
    span = now - HUB_START - n - 1
    u = rng.random(n)
    t = HUB_START + (np.log1p(u * np.expm1(growth)) / growth * span).astype(np.int64)
    t.sort()
    steps = np.arange(n, dtype=np.int64)
    return np.maximum.accumulate(t - steps) + steps


def later(rng: np.random.Generator, start: np.ndarray, now: int, mean_days: float) -> np.ndarray:
    """A time after each ``start`` (exponential gap, mean ``mean_days``), capped at ``now``."""
    gap = (rng.exponential(mean_days * DAY, len(start))).astype(np.int64)
    return np.minimum(start + gap, now)


def between(rng: np.random.Generator, low: np.ndarray, now: int) -> np.ndarray:
    """A uniform time in ``[low, now]`` for each ``low``."""
    return low + (rng.random(len(low)) * np.maximum(now - low, 0)).astype(np.int64)
