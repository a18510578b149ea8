"""Tip: ask what serves the coachee's reflection, not the coach's curiosity.

A curiosity question asks for facts the reflection does not need: who exactly, how
old, which company, where, when exactly, how much, what happened next in detail. A
question that invites the coachee to look at their own words, feelings, wishes or
choices is fine, even when it names a person, a place or a time ("Waar in je lichaam
voel je die spanning?"). A request for facts without a question mark ("Ik ben
benieuwd hoe oud je zoon is.") counts too.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import Sentence, Text
from .finding import Finding

ID = "curiosity"
NEEDS_COACHEE = False

# Asking for a fact, on the coach's own lowercased words.
FACT_QUESTIONS = tuple(
    re.compile(p)
    for p in (
        r"\bhoe\s+oud\b",
        r"\bhoe\s+(?:heet|heette|heten|noem\s+je)\b",
        r"\bwat\s+(?:is|was)\s+(?:de|zijn|haar|hun|z'n)\s+(?:naam|leeftijd|functie|adres|"
        r"woonplaats|achternaam|beroep)\b",
        r"\b(?:welk|welke|wat\s+voor(?:\s+een)?)\s+(?:\w+\s+)?\w*(?:bedrijf|werkgever|school|stad|"
        r"plaats|dorp|straat|wijk|buurt|afdeling|ziekenhuis|functie|opleiding|studie|"
        r"universiteit|hogeschool|merk|land|provincie|dag|datum|jaar|maand|klas|team|club|"
        r"vereniging|kerk|dokter|arts|specialist|organisatie|firma|winkel|restaurant|hotel|auto|"
        r"medicijn\w*|baan|werk|beroep|vak|sport|diagnose|ziekte|leeftijd|salaris|bedrag|"
        r"vakantie\w*|huis|kantoor|gemeente)\b",
        r"\bbij\s+welke?\s+\w+",
        r"\bin\s+welke?\s+(?:stad|plaats|dorp|straat|wijk|land|jaar|maand|week|ziekenhuis|klas|"
        r"functie|afdeling|buurt|provincie)\b",
        # "waar ... over/aan/mee" asks what about, not where
        r"\bwaar\s+(?![^?]*\b(?:over|aan|mee|om|van|door|uit|naar|tegen|toe|achter)\b)"
        r"(?:woon|woont|woonde|woonden|werk|werkt|werkte|werkten|studeer\w*|"
        r"was\s+(?:dat|het|je|jij|hij|zij|ze|de|die)|is\s+(?:dat|het|de|die)|gebeurde|ging|gingen|zat|zaten|"
        r"precies|ergens|zijn\s+jullie|komt|kwam|kom\s+je)\b",
        r"\bwaar\s+\w+\s+(?:hij|zij|ze|jullie)\s+vandaan\b",
        r"\bwanneer\s+(?:precies|was\s+(?:dat|het)|gebeurde|is\s+(?:dat|het)\s+gebeurd|"
        r"begon|ging|kwam|ben\s+je|heb\s+je)\b",
        r"\bhoe\s+laat\b",
        r"\bop\s+welke\s+(?:dag|datum|leeftijd|plek|manier\s+precies)\b",
        r"\bhoeveel\b",
        r"\bwat\s+(?:\w+\s+){0,5}?precies\b",
        r"\b(?:wanneer|waar|wie|hoe\s+laat|hoe\s+lang)\b[^?]*\bprecies\b",
        r"\bwie\s+(?:er\s+)?(?:allemaal\s+)?(?:bij|aanwezig)\b",
        r"\bwie\s+(?:precies|was\s+(?:dat|het|die)|is\s+(?:dat|het|die|hij|zij)|bedoel\s+je\s+"
        r"(?:precies|met)|zijn\s+(?:dat|die)|waren\s+(?:dat|er)|zei|deed|heeft\s+dat|"
        r"had\s+dat|waren\s+erbij|was\s+erbij|zaten)\b",
        r"\bwat\s+(?:zei|zegt|deed|doet|antwoordde|schreef|vond)\s+(?:hij|zij|ze|je\s+\w+|"
        r"jouw\s+\w+|die|hun|de\s+\w+|het\s+\w+)\s*(?:precies|letterlijk|toen|daarop|"
        r"daarna|dan)?\b",
        r"\bwat\s+(?:gebeurde|gebeurt)\s+er\s+(?:daarna|toen|verder|precies|allemaal|nog|"
        r"vervolgens|uiteindelijk)\b",
        r"\bwat\s+is\s+er\s+(?:\w+\s+)?(?:precies|allemaal|toen|daarna)\s+gebeurd\b",
        r"\bhoe\s+(?:ging|liep|loopt|gaat|is|verliep)\s+(?:het|dat|dit)\s+(?:\w+\s+)?"
        r"(?:verder|afgelopen|uiteindelijk|af|uit|precies)\b",
        r"\bhoe\s+is\s+het\s+(?:\w+\s+)?afgelopen\b",
        r"\bhoe\s+lang\b|\bsinds\s+wanneer\b|\bin\s+dienst\b",
        r"\bwat\s+(?:doet|deed)\s+(?:hij|zij|ze|je\s+\w+|jouw\s+\w+)\s+(?:\w+\s+)?"
        r"(?:voor\s+werk|precies|voor\s+de\s+kost)\b",
        r"\b(?:is|was)\s+(?:hij|zij|ze)\s+(?:getrouwd|ouder|jonger|ziek|single|gescheiden)\b",
        r"\b(?:heeft|had)\s+(?:hij|zij|ze)\s+(?:\w+\s+)?(?:kinderen|een\s+(?:vriend|vriendin|"
        r"partner|relatie|baan))\b",
        r"\b(?:ben|was)\s+(?:je|jij)\s+(?:getrouwd|gescheiden|single)\b",
        r"\bheb\s+(?:je|jij)\s+(?:\w+\s+)?(?:kinderen|broers|zussen|huisdieren)\b",
        r"\bvertel\s+(?:\w+\s+){0,3}?(?:precies|letterlijk|alle\s+details|wat\s+er\s+"
        r"(?:precies|allemaal)|hoe\s+het\s+(?:precies|verder))\b",
        r"\b(?:om\s+welke|over\s+welke|welke)\s+(?:collega|vriend|vriendin|leidinggevende|"
        r"manager|baas|familielid|buurvrouw|buurman)\s+(?:gaat|ging|het)\b",
        r"\bwie\s+(?:is|was)\s+(?:je|jouw)\s+\w+\b",
    )
)
# A request for facts without a question mark: "Ik ben benieuwd ...", "Vertel me gerust ...".
REQUEST = re.compile(
    r"\b(?:ik\s+ben\s+(?:\w+\s+)?benieuwd|(?:ik\s+)?(?:wil|zou|had)\s+(?:\w+\s+){0,2}?graag\s+"
    r"(?:\w+\s+)?weten|vertel\s+(?:me|mij|eens|gerust|even|maar)|laat\s+(?:me|mij)\s+(?:\w+\s+)?"
    r"weten|(?:me|mij)\s+(?:\w+\s+)?(?:laten|laat)\s+weten|(?:helpen|fijn\s+vinden)\s+(?:om\s+)?te\s+weten|"
    r"ik\s+vraag\s+me\s+af|schrijf\s+(?:me|mij|gerust)|noem\s+(?:me|gerust|eens)|"
    r"nieuwsgierig\s+(?:naar|wie|wat|hoe|welk|waar))"
)
# An invitation to look inward: the question then serves the coachee's reflection.
REFLECTION = re.compile(
    r"\b(?:voel\w*|gevoel\w*|beteken\w*|merk\s+je|merkte\s+je|raakt|raakte|emotie\w*|"
    r"lichaam|in\s+je\s+(?:hoofd|hart|buik|lijf)|in\s+(?:je|jou|jezelf)\b(?!\s+(?:brief|tekst))|"
    r"met\s+(?:je|jou)\b|wat\s+doet\s+(?:dat|het|dit)|nodig|wens\w*|hoop\w*|verlang\w*|"
    r"bedoel\s+je\s+(?!precies\s+met\s+\w+\s+(?:bedrijf|collega))|wil\s+je|zou\s+(?:je|jij)\s+"
    r"(?:\w+\s+){0,3}?(?:willen|wensen|kiezen|zeggen\s+tegen)|denk\s+je|vind\s+je|herken\s+je|"
    r"kies\w*|keuze\w*|belangrijk|jezelf|geeft\s+(?:je|jou)|helpt\s+(?:je|jou)|"
    r"sterk\w*|kracht\w*|rust|ruimte|steun\w*|terugkijk\w*|terug\s+kijk\w*)"
)


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does every question serve the coachee's reflection rather than the coach's curiosity?

    A question (or a request: "Ik ben benieuwd ...", "Vertel me gerust ...") that asks
    for a fact (``FACT_QUESTIONS``: how old, which company, where, who exactly, what
    happened next) counts, unless it also invites the coachee to look inward
    (``REFLECTION``: feelings, meaning, wishes, choices, "in je", "met je"). Questions
    inside a quotation of the coachee do not count. Limits: a fact question in words
    not on the list is missed; a factual question that happens to hold a reflective
    word ("Hoeveel rust krijg je op je werk?") passes.
    """
    hits = [s.text for s in feedback.body if is_curious(s)]
    if hits:
        message = _(
            "Je vraagt naar feiten die de coachee niet nodig heeft om te reflecteren; vraag "
            "liever naar wat de coachee voelt, denkt of wil."
        )
        return Finding(ID, False, message, tuple(hits))
    message = _("Je vragen helpen de coachee naar de eigen woorden, gevoelens en keuzes te kijken.")
    return Finding(ID, True, message)


def is_curious(sentence: Sentence) -> bool:
    """True when the sentence asks (or asks to be told) a fact the reflection does not need."""
    text = sentence.own
    asking = sentence.is_question or REQUEST.search(text)
    if not asking or not any(p.search(text) for p in FACT_QUESTIONS):
        return False
    return not REFLECTION.search(text)
