"""Keyset pagination over a static list: correct (no duplicates, no gaps) for any page size.

Entries are ordered by a numeric key, descending (the Hub only sorts descending), ties broken by a
unique string ascending, entries without a key last. The cursor names the last entry served by its
(key, tiebreak) pair, so a page never depends on offsets.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from .http_types import decode_cursor, encode_cursor

# A sort key missing from an entry (e.g. no trendingScore) is stored as NaN and sorts last.
MISSING = math.nan


def _order_key(value: float, tiebreak: str) -> tuple[bool, float, str]:
    missing = math.isnan(value)
    return (missing, 0.0 if missing else -value, tiebreak)


class KeysetIndex:
    """Sorted views over `len(tiebreaks)` entries, one per sort key, built lazily and cached."""

    def __init__(self, tiebreaks: Sequence[str], keys: dict[str, array]) -> None:
        self._tiebreaks = tiebreaks
        self._keys = keys
        self._orders: dict[str, array] = {}

    def _order(self, sort: str) -> array:
        order = self._orders.get(sort)
        if order is None:
            values = self._keys[sort]
            ranked = sorted(range(len(self._tiebreaks)), key=lambda i: _order_key(values[i], self._tiebreaks[i]))
            order = self._orders[sort] = array("q", ranked)
        return order

    def page(
        self,
        sort: str | None,
        cursor: str | None,
        limit: int,
        predicate: Callable[[int], bool] | None = None,
    ) -> tuple[list[int], str | None]:
        """Entry indexes of one page and the cursor of the next page (None on the last page).

        `sort=None` walks file order. Raises ValueError on a cursor that does not match `sort`.
        """
        state: Any = decode_cursor(cursor) if cursor else None
        if sort is None:
            order: Sequence[int] = range(len(self._tiebreaks))
            start = 0
            if state is not None:
                if not isinstance(state, dict) or "p" not in state:
                    raise ValueError("cursor does not belong to this listing")
                start = int(state["p"])
        else:
            order = self._order(sort)
            start = 0
            if state is not None:
                if not isinstance(state, dict) or state.get("s") != sort:
                    raise ValueError("cursor does not belong to this listing")
                value = MISSING if state["v"] is None else float(state["v"])
                values = self._keys[sort]
                start = bisect_right(
                    order,
                    _order_key(value, state["t"]),
                    key=lambda i: _order_key(values[i], self._tiebreaks[i]),
                )
        selected: list[int] = []
        position = start
        while position < len(order):
            index = order[position]
            position += 1
            if predicate is None or predicate(index):
                if len(selected) == limit:
                    return selected, self._cursor(sort, selected[-1], position - 1)
                selected.append(index)
        return selected, None

    def _cursor(self, sort: str | None, last_index: int, next_position: int) -> str:
        if sort is None:
            return encode_cursor({"p": next_position})
        value = self._keys[sort][last_index]
        return encode_cursor({"s": sort, "v": None if math.isnan(value) else value, "t": self._tiebreaks[last_index]})
