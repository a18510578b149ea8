"""Tip: end with positive naming."""

from __future__ import annotations

from flask_babel import gettext as _

from .dutch import Text
from .finding import Finding
from .praise import is_positive

ID = "closes_positive"
NEEDS_COACHEE = False


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does the last sentence (before the sign-off) name something positive?

    The same test as ``opens_positive.check``. A greeting ("Warme groet, Anna",
    "Tot schrijfs!") and the name under it are the sign-off; a wish ("Veel
    sterkte!") is the last sentence and names nothing positive. Limits: as for
    the opening; a closing question without praise fails, even a warm one.
    """
    body = feedback.body
    if not body:
        return Finding(
            ID,
            False,
            _("Er staat nog geen tekst; eindig met iets positiefs over de coachee."),
        )
    last = body[-1]
    if is_positive(last):
        message = _(
            "Je laatste zin benoemt iets positiefs; zo sluit de coachee je brief af met een "
            "goed gevoel."
        )
        return Finding(ID, True, message, (last.text,))
    if last.own.rstrip(" …\"'”’»").endswith("?"):
        message = _(
            "Je eindigt met een vraag zonder iets positiefs te benoemen; sluit af met wat goed "
            "gaat, dan neemt de coachee dat mee."
        )
    else:
        message = _(
            "Je laatste zin benoemt niets positiefs; eindig met wat goed gaat, dan neemt de "
            "coachee dat mee."
        )
    return Finding(ID, False, message, (last.text,))
