"""Languages: which of Journey's languages a page is shown in.

Dutch is the language of the message ids (it needs no catalogue); English has its
catalogue in ``journey/translations/en``. A page follows, in this order, the
language chosen on the account page, the browser's ``Accept-Language`` (the best
match among ``LOCALES``), and the organisation's ``JOURNEY_DEFAULT_LOCALE``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

LOCALES = ("nl", "en")  # every language Journey has a complete interface in


class AcceptLanguages(Protocol):
    def best_match(self, matches: Iterable[str], default: str | None = None) -> str | None: ...


def check(name: str) -> str:
    """``name`` when it is one of ``LOCALES``; ValueError otherwise."""
    if name not in LOCALES:
        known = ", ".join(LOCALES)
        raise ValueError(f"unknown language {name!r} (use one of: {known})")
    return name


def choose(own: str | None, accepted: AcceptLanguages | None, default: str) -> str:
    """The language of a page: the person's ``own`` choice, else the best of the
    browser's ``accepted`` languages, else the organisation's ``default``."""
    if own in LOCALES:
        return own
    if accepted is not None:
        best = accepted.best_match(LOCALES)
        if best:
            return best
    return default
