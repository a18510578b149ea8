"""Anonymising a letter and its feedback before a coach brings them to intervision.

Plain rules, no Flask and no database: ``anonymise(texts, known)`` returns the texts
with what identifies someone replaced by a bracketed Dutch placeholder, and the list
of what was replaced (so the coach can check it, and edit the rest by hand).

What is replaced, in this order (an earlier rule wins where two overlap):

- web addresses and e-mail addresses, phone numbers (Dutch and international);
- dates: 12-03-2026, 12/3, 2026-03-12, "12 maart", "12 maart 2026", "maart 2026",
  with a weekday before them ("dinsdag 12 maart");
- postcodes (1234 AB), streets with or without a house number ("Kerkstraat 12"),
  and ages ("32 jaar oud", "ik ben 32");
- the names that are known: the coachee's and the coach's pseudonym (and login
  name), and other names given; case-insensitive, whole words, also possessive
  ("Anna's", "Anna’s", "Klaas'", "Annas");
- a name after a title or family word ("tante Marie", "meneer De Vries", "dhr. Jansen")
  and initials with a surname ("J. de Vries");
- a capitalised word (with what belongs to it: "Lisa de Vries", "Den Haag",
  "Bergen op Zoom") that is not at the start of a sentence and is no ordinary word
  (``ORDINARY``: "Ik", weekdays, months, holidays, languages, apps…): a place
  ("[plaats]") after "in", "uit", "naar", "bij", "te", "rond", "vlakbij" and their
  like, a name ("[naam]") elsewhere;
- a capitalised word at the start of a sentence that is found as a name elsewhere in
  the texts, or that is followed by a verb a person does ("Lisa belde", "Mark is…") or
  by "en" and another name;
- a line that holds nothing but one to three capitalised words (a signature).

A word found as a name or place once is replaced everywhere in the texts, also at the
start of a sentence. What the caller asks to keep (``Known.keep``: the world's place
names, say "Veilige haven") is never replaced. The rules miss what they cannot see (a
name written in lower case, a nickname that is an ordinary word): the coach reads the
result before anything is shared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

COACHEE, COACH, NAME, PLACE = "[coachee]", "[coach]", "[naam]", "[plaats]"
DATE, EMAIL, PHONE, ADDRESS, AGE = "[datum]", "[e-mail]", "[telefoon]", "[adres]", "[leeftijd]"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


WEEKDAYS = "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag"
MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"
MONTH_ABBREVIATIONS = "jan feb mrt mar apr jun jul aug sep sept okt nov dec"

# Capitalised words that are no name of a person or place: Dutch words that start a
# sentence or are capitalised anyway (lower case here; compared without "'s").
ORDINARY = _words(
    f"""
    {WEEKDAYS} {MONTHS} {MONTH_ABBREVIATIONS}
    ik je jij u hij zij ze wij we jullie men het er hem haar hun hen mij me jou ons onze
    mijn m'n jouw je uw zijn z'n haar hun ikzelf mezelf jezelf zichzelf onszelf elkaar
    de het een deze dit die dat welke wat wie waar wanneer waarom hoe hoeveel hoezo
    waarover waardoor waarmee waarin welk zo zulke zoiets iets niets niks alles
    iemand niemand iedereen ieder elke elk alle allebei beide veel weinig meer minder
    sommige sommigen andere anderen ander enkele geen
    en of maar want dus toch omdat doordat hoewel als toen terwijl zodat zodra nadat
    voordat totdat tot sinds indien mits tenzij ofwel noch dan
    in op aan bij met van voor na naar uit over onder boven tussen door zonder tegen
    om rond vanaf tijdens binnen buiten achter naast langs via per sinds volgens
    vandaag gisteren morgen overmorgen eergisteren straks nu net zojuist vroeger later
    eerst daarna daarvoor daarom daarbij daarmee daardoor daarin daarop daarover
    toen soms vaak altijd nooit weer nog steeds al alweer ooit meestal telkens
    misschien eigenlijk gelukkig helaas natuurlijk zeker echt gewoon inderdaad vooral
    ook wel niet nee ja jawel oké ok okay oh o ach nou tja hmm hé hee hoi hallo hey hi
    dag dank bedankt sorry excuus beste lieve liefste geachte groet groeten groetjes
    liefs doei fijn leuk goed slecht mooi jammer graag alsjeblieft alstublieft
    hier daar ergens nergens overal thuis buiten binnen verder tenslotte uiteindelijk
    kortom bovendien ondanks desondanks anders immers namelijk trouwens verder
    vanochtend vanmorgen vanmiddag vanavond vannacht ’s 's
    is ben bent was waren zijn wordt werd worden heb hebt heeft had hadden hebben
    kan kun kunt kon konden kunnen wil wilt wilde wilden willen moet moest moeten
    mag mocht mogen zal zult zou zouden zullen ga gaat ging gingen gaan kom komt kwam
    doe doet deed doen zie ziet zag zien weet weten wist denk denkt dacht voel voelt
    voelde hoop hoopte vind vindt vond blijf blijft bleef lijkt leek maak maakt maakte
    probeer probeerde schrijf schrijft schreef lees las merk merkte snap begrijp
    werk school studie thuis huis leven tijd geld liefde angst verdriet boosheid
    stress rust slaap hoofd lichaam gevoel gevoelens gedachten vrienden vriend vriendin
    familie ouders moeder vader mama papa mam pap oma opa broer zus zussen broers
    kinderen kind zoon dochter man vrouw partner vriendje baas collega collega's
    coach coachee brief brieven vraag vragen antwoord plek kaart reis
    weekend vakantie kerst kerstmis pasen pinksteren sinterklaas koningsdag oud nieuw
    oudjaar nieuwjaar ramadan suikerfeest offerfeest hemelvaart valentijnsdag moederdag
    vaderdag carnaval halloween kerstavond oudejaarsavond nieuwjaarsdag bevrijdingsdag
    prinsjesdag kerstvakantie zomervakantie herfstvakantie voorjaarsvakantie meivakantie
    nederlands engels duits frans spaans nederlandse engelse duitse franse
    whatsapp facebook instagram google netflix youtube tiktok teams journey
    god corona covid tijdens eerst tweede derde laatste eerste
    """
)
# Words that may open a run of capitalised words naming a person or place ("De Bilt",
# "Den Haag", "Sint Maarten"), but are ordinary on their own.
RUN_OPENERS = _words("de den het ter ten sint st oud nieuw van")
# Lower-case words inside a name ("Lisa de Vries", "Bergen op Zoom", "Alphen aan den Rijn").
NAME_PARTICLES = _words("van de der den het 't ter ten op aan la le du da di el al bin")
# After these a capitalised word is a place.
PLACE_WORDS = _words(
    "in uit naar bij te rond vlakbij nabij richting omgeving buurt vanuit woonachtig woon "
    "woont woonde verhuisd verhuisde"
)
# A person's title or a family word: the capitalised word after it is their name.
TITLES = (
    "meneer mevrouw mevr mw mvr dhr heer juf juffrouw meester tante oom opa oma "
    "dokter dr drs mr prof ir ing buurman buurvrouw neef nicht zus zusje broer broertje "
    "vriend vriendin vriendje collega baas zoon dochter mama papa pastoor dominee imam"
)
# Verbs (and forms) after a name that starts a sentence: "Lisa belde", "Mark is boos".
PERSON_VERBS = _words(
    """
    zei zegt zeggen vroeg vraagt vroegen belde belt appte appt stuurde stuurt schreef
    schrijft is was heeft had wil wilde vindt vond kwam komt ging gaat werd wordt
    kan kon moet moest zou zal mag mocht weet wist denkt dacht voelt voelde lachte
    lacht huilde huilt deed doet liet laat keek kijkt begon begint hielp helpt bleef
    blijft woont woonde werkt werkte snapt begreep begrijpt reageerde reageert
    antwoordde schreeuwde riep roept zit zat staat stond loopt liep heeft hebben
    en
    """
)
WORD = re.compile(r"['’]s-[A-Z][\w'’-]*|[^\W\d_][\w'’-]*")
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


def _possessive_free(token: str) -> str:
    """A word without a possessive ending: "Anna's" → "Anna", "Klaas'" → "Klaas"."""
    return POSSESSIVE.sub("", token) or token


def _is_capitalised(token: str) -> bool:
    """A word that may be a name: a capital and then a lower-case letter ("Lisa",
    "IJsbrand", "'s-Hertogenbosch"), not a single letter and not all capitals."""
    word = token[3:] if token[:1] in "'’" else token
    if word.startswith("IJ"):
        word = "I" + word[2:]
    return len(word) >= 2 and word[0].isupper() and word[1].islower()


def _is_ordinary(token: str) -> bool:
    return _possessive_free(token).casefold() in ORDINARY


@dataclass(frozen=True)
class Known:
    """What is known of the people in the texts: the coachee's and the coach's names
    (pseudonym, login name), other names; and phrases to keep as they are."""

    coachee: Sequence[str] = ()
    coach: Sequence[str] = ()
    others: Sequence[str] = ()
    keep: Sequence[str] = ()


@dataclass(frozen=True)
class Replacement:
    original: str
    placeholder: str


@dataclass
class Result:
    texts: list[str]
    replacements: list[Replacement] = field(default_factory=list)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    placeholder: str
    rank: int  # lower wins where spans overlap


# --- patterns ---------------------------------------------------------------------------

_MONTH = rf"(?:{'|'.join(MONTHS.split())}|(?:{'|'.join(MONTH_ABBREVIATIONS.split())})\.?)"
_WEEKDAY = rf"(?:{'|'.join(WEEKDAYS.split())}|(?:ma|di|wo|do|vr|za|zo)\.?)"
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'’]", re.IGNORECASE)
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number's groups of digits: it starts with +, 00, 0 or (0; see _phone_end.
PHONE_NUMBER = re.compile(r"(?<![\w+])(?:\+|\(0|0)[\d()]*(?:[ .-]?[\d()]+)*")
DATES = (
    re.compile(
        rf"\b(?:{_WEEKDAY},?\s+)?\d{{1,2}}(?:e|ste|de)?\s+{_MONTH}(?:\s+'?\d{{2,4}})?(?!\w)",
        re.IGNORECASE,
    ),
    re.compile(rf"\b{_MONTH}\s+\d{{4}}\b", re.IGNORECASE),
    re.compile(rf"\b(?:{_WEEKDAY},?\s+)?\d{{4}}-\d{{1,2}}-\d{{1,2}}\b", re.IGNORECASE),
)
# Dates of numbers only (group "date"): checked for a day and month that exist (not
# "1/20"); "14-02" only after a word that introduces a date ("3-4 keer" is no date).
_DAY_MONTH = r"(?P<day>\d{1,2})-(?P<month>\d{1,2})\b(?![-/\d])"
NUMERIC_DATES = (
    re.compile(
        rf"\b(?P<date>(?:{_WEEKDAY},?\s+)?(?P<day>\d{{1,2}})[-/.](?P<month>\d{{1,2}})[-/.]\d{{2,4}})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<date>(?:{_WEEKDAY},?\s+)?(?P<day>\d{{1,2}})/(?P<month>\d{{1,2}}))\b(?![/\d])",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:op|tot|per|na|vanaf|sinds|voor)\s+(?P<date>{_DAY_MONTH})", re.IGNORECASE),
    re.compile(rf"\b(?P<date>{_WEEKDAY},?\s+{_DAY_MONTH})", re.IGNORECASE),
)
POSTCODE = re.compile(r"\b\d{4}[ \t]?[A-Z]{2}\b")
STREET_SUFFIXES = (
    "straat|laan|weg|plein|gracht|kade|singel|dijk|steeg|pad|hof|dreef|baan|markt|park|"
    "plantsoen|erf|burgwal|boulevard|allee|veld|weide"
)
STREET = re.compile(
    rf"\b(?:[A-Z][\w'’-]*[ \t]+)*(?P<street>[A-Z][\w'’-]*?(?:{STREET_SUFFIXES}))\b"
    r"(?P<number>[ \t]+\d+[ \t]?[a-zA-Z]?\b(?:-\d+)?)?"
)
NOT_STREETS = _words("onderweg halfweg midweg opweg")
POSTBUS = re.compile(r"\b[Pp]ostbus\s+\d+\b")
_AGE_AFTER = r"(?=\s*(?:[.,;!?)]|$|\s+(?:en|maar|oud)\b))"
# Ages, with the group that is the age.
AGES = (
    (re.compile(r"\b\d{1,3}(?:\s+jaar\s+oud|-jarige?n?)\b", re.IGNORECASE), 0),
    (
        re.compile(
            rf"\b(?:ben|is|was|wordt|werd|word)\s+(\d{{1,3}}(?:\s+jaar)?){_AGE_AFTER}",
            re.IGNORECASE,
        ),
        1,
    ),
)
_TITLE = rf"(?i:{'|'.join(TITLES.split())})\.?"
_CAP = r"(?:['’]s-)?(?:IJ|[A-Z])[a-zà-öø-ÿ][\w'’-]*"
_PARTICLES = rf"(?:(?:{'|'.join(sorted(NAME_PARTICLES, key=len, reverse=True))})[ \t]+)*"
_RUN = rf"{_CAP}(?:[ \t]+{_PARTICLES}{_CAP})*"
TITLED = re.compile(rf"\b(?P<title>{_TITLE})[ \t]+(?P<name>{_RUN})")
INITIALS = re.compile(rf"\b(?:[A-Z]\.[ \t]?)+[ \t]*{_PARTICLES}(?P<name>{_CAP})")
SENTENCE_END = re.compile(r"[.!?…:]$")
OPENERS = "\"'“‘„«([-–—*•>"


# --- finding --------------------------------------------------------------------------


def _at_sentence_start(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence or a line (quotes and bullets
    before it do not count)."""
    i = start - 1
    while i >= 0 and (text[i] in " \t" or text[i] in OPENERS):
        i -= 1
    return i < 0 or text[i] in "\n\r" or bool(SENTENCE_END.match(text[i]))


