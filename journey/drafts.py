"""What every draft shares: a version that rises with each save, so that a save made
from an older copy (a second tab, another device) is refused instead of overwriting."""

from __future__ import annotations


class StaleDraft(Exception):
    """The draft changed since the writer's copy was loaded; holds the stored text."""

    def __init__(self, text: str, version: int):
        super().__init__(version)
        self.text = text
        self.version = version


def check_version(expected: int | None, version: int, text: str, new_text: str) -> None:
    """Raise StaleDraft when the writer's copy (``expected``) is older than the stored
    ``version`` and would change its ``text``. ``None`` means: no check asked for."""
    if expected is not None and expected != version and new_text != text:
        raise StaleDraft(text, version)
