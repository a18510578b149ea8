"""Tip: match the coachee's language, including how they address people.

The feedback addresses the coachee in one form: "je/jij/jou/jouw" or "u/uw",
never both in the coach's own words. When the coachee's text shows a form (a
coachee who writes to the coach with "u", or opens with "Geachte"), the feedback
uses that form; a coachee who plainly says "jij" to the coach, or opens with "Hoi",
is not answered with "u". "Alsjeblieft" and "alstublieft" are forms of address too.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import WORD, Sentence, Text
from .finding import Finding

ID = "address_form"
NEEDS_COACHEE = False

INFORMAL = frozenset(
    {
        "je",
        "jij",
        "jou",
        "jouw",
        "jezelf",
        "jouzelf",
        "jijzelf",
        "jullie",
        "alsjeblieft",
        "alsjeblief",
        "dankjewel",
        "dankje",
    }
)
FORMAL = frozenset({"u", "uw", "uzelf", "uwe", "alstublieft", "dankuwel"})
# "de u en de n": the letter, not the word of address.
LETTER_BEFORE = frozenset({"de", "letter", "een"})
# "jullie" addresses more than one person: it is no switch in a "u" letter.
NEUTRAL = frozenset({"jullie"})
FORMAL_OPENING = re.compile(r"^\W*(?:geachte|zeer\s+geachte|weledelgeleerde)\b", re.IGNORECASE)
# The coachee says "jij" to the coach (not the generic "je" of "dan weet je het wel").
SAYS_JIJ = re.compile(r"\b(?:jij|jou|jouw)\b")


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does the coach address the coachee in one form, the one the coachee uses?

    Counts the coach's own words (quotations set aside) of each form per sentence. Both
    forms in one feedback: the sentences in the form used least (the later one on a tie)
    are named. With the coachee's text: their form is "u" when they address the coach
    with "u"/"uw" or open with "Geachte", "je" when they say "jij"/"jou" to the coach
    (a "Hoi" alone shows no form); a feedback in the other form fails. Limits: a
    generic "je" ("dan weet je het wel") in a "u" letter counts as a switch; a "u"
    inside an unmarked quotation counts as the coach's.
    """
    informal = [s for s in feedback.body if forms(s) & (INFORMAL - NEUTRAL)]
    formal = [s for s in feedback.body if forms(s) & FORMAL]
    if informal and formal:
        # the rarer form; on a tie the one that came in later
        fewer = min(
            informal, formal, key=lambda group: (len(group), -feedback.body.index(group[0]))
        )
        message = _(
            "Je spreekt de coachee aan met ‘je’ en met ‘u’; kies één vorm, die van de coachee, "
            "en houd die vast."
        )
        return Finding(ID, False, message, tuple(s.text for s in fewer))
    theirs = coachee_form(coachee) if coachee is not None else None
    if theirs == "u" and informal:
        message = _(
            "De coachee schrijft met ‘u’; spreek de coachee dan ook met ‘u’ aan, zo sluit je "
            "aan bij de taal van de coachee."
        )
        return Finding(ID, False, message, (informal[0].text,))
    if theirs == "je" and formal:
        message = _(
            "De coachee schrijft met ‘je’ en ‘jij’; met ‘u’ klinkt je brief afstandelijker dan "
            "die van de coachee."
        )
        return Finding(ID, False, message, (formal[0].text,))
    message = _("Je spreekt de coachee steeds op dezelfde manier aan, zoals de coachee schrijft.")
    return Finding(ID, True, message)


def forms(sentence: Sentence) -> set[str]:
    """The words of address in the coach's own words of ``sentence``."""
    said = WORD.findall(sentence.own)
    return {
        word
        for index, word in enumerate(said)
        if word in INFORMAL | FORMAL
        and not (word == "u" and index and said[index - 1] in LETTER_BEFORE)
    }


def coachee_form(coachee: Text) -> str | None:
    """ "u" or "je" when the coachee's text shows how they address the coach, else None."""
    own = " ".join(s.own for s in coachee.sentences)
    said = set(WORD.findall(own))
    first = coachee.sentences[0].text if coachee.sentences else ""
    if said & FORMAL or FORMAL_OPENING.match(first):
        return "u"
    if SAYS_JIJ.search(own):
        return "je"
    return None
