"""Compact adjacency lists for millions of edges.

A ``Links`` maps each head index to a slice of target indices (CSR layout). A negative target ``-(g+1)``
is the ``g``-th *ghost*: an id that is referenced but absent from the world (deleted or never existed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Links:
    """Targets of head ``i`` are ``targets[offsets[i]:offsets[i + 1]]`` (distinct, in draw order)."""

    offsets: np.ndarray
    targets: np.ndarray

    @classmethod
    def from_pairs(cls, n_heads: int, heads: np.ndarray, targets: np.ndarray) -> Links:
        """Group (head, target) pairs by head, dropping repeated pairs."""
        heads = np.asarray(heads, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        if len(heads):
            low = int(targets.min())
            key = heads * (int(targets.max()) - low + 1) + (targets - low)
            _, first = np.unique(key, return_index=True)
            keep = np.sort(first)
            heads, targets = heads[keep], targets[keep]
        order = np.argsort(heads, kind="stable")
        counts = np.bincount(heads, minlength=n_heads)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(offsets, targets[order])

    @classmethod
    def from_counts(cls, counts: np.ndarray, draw: np.ndarray) -> Links:
        """Head ``i`` gets ``counts[i]`` consecutive entries of ``draw`` (repeats within a head dropped)."""
        heads = np.repeat(np.arange(len(counts)), counts)
        return cls.from_pairs(len(counts), heads, draw[: len(heads)])

    def of(self, head: int) -> np.ndarray:
        """Targets of ``head``."""
        return self.targets[self.offsets[head] : self.offsets[head + 1]]

    def degree(self) -> np.ndarray:
        """Number of targets per head."""
        return np.diff(self.offsets)

    def transpose(self, n_targets: int) -> Links:
        """Reverse links (target -> heads), ghosts left out."""
        heads = np.repeat(np.arange(len(self.offsets) - 1), self.degree())
        present = self.targets >= 0
        return Links.from_pairs(n_targets, self.targets[present], heads[present])


def ghost(g: int | np.ndarray) -> int | np.ndarray:
    """Encode ghost number ``g`` as a negative target."""
    return -(g + 1)


def with_ghosts(rng: np.random.Generator, draw: np.ndarray, share: float, n_ghosts: int) -> np.ndarray:
    """Replace a ``share`` of drawn targets by ghosts ``0..n_ghosts-1``."""
    if n_ghosts == 0:
        return draw
    hit = rng.random(len(draw)) < share
    return np.where(hit, ghost(rng.integers(0, n_ghosts, len(draw))), draw)