def _tokens(text: str) -> list[re.Match]:
    return list(WORD.finditer(text))


def _runs(text: str, tokens: list[re.Match]) -> list[tuple[int, int, int]]:
    """Runs of capitalised words that may be one name: (token index of the first word,
    of the last, and the run's end). A run is capitalised words joined by single spaces,
    with particles ("de", "van der", "op") between them; it starts at a word that is not
    ordinary, or at an opener ("De", "Den", "Sint") followed by such a word."""
    runs = []
    i = 0
    while i < len(tokens):
        token = tokens[i].group()
        opener = token.casefold() in RUN_OPENERS and _is_capitalised(token)
        if not _is_capitalised(token) or (_is_ordinary(token) and not opener):
            i += 1
            continue
        last = i
        j = i + 1
        while j < len(tokens):
            gap = text[tokens[j - 1].end() : tokens[j].start()]
            if gap not in (" ", "\t"):
                break
            word = tokens[j].group()
            if _is_capitalised(word) and not _is_ordinary(word):
                last = j
                j += 1
                continue
            if word.casefold() in NAME_PARTICLES or (
                word.casefold() in RUN_OPENERS and _is_capitalised(word)
            ):
                j += 1
                continue
            break
        if opener and last == i:  # "De" alone: an article
            i += 1
            continue
        runs.append((i, last, tokens[last].end()))
        i = last + 1
    return runs


