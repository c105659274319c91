"""Deterministic random streams.

Each part of the world draws from its own named stream, so changing how one part is generated does
not shift the random numbers of every other part (worlds stay comparable across generator edits).
"""

from __future__ import annotations

import random
import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """A numpy generator for the part ``name`` of the world of ``seed``."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def pystream(seed: int, name: str) -> random.Random:
    """A stdlib generator for cheap per-body cosmetic choices (much faster than numpy scalars)."""
    return random.Random(seed * 1_000_003 + zlib.crc32(name.encode()))


def heavy_tail(rng: np.random.Generator, n: int, alpha: float = 1.2) -> np.ndarray:
    """Pareto-distributed positive weights: a few very popular entities, a long tail of obscure ones."""
    return rng.pareto(alpha, n) + 1.0


def pick(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with replacement, with probability proportional to ``weights``."""
    if size == 0 or len(weights) == 0:
        return np.zeros(0, dtype=np.int64)
    cdf = np.cumsum(weights, dtype=np.float64)
    idx = np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right")
    return np.minimum(idx, len(weights) - 1).astype(np.int64)


def counts_with_mean(rng: np.random.Generator, n: int, mean: float, active_share: float) -> np.ndarray:
    """Per-entity edge counts: ``active_share`` of entities get >= 1 (geometric tail), mean ``mean``."""
    active = rng.random(n) < active_share
    per_active = max(mean / active_share, 1.0)
    extra = rng.geometric(1.0 / per_active, n) if per_active > 1.0 else np.ones(n, dtype=np.int64)
    return np.where(active, extra, 0).astype(np.int64)
