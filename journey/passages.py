"""Passages: words quoted from a text to comment on them (a supervisor on a practice
answer, colleagues on an intervision case). Spaces and capitals count loosely."""

from __future__ import annotations

from collections.abc import Mapping


class PassageNotFound(ValueError):
    """A comment's passage is in none of the texts it was said to be from."""


def locate(texts: Mapping[str, str], passage: str) -> tuple[str, str | None]:
    """``passage`` with its spaces tidied, and the key of the first of ``texts`` that holds
    it (None for an empty passage: a comment on the whole). Raises PassageNotFound."""
    passage = " ".join(passage.split())
    if not passage:
        return "", None
    wanted = passage.casefold()
    for key, text in texts.items():
        if wanted in " ".join(text.split()).casefold():
            return passage, key
    raise PassageNotFound(passage)