def _previous_word(tokens: list[re.Match], index: int, text: str) -> str:
    """The word before token ``index`` when only spaces lie between, lower case; also
    across an article ("in de Achterhoek")."""
    if index == 0:
        return ""
    before = tokens[index - 1]
    if text[before.end() : tokens[index].start()].strip():
        return ""
    word = before.group().casefold()
    if word in ("de", "het", "'t", "’t") and index >= 2:
        earlier = tokens[index - 2]
        if not text[earlier.end() : before.start()].strip():
            return earlier.group().casefold()
    return word


def _next_word(tokens: list[re.Match], index: int, text: str) -> str:
    if index + 1 >= len(tokens):
        return ""
    after = tokens[index + 1]
    if text[tokens[index].end() : after.start()].strip(" \t,"):
        return ""
    return after.group().casefold()


def _name_pattern(name: str) -> re.Pattern | None:
    """A known name, as a whole word, case-insensitive, with possessive endings."""
    name = " ".join(name.split())
    if len(name) < 2:
        return None
    words = r"\s+".join(re.escape(part) for part in name.split(" "))
    return re.compile(rf"(?<![\w'’-]){words}(?:['’]s|['’]|s)?(?![\w-])", re.IGNORECASE)


def _word_pattern(*forms: str) -> re.Pattern:
    """Words in one of these forms (case counts), whole, with possessive endings."""
    either = "|".join(re.escape(form) for form in forms)
    return re.compile(rf"(?<![\w'’-])(?:{either})(?:['’]s|['’]|s)?(?![\w-])")


