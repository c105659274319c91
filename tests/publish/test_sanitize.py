"""Hostile card strings become inert text before they can reach a card we publish."""

import pytest

from hub_emulator.worldgen.hostile import KINDS, payload
from release.sanitize import MAX_CARD_TEXT, card_text

pytestmark = pytest.mark.fast


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_payloads_are_neutralised(kind: str) -> None:
    for raw in _strings(payload(kind)):
        clean = card_text(raw)
        assert "{{" not in clean and "{%" not in clean
        assert "reference://" not in clean and "hf://" not in clean
        assert "\n" not in clean and "---" not in clean
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E for c in clean)
        assert len(clean) <= MAX_CARD_TEXT


def test_plain_text_is_kept() -> None:
    assert card_text("Apache 2.0 licence, 7B parameters") == "Apache 2.0 licence, 7B parameters"
