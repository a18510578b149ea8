"""Tip: write without "ik"; the attention stays with the coachee."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import Text
from .finding import Finding

ID = "first_person"
NEEDS_COACHEE = False


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does the coach avoid "ik" (also "ikzelf", "ikke", "'k")?

    Only the coach's own words count: quotations of the coachee are set aside.
    Limits: "me", "mij" and "mijn" are not counted; an unmarked quotation
    (without quote marks or "je schrijft:") is taken as the coach's words.
    """
    hits = [s.text for s in feedback.body if _FIRST_PERSON.search(s.own)]
    if hits:
        message = _(
            "Je schrijft ‘ik’: zo komt de aandacht bij jou te liggen in plaats van bij de coachee."
        )
        return Finding(ID, False, message, tuple(hits))
    return Finding(ID, True, _("Je schrijft zonder ‘ik’; zo blijft de aandacht bij de coachee."))


_FIRST_PERSON = re.compile(r"(?<![\w'])(?:ik|ikzelf|ikke)(?![\w'])|(?<!\w)'k\b")
