"""What every draft shares: a version that rises with each save, so that a save made
from an older copy (a second tab, another device) is refused instead of overwriting."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


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


class VersionedText(Protocol):
    """A stored piece of draft text with its version (an answer, a feedback part, ...)."""

    text: str
    version: int
    updated_at: datetime


def store(part: VersionedText, text: str, now: datetime, expected: int | None = None) -> None:
    """Put ``text`` into ``part``, raising its version when the text changed (or on the
    first save); raises StaleDraft when the writer's copy is older than the stored one."""
    check_version(expected, part.version, part.text, text)
    if part.text != text or part.version == 0:
        part.text, part.updated_at = text, now
        part.version += 1