def _name_parts(name: str) -> list[str]:
    """The capitalised parts of a name of several words that may stand alone ("Anna" of
    "Coach Anna"): not ordinary, not a title, at least two letters."""
    parts = name.split()
    if len(parts) < 2:
        return []
    titles = _words(TITLES)
    return [
        p
        for p in parts
        if _is_capitalised(p) and not _is_ordinary(p) and p.casefold() not in titles
    ]


class _Finder:
    """Finds what to replace in all the texts at once: a name found in one text is
    replaced in all of them."""

    def __init__(self, known: Known):
        self.known = known
        self.found: dict[str, str] = {}  # a name or place found -> its placeholder
        self.keep = [
            re.compile(rf"(?<!\w){re.escape(' '.join(k.split()))}(?!\w)", re.IGNORECASE)
            for k in known.keep
            if k.strip()
        ]
        self.known_patterns: list[tuple[re.Pattern, str]] = []
        self.known_parts: list[tuple[re.Pattern, str]] = []
        for names, placeholder in (
            (known.coachee, COACHEE),
            (known.coach, COACH),
            (known.others, NAME),
        ):
            for name in sorted(set(names), key=len, reverse=True):
                pattern = _name_pattern(name)
                if pattern:
                    self.known_patterns.append((pattern, placeholder))
                for part in _name_parts(name):
                    self.known_parts.append((_word_pattern(part, part.upper()), placeholder))

    def fixed_spans(self, text: str) -> list[_Span]:
        """What patterns find: addresses, numbers, dates, known names, titled names."""
        spans: list[_Span] = []
        for pattern in self.keep:
            spans += [_Span(m.start(), m.end(), "", 0) for m in pattern.finditer(text)]
        spans += [_Span(m.start(), m.end(), ADDRESS, 1) for m in URL.finditer(text)]
        spans += [_Span(m.start(), m.end(), EMAIL, 1) for m in EMAIL_ADDRESS.finditer(text)]
        for match in PHONE_NUMBER.finditer(text):
            end = _phone_end(match.group())
            if end:
                spans.append(_Span(match.start(), match.start() + end, PHONE, 2))
        for pattern in DATES:
            spans += [_Span(m.start(), m.end(), DATE, 2) for m in pattern.finditer(text)]
        for pattern in NUMERIC_DATES:
            spans += [
                _Span(m.start("date"), m.end("date"), DATE, 2)
                for m in pattern.finditer(text)
                if 1 <= int(m["day"]) <= 31 and 1 <= int(m["month"]) <= 12
            ]
        spans += [_Span(m.start(), m.end(), ADDRESS, 3) for m in POSTCODE.finditer(text)]
        spans += [_Span(m.start(), m.end(), ADDRESS, 3) for m in POSTBUS.finditer(text)]
        for match in STREET.finditer(text):
            if match["street"].casefold() in NOT_STREETS:
                continue
            if not match["number"] and _at_sentence_start(text, match.start()):
                continue
            spans.append(_Span(match.start(), match.end(), ADDRESS, 3))
        for pattern, group in AGES:
            spans += [_Span(m.start(group), m.end(group), AGE, 3) for m in pattern.finditer(text)]
        for pattern, placeholder in self.known_patterns:
            spans += [_Span(m.start(), m.end(), placeholder, 4) for m in pattern.finditer(text)]
        for pattern, placeholder in self.known_parts:
            spans += [_Span(m.start(), m.end(), placeholder, 5) for m in pattern.finditer(text)]
        for match in TITLED.finditer(text):
            name = match.group("name")
            first = name.split()[0]
            if _is_ordinary(first) and first.casefold() not in RUN_OPENERS:
                continue
            spans.append(_Span(match.start("name"), match.end("name"), NAME, 6))
            self._remember(name, NAME)
        for match in INITIALS.finditer(text):
            if not _is_ordinary(match["name"]):
                spans.append(_Span(match.start(), match.end(), NAME, 6))
        return spans

    def _remember(self, run: str, placeholder: str) -> None:
        """A name or place found: the run itself and its words are replaced everywhere."""
        run = _possessive_free(run)
        self.found.setdefault(run, placeholder)
        for word in run.split():
            word = _possessive_free(word)
            if (
                _is_capitalised(word)
                and not _is_ordinary(word)
                and word.casefold() not in RUN_OPENERS
            ):
                self.found.setdefault(word, placeholder)

    def discover(self, text: str, taken: list[_Span]) -> None:
        """Capitalised words in the middle of a sentence, and at its start before a verb a
        person does: remembered as names or places."""
        tokens = _tokens(text)
        for first, last, end in _runs(text, tokens):
            start = tokens[first].start()
            if any(s.start <= start < s.end for s in taken):
                continue
            run = text[start:end]
            before = _previous_word(tokens, first, text)
            # At a sentence start one word is a name only when a person's verb follows
            # ("Lisa belde"); two capitalised words there are a name ("Lisa Jansen").
            alone = first == last
            if alone and _at_sentence_start(text, start) and not self._acts(tokens, first, text):
                continue
            placeholder = PLACE if before in PLACE_WORDS else NAME
            if before == "bij" and _possessive_free(run) in self.found:
                placeholder = self.found[_possessive_free(run)]
            self._remember(run, placeholder)

    def _acts(self, tokens: list[re.Match], index: int, text: str) -> bool:
        """Whether the word at a sentence start is followed by what a person does."""
        token = tokens[index].group()
        if POSSESSIVE.search(token) and token not in ("'s", "’s"):
            return True
        following = _next_word(tokens, index, text)
        if following == "en" and index + 2 < len(tokens):
            other = tokens[index + 2].group()
            return _is_capitalised(other) and not _is_ordinary(other)
        return following in PERSON_VERBS

    def signature_lines(self, text: str) -> None:
        """A line of one to three capitalised words and nothing else: a signature."""
        for line in text.splitlines():
            words = line.strip().strip(".,!-–—").split()
            if 1 <= len(words) <= 3 and all(
                _is_capitalised(w) and not _is_ordinary(w) for w in words
            ):
                self._remember(" ".join(words), NAME)

    def found_spans(self, text: str) -> list[_Span]:
        spans = []
        for name in sorted(self.found, key=len, reverse=True):
            pattern = _word_pattern(name)
            rank = 7 if " " in name else 8
            spans += [
                _Span(m.start(), m.end(), self.found[name], rank) for m in pattern.finditer(text)
            ]
        return spans


