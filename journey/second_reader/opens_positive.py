"""Tip: begin with positive naming."""

from __future__ import annotations

from flask_babel import gettext as _

from .dutch import Text
from .finding import Finding
from .praise import is_positive

ID = "opens_positive"
NEEDS_COACHEE = False


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does the first sentence (after the salutation) name something positive?

    Positive: a word of praise or appreciation (mooi, knap, moedig, dank je, ...)
    not negated by "niet"/"geen" just before it, or a phrase of appreciation ("laat
    zien dat je", "zegt veel over", "onder de indruk"). Everyday words (goed, fijn,
    mooi) do not count in a sentence that gives advice, in a wish, or before a
    "maar" that takes them back. A question counts only when it praises without
    asking for an opinion or a hypothetical. Limits: praise without any listed
    word is missed; a positive word about someone else than the coachee counts;
    irony and faint praise are taken at face value.
    """
    body = feedback.body
    if not body:
        return Finding(
            ID,
            False,
            _("Er staat nog geen tekst; begin met iets positiefs over de coachee."),
        )
    first = body[0]
    if is_positive(first):
        message = _("Je eerste zin benoemt iets positiefs; zo voelt de coachee zich gezien.")
        return Finding(ID, True, message, (first.text,))
    message = _(
        "Je eerste zin benoemt niets positiefs over de coachee of de brief; begin met wat "
        "goed is, dan voelt de coachee zich gezien en leest die verder."
    )
    return Finding(ID, False, message, (first.text,))
