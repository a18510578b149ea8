"""Tip: leave your own life and experience out; the room is for the coachee's story."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import WORD, Text
from .finding import Finding
from .words import wordset

ID = "own_experience"
NEEDS_COACHEE = False

# The coach telling about their own life or experience, on lowercased own words.
OWN_EXPERIENCE_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\bik\s+(?:heb|had)\s+(?:zelf|ook(?!\s+(?:nog\s+)?(?:een\s+)?(?:vraag|vragen|gemerkt|"
        r"gelezen|gezien))|dat\s+ook|het\s+ook|dit\s+ook|zoiets|hetzelfde|iets\s+vergelijkbaars|"
        r"vroeger|ooit|destijds|jaren|jarenlang|een\s+tijd|een\s+tijdje|lang|een\s+periode|"
        r"net\s+zo'?n|toen|vorig\s+jaar|jaren\s+geleden|als\s+kind|als\s+tiener)\b",
        r"\bik\s+(?:ben|was)\s+(?:zelf|ook|ooit|vroeger|destijds|jaren|jarenlang|lang|toen|"
        r"vorig\s+jaar|jaren\s+geleden|als\s+kind|als\s+tiener|"
        r"net\s+als\s+(?:jij|jou))\b(?!\s+(?:\w+\s+)?(?:benieuwd|blij|geraakt|"
        r"onder\s+de\s+indruk|trots|ontroerd|stil|"
        r"verrast|nieuwsgierig|dankbaar|geïnteresseerd|aan\s+het\s+lezen))",
        r"\bik\s+(?:ken|herken)\s+(?:dat|het|dit|die|zo|zelf|ook|heel|dat\s+gevoel|het\s+gevoel)\b",
        r"\b(?:dat|dit|het|die)\s+(?:\w+\s+)?(?:ken|herken)\s+ik\b",
        r"\bherkenbaar\s+(?:voor\s+(?:mij|me))\b",
        r"\bik\s+weet\s+(?:zelf\s+|uit\s+(?:eigen\s+)?ervaring\s+|als\s+geen\s+ander\s+)?hoe\s+"
        r"(?:\w+\s+){0,2}(?:het|dat|dit)\s+(?:is|voelt|gaat)\b",
        r"\bik\s+weet\s+(?:er\s+alles\s+van|als\s+geen\s+ander|uit\s+(?:eigen\s+)?ervaring)\b",
        r"\btoen\s+ik\b(?!\s+(?:je|jouw|uw|dit|dat|het|deze)\s+(?:\w+\s+)?(?:las|lees|zag|"
        r"hoorde|ontving|kreeg))",
        r"\bals\s+ik\s+(?:vroeger|toen|destijds)\b",
        r"\b(?:bij|voor|met)\s+(?:mij|mijzelf|mezelf)\s+(?:was|werkte|hielp|ging|werkt|helpt|"
        r"is\s+het)\b",
        r"\b(?:mij|me)\s+(?:hielp|helpt|heeft\s+geholpen|is\s+overkomen|overkwam|ook\s+"
        r"overkomen|ook\s+gebeurd|is\s+gebeurd)\b",
        r"\book\s+ik\b",
        r"\b(?:bij\s+ons\s+(?:thuis|in\s+de\s+familie)|in\s+ons\s+gezin|onze\s+(?:kinderen|"
        r"zoon|dochter|ouders|familie|kleinkinderen))\b",
        r"\b(?:mijn|m'n)\s+(?:eigen\s+|eerste\s+|oudste\s+|jongste\s+|lieve\s+|oude\s+|vorige\s+|"
        r"beste\s+|overleden\s+)?(?:ervaring|ervaringen|leven|jeugd|verleden|moeder|vader|"
        r"ouders|man|vrouw|partner|vriend|vriendin|zoon|dochter|kinderen|kind|zus|zussen|broer|"
        r"broers|oma|opa|familie|relatie|ex|scheiding|burn-?out|depressie|baan|baas|collega|"
        r"collega's|hond|kat|huis|vakantie|studie|praktijk|cliënten|clienten|coachees|"
        r"schoonmoeder|schoonvader|gezin|echtgenoot|echtgenote|vriendinnen|vrienden|jeugd|"
        r"tienerjaren|studententijd|pubertijd|kleinzoon|kleindochter|kleinkind|kleinkinderen|"
        r"schoondochter|schoonzoon|schoonouders|neef|nicht|tante|oom|buurvrouw|buurman|"
        r"vorige\s+baan|eerste\s+baan|huwelijk|zwangerschap|bevalling|ziekte|operatie|"
        r"verlof|hobby|eigen\s+\w+)\b",
        r"\bin\s+mijn\s+(?:eigen\s+)?(?:ervaring|leven|praktijk|jeugd|tijd|werk|omgeving|"
        r"vriendenkring|familie)\b",
        r"\buit\s+(?:eigen|mijn\s+eigen|persoonlijke)\s+ervaring\b",
        r"\bik\s+spreek\s+uit\s+ervaring\b",
        r"\bnet\s+als\s+ik\b",
        r"\bzelf\s+(?:heb|had|ben|was|ken|herken|weet)\s+ik\b",
        r"\bik\s+(?:ging|liep|zat|werkte|woonde|kreeg|verloor|voelde|deed|moest|kon|wilde|durfde|"
        r"dacht)\s+(?:\w+\s+)?(?:ook|zelf|toen|vroeger|destijds|ooit|jarenlang|"
        r"lange\s+tijd|vorig\s+jaar|jaren\s+geleden)\b",
        r"\b(?:vroeger|destijds|jaren\s+geleden|vorig\s+jaar|ooit|toen|zelf)\s+(?:had|heb|was|"
        r"ben|deed|werkte|woonde|ging|zat|voelde|kreeg|verloor|moest|liep)\s+ik\b",
        r"\bik\s+(?:ben|was)\s+(?:ook\s+)?(?:gescheiden|ontslagen|overspannen|depressief|"
        r"weduwe|weduwnaar|opgegroeid|verhuisd|geboren|getrouwd|mantelzorger)\b",
        r"\bik\s+heb\s+(?:ook\s+)?(?:een\s+)?(?:burn-?out|depressie|kinderen|een\s+zoon|"
        r"een\s+dochter|twee\s+kinderen|drie\s+kinderen)\b",
        r"\bals\s+(?:moeder|vader|ouder|vrouw|man)\s+(?:weet|ken|herken)\s+ik\b",
        r"\bik\s+heb\s+(?:dat|dit|het)\s+(?:zelf\s+)?(?:ook\s+)?(?:meegemaakt|doorgemaakt|gehad|"
        r"ervaren|beleefd)\b",
        r"\b(?:meegemaakt|doorgemaakt)\s+(?:heb|had)\s+ik\b",
        r"\bikzelf\s+(?:had|ging|werkte|woonde|kreeg|verloor|deed|moest|zat)\b",
    )
)
# "ik heb/ben/had/was ... <participle>" within one clause: the coach's own past ("Ik ben op
# mijn veertigste overgestapt"), unless it is about reading or being touched by the letter.
OWN_PAST = re.compile(
    r"\bik(?:zelf)?\s+(?:ben|heb|had|was)\b((?:\s+[^\W\d_][\w'’-]*|\s+\d+\w*){1,14})"
)


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does the coach keep their own life and experience out of it?

    Looks for patterns such as "ik heb dat ook", "dat herken ik", "toen ik",
    "mijn moeder", "in mijn ervaring", "wat mij hielp". Limits: a story about
    oneself without any of these patterns ("Vorige zomer liep ik ...") may slip
    through when its verb is not listed; "ik" alone is never enough.
    """
    hits = [
        s.text
        for s in feedback.body
        if any(p.search(s.own) for p in OWN_EXPERIENCE_PATTERNS) or _own_past(s.own)
    ]
    if hits:
        message = _(
            "Je vertelt over je eigen leven of ervaring; zo verschuift de aandacht van de "
            "coachee naar jou."
        )
        return Finding(ID, False, message, tuple(hits))
    message = _("Je vertelt niet over jezelf; zo blijft de ruimte voor het verhaal van de coachee.")
    return Finding(ID, True, message)


def _own_past(own: str) -> bool:
    """True for "ik ben/heb ... <participle>" about the coach's own past: a participle
    follows within a few words, and no word of the coachee or of reading their letter."""
    for match in OWN_PAST.finditer(own):
        words = WORD.findall(match.group(1))
        if wordset("coachee_words").intersection(words) or wordset(
            "reading_participles"
        ).intersection(words):
            continue
        if any(_is_participle(word) for word in words):
            return True
    return False


def _is_participle(word: str) -> bool:
    """A Dutch past participle: ge...d/t/en/aan, also after a separable prefix (meegemaakt)."""
    at = word.find("ge")
    return at >= 0 and len(word) - at >= 5 and word.endswith(("d", "t", "en", "aan"))
