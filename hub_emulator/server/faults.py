"""Fault injection for crawler robustness tests: 429 storms, 5xx bursts, slow replies, broken bodies.

A `FaultPlan` is consulted once per request whose path matches `path_pattern`. Scripted faults are
consumed first, in order (``None`` = serve normally), then each probability is drawn from a seeded RNG,
so a given plan and request order always produce the same faults.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["429", "500", "502", "503", "504", "slow", "truncated_json", "disconnect"]
FAULT_KINDS: tuple[str, ...] = ("429", "500", "502", "503", "504", "slow", "truncated_json", "disconnect")


@dataclass
class FaultPlan:
    """What to break and how often.

    - ``"429"``: rate-limit reply (``RateLimit`` r=0, ``Retry-After: retry_after``), the quota untouched.
    - ``"500"``..``"504"``: server error with a JSON error body.
    - ``"slow"``: sleep ``slow_seconds`` before serving normally.
    - ``"truncated_json"``: 200 with the first half of the real body (consistent Content-Length).
    - ``"disconnect"``: headers announce the full body, half is sent, then the connection is closed.
    """

    seed: int = 0
    probabilities: dict[str, float] = field(default_factory=dict)
    script: Sequence[str | None] = ()
    path_pattern: str = r"^/api/"
    slow_seconds: float = 0.5
    retry_after: int = 1

    def __post_init__(self) -> None:
        unknown = (set(self.probabilities) | {s for s in self.script if s is not None}) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; expected {FAULT_KINDS}")
        self._rng = random.Random(self.seed)
        self._pattern = re.compile(self.path_pattern)
        self._position = 0
        self._lock = threading.Lock()

    def draw(self, path: str) -> str | None:
        """The fault to apply to this request, or None."""
        if not self._pattern.search(path):
            return None
        with self._lock:
            if self._position < len(self.script):
                self._position += 1
                return self.script[self._position - 1]
            for kind, probability in self.probabilities.items():
                if self._rng.random() < probability:
                    return kind
        return None
