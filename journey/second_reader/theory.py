"""Tip: stay with the coachee's words, without theory, models, named authors or jargon."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import Sentence, Text
from .finding import Finding
from .words import derived, entries, wordset

ID = "theory"
NEEDS_COACHEE = False

# Phrases that bring in theory or research, on lowercased text.
THEORY_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"\b(?:uit\s+)?(?:wetenschappelijk\s+)?onderzoek\s+(?:toont|laat|wijst|blijkt|heeft)",
        r"\buit\s+(?:wetenschappelijk\s+)?onderzoek\s+blijkt\b",
        r"\b(?:studies|onderzoeken|onderzoekers|wetenschappers|deskundigen|experts)\s+"
        r"(?:tonen|laten|zeggen|noemen|wijzen|hebben)\b",
        r"\bwetenschap\w*\b",
        r"\bvolgens\s+de\s+(?:theorie|psychologie|literatuur|wetenschap|experts|deskundigen)\b",
        r"\bin\s+de\s+(?:psychologie|literatuur|vakliteratuur|wetenschap)\b",
        r"\b(?:dit|dat|het)\s+(?:heet|noemen\s+(?:we|wij|psychologen|deskundigen)|noem\s+je|"
        r"wordt\s+(?:ook\s+)?(?:wel\s+)?(?:genoemd|het))\b",
        r"\bin\s+vaktermen\b",
        r"\b(?:de|het|een)\s+(?:zogenaamde|zogeheten|zogenoemde)\b",
        r"\b(?:klassiek|klassieke|typisch|typische|schoolvoorbeeld|bekend|bekende)\s+"
        r"(?:geval|voorbeeld|patroon|verschijnsel|fenomeen)\s+van\b",
        r"\bvakterm\w*\b",
        r"\bhet\s+(?:principe|fenomeen|concept)\s+(?:van|dat)\b",
        r"\b(?:de\s+)?(?:vijf|5|vier|4|zes|6|drie|3)\s+fasen\s+van\b",
        r"\bfasen\s+van\s+(?:rouw|verandering|verlies)\b",
        r"\b(?:roos|piramide|cirkel|wet|model|theorie)\s+van\s+[a-z]",
        r"\bde\s+(?:psycholoog|psychiater|filosoof|schrijver|auteur|onderzoeker|therapeut)\s+"
        r"[a-z]+\s+(?:zegt|zei|schrijft|schreef|noemt|noemde|beschrijft|beschreef|stelt)\b",
        r"\bin\s+(?:zijn|haar|het)\s+boek\b",
    )
)


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does the coach stay with the coachee's text, without theory or jargon?

    Looks for named authors (Maslow, Freud, Ofman, ...), models and psychological
    jargon (kernkwadrant, dramadriehoek, cognitieve dissonantie, amygdala, ...)
    and phrases that bring in research ("uit onderzoek blijkt", "dit heet", "in de
    psychologie"). A term the coachee used themselves does not count. Limits:
    jargon not on the lists is missed; a listed word used in its everyday sense
    ("een mooi model") counts.
    """
    coachee_plain = coachee.plain if coachee is not None else ""
    found: list[str] = []
    hits = []
    for sentence in feedback.body:
        terms = _theory_terms(sentence, coachee_plain)
        if terms:
            hits.append(sentence.text)
            found.extend(t for t in terms if t not in found)
    if hits:
        message = _(
            "Je gebruikt theorie of vaktaal (%(terms)s); blijf bij de woorden van de coachee, "
            "dan voelt die zich begrepen.",
            terms=", ".join(found),
        )
        return Finding(ID, False, message, tuple(hits))
    message = _(
        "Je blijft bij de tekst van de coachee, zonder theorie of vaktaal; zo gaat het over "
        "de coachee."
    )
    return Finding(ID, True, message)


@derived
def _author() -> re.Pattern:
    """A listed author as written, with the capital (a one-word name) or in any case."""
    return re.compile(
        r"(?<![\w-])(?:"
        + "|".join(re.escape(a[0].upper() + a[1:]) for a in entries("theory_authors"))
        + "|"
        + "|".join(
            "".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in name)
            for name in entries("theory_author_names")
        )
        + r")(?![\w-])"
    )


@derived
def _term() -> re.Pattern:
    return re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(t) for t in entries("theory_terms")) + r")[\w-]*"
    )


@derived
def _word_part() -> re.Pattern:
    return re.compile(
        r"[\w-]*(?:" + "|".join(re.escape(t) for t in entries("theory_word_parts")) + r")[\w-]*"
    )


# "Volgens Stroebe", "zoals Covey zegt": a name brought in as an authority.
_NAMED_AUTHORITY = re.compile(r"\b(?:[Vv]olgens|[Zz]oals)\s+((?:de\s+)?[A-Z][\w'’-]+)")


def _theory_terms(sentence: Sentence, coachee_plain: str) -> list[str]:
    """The authors, terms and research phrases in the coach's own words of ``sentence``
    that the coachee's text (lowercased) does not hold."""
    text = sentence.own
    # Names are looked for as written (with their capital), outside quotations.
    authors = (m.group().lower() for m in _author().finditer(sentence.text))
    found = [(a, a) for a in authors if re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", text)]
    found += [(m.group(), m.group(1)) for m in _term().finditer(text)]  # the listed stem
    found += [(m.group(), m.group()) for m in _word_part().finditer(text)]
    found += [(m.group().strip(), m.group()) for p in THEORY_PHRASES if (m := p.search(text))]
    found += [(m.group(1), m.group(1).lower()) for m in _NAMED_AUTHORITY.finditer(sentence.text)]
    terms = [
        term
        for term, key in found
        if term not in wordset("everyday_words")
        and term not in coachee_plain
        and key not in coachee_plain
    ]
    return list(dict.fromkeys(terms))