def _phone_end(candidate: str) -> int:
    """Where the phone number at the start of ``candidate`` (groups of digits starting
    with +, 00, 0 or "(0") ends; 0 when it is none. A Dutch number has ten digits from
    its 0 (eleven after +31, thirteen after 0031); another country's 9 to 15."""
    if candidate.startswith(("+31", "0031")):
        wanted: tuple[int, ...] = (11,) if candidate.startswith("+") else (13,)
    elif candidate.startswith(("+", "00")):
        wanted = tuple(range(9, 16))
    else:
        wanted = (10,)
    digits, best = 0, 0
    for match in re.finditer(r"[\d()]+", candidate):
        digits += sum(c.isdigit() for c in match.group())
        if digits in wanted:
            best = match.end()
        if digits > wanted[-1]:
            break
    return best


def _resolve(spans: list[_Span]) -> list[_Span]:
    """The spans to replace: where spans overlap, the one of the lowest rank (then the
    longest) wins; a span of rank 0 keeps its text."""
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.rank, -(s.end - s.start), s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted((s for s in chosen if s.placeholder), key=lambda s: s.start)


def anonymise(texts: Iterable[str], known: Known) -> Result:
    """The texts with what identifies someone replaced, and the replacements in the
    order they first appear (each original once)."""
    texts = list(texts)
    finder = _Finder(known)
    fixed = [finder.fixed_spans(text) for text in texts]
    for text, spans in zip(texts, fixed, strict=True):
        finder.signature_lines(text)
        finder.discover(text, spans)
    result = Result([])
    seen: set[tuple[str, str]] = set()
    for text, spans in zip(texts, fixed, strict=True):
        pieces, position = [], 0
        for span in _resolve(spans + finder.found_spans(text)):
            original = text[span.start : span.end]
            pieces += [text[position : span.start], span.placeholder]
            position = span.end
            if (original, span.placeholder) not in seen:
                seen.add((original, span.placeholder))
                result.replacements.append(Replacement(original, span.placeholder))
        pieces.append(text[position:])
        result.texts.append("".join(pieces))
    return result


def anonymise_text(text: str, known: Known) -> Result:
    """One text: see ``anonymise``."""
    return anonymise([text], known)
