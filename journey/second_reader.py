"""The second reader: checks a coach's feedback on the mindful-analysis tips.

Rule-based and explainable, with no network and no model. The feedback is split
into Dutch sentences; quotations (in any quote style, and the words after "je
schrijft:") are set aside first, so an "ik" or a "moet" inside a quotation is the
coachee's, not the coach's. A salutation ("Beste Sanne,") and a sign-off
("Warme groet, Anna") are not the first or last sentence.

Each check is one small function that returns one ``Finding``: whether the
feedback honours the tip, a one-line Dutch message for the coach and the
sentence(s) it is about. The rules are heuristics built from word lists; each
check's docstring names what it looks for and what it misses.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

CHECKS: tuple[str, ...] = (
    "opens_positive",
    "closes_positive",
    "first_person",
    "own_experience",
    "advice",
    "theory",
    "quotes_coachee",
    "language_level",
)
NEEDS_COACHEE: frozenset[str] = frozenset({"quotes_coachee", "language_level"})


@dataclass(frozen=True)
class Finding:
    """The verdict of one check: ``ok`` is True when the feedback honours the tip.

    ``message`` is one line of Dutch for the coach; ``evidence`` holds the
    sentence(s) or phrase the finding is about (empty when there is none).
    """

    id: str
    ok: bool
    message: str
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """The finding as plain JSON-ready values."""
        return {
            "id": self.id,
            "ok": self.ok,
            "message": self.message,
            "evidence": list(self.evidence),
        }


def _wordlist(text: str) -> list[str]:
    """The words of a space-separated list."""
    return text.split()


def _wordset(text: str) -> frozenset[str]:
    """The words of a space-separated list, as a set."""
    return frozenset(text.split())


# --- Word lists -------------------------------------------------------------------------

# Words that may end with a full stop without ending the sentence.
ABBREVIATIONS = _wordset(
    "bijv bv bijvoorbeeld o.a d.w.z enz etc m.a.w dhr mevr mw dr drs ir ing mr prof nr ca jl "
    "evt i.p.v a.s n.a.v m.b.t resp incl excl e.d o.i.d z.s.m t.z.t p.s ps vs blz zgn ong "
    "vnl m.i i.o.m t.a.v a.u.b s.v.p e.a"
)
# Of those, the ones that often close a sentence too (split when a capital follows).
FINAL_ABBREVIATIONS = frozenset({"enz", "etc", "e.d", "o.i.d", "e.a"})

SALUTATION_WORDS = _wordlist(
    "beste lieve liefste hoi hallo hai hey hee hé he hi hello dag goedemorgen goedemiddag "
    "goedenavond goeiemorgen goeiemiddag goeienavond goedendag goeiedag geachte ha hej dear"
)

# A sign-off: a greeting formula. A wish ("Veel sterkte!") is a sentence of the letter.
SIGN_OFF_GREETINGS = (
    r"(?:met\s+)?(?:(?:hele|heel|veel|vele|een)\s+)?(?:[^\W\d_]+e\s+|warm\s+|hartelijk\s+|"
    r"vriendelijk\s+|liefs\s+)*(?:groet|groeten|groetjes|gegroet)",
    r"groetjes|liefs|gr|mvg|hgr|kusjes|(?:dikke\s+)?knuffel|x+|cheers|take care|namaste|"
    r"hoogachtend|doei|ciao|bye",
    r"tot\s+(?:snel|gauw|schrijfs|later|ziens|morgen|zo|de\s+volgende\s+(?:keer|brief)|"
    r"volgende\s+(?:week|keer|brief)|de\s+volgende)",
    r"alle\s+goeds|het\s+beste|het\s+ga\s+je\s+goed",
)

# Imperative forms (the verb stem) that tell the coachee what to do.
IMPERATIVE_VERBS = _wordset(
    """
    ga neem schrijf probeer zorg maak doe denk kijk praat zoek vraag stop begin let luister bel
    plan geef laat blijf hou houd leg pak wees sta stel kies gun durf accepteer aanvaard ontspan
    adem rust sport slaap eet drink lees bezoek meld regel spreek zeg wacht schrap vergeet
    onthoud oefen noteer bedenk overweeg volg zet werk loop wandel mediteer schakel trek help
    kom schaf investeer verander verminder beperk vermijd benoem deel bespreek gebruik creëer
    omring geniet verwen beloon vier koop boek leer ruim vul bekijk verdeel focus concentreer
    richt besluit beslis sluit open toon vertrouw omarm ga laat los stap fiets zwem bid
    reserveer informeer verdiep verzorg koester erken vergeef vergeef vraag herinner
    word stuur bouw haal breng zeg sla vind beweeg bewaak bescherm ontmoet streep
    """
)
# Imperatives that commonly take a reflexive "je": "Maak je geen zorgen."
REFLEXIVE_IMPERATIVES = _wordset(
    "maak zet gun stel richt concentreer focus ontspan hou houd meld verdiep verwen beperk "
    "voel geef laat"
)
# Words that may stand before an imperative: "Dus neem ...", "Misschien: probeer ...".
LEADING_WORDS = _wordset(
    "dus en maar misschien vooral dan nu daarom gewoon alsjeblieft alstublieft ook toch tip "
    "advies oh o ja nou zeker echt wel kortom verder tenslotte ten slotte eerst allereerst"
)
# After a sentence-initial verb these show a noun or a statement, not an imperative.
NOT_IMPERATIVE_NEXT = _wordset(
    "je jij u jullie we wij ik ze zij hij het is was zijn waren kan kon helpt hielp wordt werd "
    "heeft had blijft bleef lijkt leek maakt gaf geeft van en of die dat als"
)

# Imperatives that are no noun as well, so "die/dat/het" after them starts their object
# ("Bespreek die angst"), where after "Werk" or "Rust" it may start a relative clause.
VERB_ONLY_IMPERATIVES = _wordset(
    "bespreek neem schrijf probeer ga zoek bel praat maak doe denk kijk luister geef pak "
    "bedenk overweeg noteer accepteer vergeet onthoud leg zeg bekijk verdeel benoem vermijd "
    "beperk verander schrap regel meld gebruik omarm koester erken vergeef"
)
DETERMINERS = _wordset("die dat het deze dit")

# Advice in the coach's own words, as regular expressions on lowercased text.
ADVICE_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\b(?:je|jij|u)\s+moet(?:en)?\b",
        r"\bmoet(?:en)?\s+(?:je|jij|u)\b",
        r"\b(?:je|jij|u)\s+zou(?:den)?\s+(?:\w+\s+){0,2}?(?:eens|moeten|beter|kunnen\s+proberen|"
        r"er\s+goed\s+aan\s+doen|het\s+beste|misschien\s+kunnen)\b",
        r"\b(?:je|jij|u)\s+zou(?:den)?\s+(?:[\w'’-]+\s+){0,7}?moeten\b(?![^.!?]*\?)",
        r"\bzou\s+(?:je|jij|u)\s+(?:niet\s+)?(?:eens|moeten|beter|kunnen\s+proberen|"
        r"er\s+goed\s+aan\s+doen)\b",
        r"\b(?:je|jij|u)\s+(?:kunt|kan)\s+(?:\w+\s+)?(?:beter|het\s+beste|eens|proberen|overwegen|"
        r"gewoon)\b",
        r"\b(?:je|jij|u)\s+zou(?:den)?\s+(?:\w+\s+){0,3}?kunnen\s+(?:proberen|overwegen|beginnen|"
        r"besluiten|kiezen|ervoor\s+kiezen|gaan)\b",
        r"\b(?:je|jij|u)\s+mag\s+(?:best|gerust|ook\s+best|ook\s+gewoon)\b",
        r"\b(?:kun|kan|kunt)\s+(?:je|jij|u)\s+(?:\w+\s+){0,2}?(?:niet\s+)?"
        r"(?:beter|eens|gewoon|proberen|"
        r"overwegen|ook\s+eens)\b",
        r"\b(?:het|dat)\s+(?:is|lijkt\s+(?:me|mij)|zou|kan|zal)\s+(?:\w+\s+){0,2}?(?:beter|"
        r"verstandig|slim|belangrijk|raadzaam|handig|nuttig|helpen|een\s+idee|"
        r"een\s+goed\s+idee|zinvol|wijs|nodig|tijd)\s+(?:zijn\s+)?(?:om|als\s+je|dat\s+je|"
        r"als\s+jij|dat\s+jij)\b",
        # "het is goed om ..." advises; "het is goed dat je ..." and "goed om te lezen" praise
        r"\b(?:het|dat)\s+(?:is|lijkt\s+(?:me|mij)|zou|kan|zal)\s+(?:\w+\s+){0,2}?goed\s+"
        r"(?:zijn\s+)?(?:om(?!\s+te\s+(?:lezen|horen|zien|merken))|als\s+(?:je|jij))\b",
        r"\bmisschien\s+(?:helpt|werkt)\s+het\b",
        r"\b(?:een|mijn|ander)\s+(?:idee|optie|voorstel|mogelijkheid)\s+"
        r"(?:is|zou\s+zijn|kan\s+zijn)"
        r"\s+(?:om|dat|als)\b",
        r"\bhet\s+helpt\s+(?:vaak\s+|soms\s+|misschien\s+|ook\s+|veel\s+mensen\s+)?(?:om|als)\b",
        r"\bwat\s+(?:kan|zou|kon)\s+helpen\s+is\b",
        r"\b(?:mijn|een|één|nog\s+een|klein)\s+(?:advies|tip|tipje|suggestie|aanrader)\b",
        r"\b(?:verdient|verdient\s+het)\s+(?:de\s+)?aanbeveling\b",
        r"\b(?:is\s+)?(?:aan\s+te\s+(?:raden|bevelen)|raadzaam)\b",
        r"\bhet\s+(?:\w+\s+)?(?:beter|verstandig|slim|belangrijk|raadzaam|handig|nuttig|"
        r"wijs|zinvol|nodig)\s+(?:is|zou\s+zijn|kan\s+zijn|lijkt|zal\s+zijn)\s+(?:om|als|dat)\b",
        r"\bhet\s+(?:\w+\s+)?goed\s+(?:is|zou\s+zijn|kan\s+zijn|lijkt|zal\s+zijn)\s+(?:om|als)\b",
        r"^\W*(?:advies|tip|suggestie)\s*:",
        r"\bik\s+(?:raad|adviseer|stel\s+voor|zou\s+(?:je\s+)?(?:aanraden|adviseren|willen\s+"
        r"voorstellen|voorstellen))",
        r"\braad\s+(?:ik\s+)?(?:je|jou|u)\s+aan\b",
        r"\badviseer\s+(?:ik\s+)?(?:je|jou|u)\b",
        r"\bals\s+ik\s+(?:jou|jij|u)\s+(?:was|ben|zou\s+zijn|zijn)\b",
        r"\bin\s+jouw\s+plaats\s+zou\s+ik\b",
        r"\bik\s+zou\s+(?:eens|zelf|maar|gewoon|in\s+jouw\s+plaats)\b",
        r"\bheb\s+(?:je|jij|u)\s+(?:er\s+)?(?:al\s+)?(?:eens\s+)?(?:(?:er\s+)?aan\s+gedacht|"
        r"overwogen|geprobeerd|(?:er\s+)?over\s+nagedacht)\s+om\b",
        r"\bheb\s+(?:je|jij|u)\s+(?:al\s+)?(?:eens\s+)?(?:overwogen|geprobeerd)\b",
        r"\bis\s+het\s+(?:niet\s+)?(?:geen\s+|een\s+)?(?:idee|optie|goed\s+idee|verstandig|beter)"
        r"\s+(?:om|als|dat)\b",
        r"\bwat\s+(?:dacht\s+je\s+van|let\s+je|als\s+je\s+eens|houdt\s+je\s+tegen\s+om)\b",
        r"\bwat\s+zou\s+(?:je|jij|u)\s+ervan\s+vinden\s+om\b",
        r"\bzou\s+het\s+(?:niet\s+)?(?:helpen|goed\s+zijn|een\s+idee\s+zijn|verstandig\s+zijn|"
        r"fijn\s+zijn|beter\s+zijn)\s+(?:als|om)\b",
        r"\bmisschien\s+(?:kun|kan|kunt|moet|zou|zal|is\s+het\s+(?:goed|een\s+idee|verstandig|"
        r"slim|handig|fijn|beter))\b",
        r"\bhet\s+(?:kan|zou|kon)\s+(?:je\s+)?(?:helpen|fijn\s+zijn|goed\s+zijn|de\s+moeite"
        r"\s+waard\s+zijn)\s+(?:om|als)\b",
        r"\b(?:wat\s+)?(?:vaak|soms|veel\s+mensen|anderen)\s+(?:helpt|helpen)\s+(?:is|om|bij)\b",
        r"\bprobeer\s+(?:eens|dan|maar|gewoon|het|om|vooral|toch)\b",
        r"\b(?:je|jij|u)\s+(?:doet|zou|zal)\s+er\s+goed\s+aan\b",
        r"\bvergeet\s+(?:vooral\s+)?niet\s+(?:om|te|dat)\b",
        r"\bzorg\s+(?:ervoor|er\s+voor|dat|goed|wel|dan)\b",
        r"\b(?:je|jij|u)\s+hoeft\s+(?:alleen|enkel|maar)\b",
        r"\b(?:het\s+beste|beter)\s+(?:kun|kan|kunt)\s+(?:je|jij|u)\b",
        r"\bga\s+(?:eens|maar|gewoon|vooral|toch|dan)\b",
        r"\b(?:neem|gun|geef)\s+(?:jezelf|jij\s+jezelf)\b",
        r"\bwees\s+(?:lief|mild|zacht|niet|eerlijk|trots|aardig)\b",
        r"\bwaarom\s+(?:\w+\s+)?(?:je|jij|u)\s+(?:\w+\s+){0,4}?(?:niet|geen)\b(?!.*\b(?:heb|had|"
        r"was|deed|ging|kon|wilde|zei|durfde|gedaan|gezegd)\b)",
    )
)
# A question with the verb before "je" and "niet gewoon": "Bel je haar niet gewoon?"
QUESTION_ADVICE = re.compile(
    r"\b\w+\s+(?:je|jij|u)\s+(?:\w+\s+){0,3}?niet\s+(?:gewoon|eens|even|liever|beter)\b.*\?"
)
# "moet" in the coachee's view or in an open question is no advice:
# "Je schrijft dat je moet afvallen.", "Wat moet je van jezelf?"
REPORTED_MUST = re.compile(
    r"\b(?:zeg|zegt|zei|schrijft|schreef|denkt|dacht|vindt|vond|voelt|gevoel|idee|meent|hoort|"
    r"hoorde|geleerd|leerde|verwacht\w*|vertelt|vertelde)\s+(?:\w+\s+){0,3}?dat\s+(?:je|jij|u)\s+"
    r"(?:\w+\s+){0,3}?moet"
)
OPEN_QUESTION = re.compile(
    r"^\W*(?:wat|wie|welke|welk|hoe|wanneer|waar|waarvan|waarom|hoezo)\b.*\?\W*$"
)
# "Je moet ..." that guesses a feeling ("Je moet je alleen gevoeld hebben") is no advice...
EPISTEMIC_MUST = re.compile(r"\bmoet\b.*\b(?:zijn|geweest|voelen|gevoeld|hebben|gehad)\W*$")
# ... unless "moet" is followed by one of these.
DIRECTIVE_AFTER_MUST = re.compile(
    r"\bmoet(?:en)?\s+(?:je|jij|u\s+)?\s*(?:\w+\s+)?(?:niet|eens|echt|gewoon|maar|vooral|beter|"
    r"meer|minder|nu|stoppen|ophouden|leren|proberen|gaan|jezelf|durven)\b"
)
# An invitation to tell the coach more is a question, not advice.
TELL_ME = re.compile(
    r"\b(?:vertel|vertellen|beschrijf|beschrijven|uitleggen|toelichten|schrijf\s+(?:me|mij)|"
    r"laat\s+(?:het\s+)?(?:me|mij)\s+(?:even\s+)?weten|schrijf\s+gerust)\b"
)
# Referrals to professional help in a crisis: never counted as advice.
CRISIS_REFERRALS = re.compile(
    r"\b(?:huisarts\w*|113|0800[\s-]?0113|112|crisisdienst\w*|crisislijn|hulplijn\w*|"
    r"luisterlijn|kindertelefoon|veilig\s+thuis|spoedeisende\s+hulp|seh|alarmnummer|"
    r"zelfmoordpreventie|suïcidepreventie|praktijkondersteuner|poh(?:-ggz)?|ggz|"
    r"huisartsenpost|noodnummer|hulpverlener\w*)\b"
)

# Named authors and thinkers; matched as whole words in the coach's own text.
THEORY_AUTHORS = _wordlist(
    "maslow freud jung rogers adler erikson piaget bowlby ainsworth skinner pavlov seligman "
    "kahneman covey festinger bandura frankl kübler-ross kubler-ross perls satir watzlawick kolb "
    "dilts bateson goleman csikszentmihalyi kabat-zinn tolle gottman selye yalom winnicott "
    "ofman leary karpman dweck prochaska diclemente rollnick linehan porges korthagen glasser "
    "lewin kohut belbin sinek tuckman herzberg kotter nietzsche plato aristoteles socrates kant "
    "spinoza epictetus seneca ekman damasio bandler grinder zimbardo milgram zeigarnik maturana "
    "hellinger mindell wilber berne ellis beck neff hayes siegel"
)
THEORY_AUTHOR_NAMES = (
    "brené brown",
    "brene brown",
    "van der kolk",
    "melanie klein",
    "schulz von thun",
    "de bono",
    "marshall rosenberg",
    "thich nhat hanh",
    "byron katie",
    "marcus aurelius",
    "jeffrey young",
    "dunning-kruger",
    "eckhart tolle",
)
# Theory, models and psychological jargon; a term matches as the start of a word.
THEORY_TERMS = (
    "innerlijk kind",
    "innerlijke criticus",
    "sociale angst",
    "aangeleerde hulpeloosheid",
    "cirkel van invloed",
    "cirkel van betrokkenheid",
    *_wordlist(
        "theorie theorieën theoretisch model modellen behoeftepiramide piramide kernkwadrant "
        "kernkwaliteit dramadriehoek hechtingsstijl hechtingstheorie hechtingspatroon "
        "hechtingsstoornis hechtingsproblem gehechtheid transactionele egotoestand ego-toestand "
        "ouder-ich dissonantie gedragstherapie cognitief cognitieve emdr rationeel-emotie "
        "g-schema abc-model disfunctionele irrationele schematherapie schemamodus schemamodi "
        "mindset neuroplasticiteit amygdala prefrontale cortex cortisol dopamine serotonine "
        "oxytocine zenuwstelsel polyvagaal vagus tolerantievenster framework copingstijl "
        "copingmechanisme copingstrategie coping afweermechanisme projectie projecteer "
        "projecteren tegenoverdracht verdringingsmechanisme sublimatie sublimeren rationalisatie "
        "rationaliseren ontkenningsfase rouwfase rouwtaken rouwmodel veranderfase "
        "veranderingsfase smart-doel johari enneagram mbti myers-briggs locus self-efficacy "
        "zelfeffectiviteit zelfdeterminatie intrinsieke extrinsieke conditionering bekrachtiging "
        "leerstijl leercyclus systeemtheorie systemisch parentificatie mentaliseren "
        "psycho-educatie psychoanalyse psychoanalytisch psychodynamisch onderbewuste "
        "onderbewustzijn superego gestalt nlp reframing reframen metacognitie catastroferen "
        "catastrofedenken zwart-witdenken gedachtenfout denkfout executieve draagkracht "
        "draaglast vecht-vlucht vecht-of-vlucht fight-or-flight freeze-reactie "
        "bevriezingsreactie traumarespons stressrespons stresshormo hersenstam limbisch "
        "reptielenbrein oerbrein zelfcompassie self-fulfilling selffulfilling bias "
        "impostersyndroom imposter hoogsensitiv introvert extravert introversie extraversie "
        "psychologie psychologisch psychologen neurologisch neurowetenschap neurobiolog "
        "evolutionair placebo-effect pygmalion halo-effect psychosomatisch dissociatie "
        "dissociëren arousal introspectie attributie zelfverwezenlijking zelfactualisatie "
        "gedragspatro assertiviteitsmodel window-of-tolerance"
    ),
    # diagnoses: jargon unless the coachee named them
    *_wordlist(
        "burn-out burnout depressie adhd autisme autistisch ptss posttraumatisch paniekstoornis "
        "borderline narcis bipolair ocd dwangstoornis diagnose symptoom symptomen"
    ),
)
# Parts of a word that make it theory wherever they stand: "procesmodel", "penetratietheorie".
THEORY_WORD_PARTS = _wordlist(
    "theorie theoretisch model syndroom stoornis piramide kwadrant mechanisme hechting overdracht "
    "psychologi psychologen levenscyclus transitie"
)
# Words that hold such a part but are everyday Dutch.
EVERYDAY_WORDS = _wordset("rolmodel fotomodel topmodel verdienmodel schaalmodel")
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

# Words that name something positive about the coachee or their writing.
POSITIVE_WORDS = _wordset(
    """
    mooi mooie mooier prachtig prachtige fijn fijne knap knappe sterk sterke krachtig krachtige
    moedig moedige dapper dappere fantastisch fantastische geweldig geweldige bijzonder
    bijzondere waardevol waardevolle waardevols eerlijk eerlijke openhartig openhartige oprecht
    oprechte open helder heldere zorgvuldig zorgvuldige indrukwekkend indrukwekkende
    inspirerend inspirerende ontroerend ontroerende raak treffend treffende wijs wijze
    liefdevol liefdevolle zorgzaam zorgzame betrokken leuk leuke heerlijk heerlijke prettig
    prettige blij trots dankbaar kracht moed lef veerkracht doorzettingsvermogen zelfinzicht
    inzicht inzichten compliment complimenten complimentje chapeau respect bewondering
    waardering bewonder bewonderenswaardig waardeer waardeerde gewaardeerd geniet genoten
    geraakt ontroerd gelukt geslaagd vastberaden creatief creatieve slim slimme positief
    positieve positiefs levendig levendige beeldend beeldende goed goede goeds groei gegroeid
    vooruitgang kwaliteit kwaliteiten talent talenten gave hoopvol hoopvolle mooist mooiste
    fijnst sterkst puur pure helpend krachten durf doorzetter doorzetten uitgebreid
    uitgebreide openheid eerlijkheid zorgvuldigheid duidelijkheid bedachtzaam bedachtzame
    reflectief zelfbewust zelfbewuste trouw warm warme warmte zachtheid liefde humor grappig
    verfrissend verfrissende scherp scherpe rijk rijke volhouden volgehouden stappen stap lekker
    moois sterks knaps bijzonders fijns krachtigs gefeliciteerd felicitaties proficiat
    zorgzaamheid moedigs dapperheid wijsheid prestatie gegroeid kostbaar kostbare waard
    zuiver nauwkeurig aandachtig toegewijd toewijding geduldig geduld vakmanschap vakkundig
    enthousiast enthousiasme aanstekelijk gedreven gedrevenheid gemotiveerd motivatie
    veerkrachtig weerbaar optimistisch optimisme nieuwsgierig leergierig
    authentiek poëtisch sfeervol invoelend empathisch meelevend attent hartelijk gul loyaal
    betrouwbaar stoer flink doordacht weloverwogen genuanceerd standvastig vindingrijk
    inventief origineel zelfspot kundig zelfstandig onbevangen ontwapenend innemend
    volharding zelfkennis
    """
)
# A wish ("Ik wens je veel kracht") names nothing the coachee has or did.
WISH = re.compile(r"\b(?:wens|wenst|wensen|toegewenst|gewenst|toewens\w*)\b")
WISHED_WORDS = _wordset("kracht krachten moed warmte liefde rust goeds sterkte succes")
# Everyday positive words that do not praise in a sentence that gives advice.
WEAK_POSITIVE_WORDS = _wordset(
    "goed goede goeds fijn fijne fijns leuk leuke prettig prettige positief positieve positiefs "
    "open warm warme rijk rijke stap stappen groei lekker mooi mooie moois heerlijk heerlijke"
)
# Phrases of praise or thanks that hold no word from the list above.
POSITIVE_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"\b(?:dank|dankjewel|dankuwel|bedankt|dankje)\b",
        r"\bspreekt\s+(?:\w+\s+)?voor\s+(?:je|jou|u)\b",
        r"\bonder\s+de\s+indruk\b",
        r"\b(?:jezelf|je\s+gevoel|je\s+gevoelens)\s+(?:\w+\s+){0,4}?serieus\b",
        r"\bvan\s+harte\b",
        r"\b(?:je|jij|u)\s+(?:hebt|had)\s+(?:de\s+)?moed\b",
        r"\b(?:het|dat|dit)\s+is\s+(?:je|jou|u)\s+(?:toch\s+)?gelukt\b",
        r"\b(?:je|jij|u)\s+(?:bent|was)\s+(?:er\s+)?in\s+geslaagd\b",
        r"\b(?:je|jij|u)\s+(?:neemt|nam|hebt|had)\s+(?:echt\s+)?(?:de\s+)?tijd\s+(?:genomen\s+)?"
        r"(?:om|voor)\b",
        r"\bgetuigt\s+van\b",
        r"\bpetje\s+af\b",
        r"\bhulde\b",
        r"\bgoed\s+bezig\b",
        r"\b(?:je|jij|u)\s+(?:doet|deed)\s+(?:het|dat|dit)\s+(?:\w+\s+)?(?:goed|fantastisch|"
        r"geweldig|knap|prima|super)\b",
        r"\bniet\s+(?:niks|niets|gering|makkelijk|eenvoudig|vanzelfsprekend)\b",
        r"\bwat\s+een\s+(?:stap|werk|inzet|brief|verhaal)\b",
        r"\bduidelijk\s+(?:verwoord|beschreven|opgeschreven|omschreven)\b",
        r"\b(?:je|jij|u)\s+(?:zet|zette|hebt\s+gezet)\s+(?:\w+\s+)?stap",
        r"\bgoed\s+(?:verwoord|beschreven|opgeschreven|omschreven|gedaan|gelukt)\b",
        r"\bmet\s+(?:veel\s+|zoveel\s+|grote\s+|dezelfde\s+)?(?:zorg|aandacht|toewijding|"
        r"liefde|geduld|oog\s+voor)\b",
        r"\bmag\s+(?:je|jij|u)\s+(?:\w+\s+)?(?:vieren|trots)\b",
        r"\b(?:beschrijf|beschrijft|verwoord|verwoordt|schrijf|schrijft|vertel|vertelt)\s+"
        r"(?:\w+\s+)?(?:heel\s+|zo\s+|erg\s+|mooi\s+)?(?:precies|nauwkeurig|treffend|beeldend)\b",
        r"\bvoor\s+(?:jezelf|uzelf)\s+(?:\w+\s+)?(?:op(?:gekomen|komen|komt|kwam)|gekozen)\b",
    )
)
# Phrases that praise when what they show is no hardship: "laat zien dat je doorzet",
# not "laat zien dat je het zwaar hebt".
SHOWING_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"\blaat\s+(?:\w+\s+){0,6}?zien\s+(?:dat|hoe|hoeveel|wat|waar)\b",
        r"\b(?:zegt|zeggen|vertelt)\s+(?:al\s+|echt\s+|zo\s+|heel\s+)?veel\s+over\b",
    )
)
SPEAKS_FROM = re.compile(r"\bspreekt\s+(?:er\s+)?(?:uit|eruit)\b|\bspreekt\s+\w+\s+uit\b")
# Words of hardship: what a showing phrase points at is then no praise.
HARDSHIP_WORDS = _wordset(
    """
    zwaar moeilijk lastig pijn pijnlijk verdriet verdrietig moe uitgeput bang angst angstig boos
    somber eenzaam leeg zorgen twijfel twijfelt schuldig schaamte onzeker wanhopig machteloos
    stress gespannen ziek kwetsbaar alleen worstelt worstel klem vast kapot overweldigd
    """
)
# Phrases with a positive word that do not praise: removed before matching.
NOT_PRAISE = re.compile(
    r"\b(?:goed\s+(?:voorstellen|voorstelen|begrijpen|indenken|inbeelden|snappen|"
    r"om\s+te(?!\s+(?:lezen|horen|zien|merken))|"
    r"idee\s+om|of\s+fout|of\s+slecht)|(?:begrijp|snap|kan|kun|weet|ken)\s+(?:me\s+|het\s+|dat\s+"
    r"|heel\s+|wel\s+|ook\s+|zo\s+)*goed|eerlijk\s+gezegd|eerlijk\s+is\s+eerlijk|open\s+vraag|"
    r"open\s+vragen|groet\w*|respect\s+voor\s+(?:mezelf|mijzelf)|het\s+goede\s+antwoord)\b"
)
# Verbs of daring: praise unless "niet" follows ("je durft het niet").
DARING_WORDS = _wordset(
    "durf durft durfde durfden durven aangedurfd aandurft aandurfde waagt waagde gewaagd"
)
# Words that flip a positive word shortly after them: "niet fijn", "geen mooie".
NEGATIONS = _wordset("niet geen nooit niets niks nergens allerminst nauwelijks amper minder weinig")
# Words that end the reach of a negation: "niet lang, maar wel mooi".
NEGATION_STOPS = _wordset("maar wel toch ook juist en")
# In a question these show a hypothetical or an opinion asked for, not praise.
HYPOTHETICAL_WORDS = _wordset(
    "zou zouden zal zult vind vindt vond vinden kun kunt kan wil wilt als welk welke"
)

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
READING_PARTICIPLES = _wordset(
    """
    gelezen gezien gemerkt genoten geraakt getroffen gehoord gevonden gevraagd gedacht
    geschreven gewacht gevolgd ontroerd benieuwd geïnteresseerd geboeid verrast blij
    nagedacht stilgestaan bijgebleven opgevallen teruggelezen herlezen meegeleefd
    meegelezen aangesproken
    """
)
COACHEE_WORDS = _wordset("je jouw jij u uw jullie jezelf uzelf")

# Function words: a reused phrase needs more than these. Stored normalised (see _norm).
STOPWORDS_RAW = """
    de het een en of maar dat die dit deze wat wie waar hoe als dan toen want omdat dus ook nog
    al wel niet geen te van in op aan met voor door bij uit naar om over tot tegen zo er hier
    daar nu heel erg zeer veel meer is ben bent zijn was waren wordt worden word heb hebt heeft
    hebben had kan kun kunt kunnen wil wilt willen moet moeten zal zult zou zouden ga gaat gaan
    doe doet doen zich zelf ze zij hij hem haar hun we wij ons onze men iets niets alles nooit
    altijd soms even echt gewoon best toch eens weer ik je jij u me mij jou mijn jouw uw
    mezelf jezelf mijzelf m'n z'n zijn 'n 't 's ja nee oh o hoor nou jullie ie elkaar andere
    ander
"""

# --- Sentences and quotations -------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_QUOTE_CHAR = re.compile(r"[\"“”„«»‹›'‘’‚]")
_DOUBLE_CLOSERS = {
    '"': '"',
    "“": '”“"',
    "„": '”“"',
    "”": "”",
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
}
_SINGLE_OPENERS = "'‘‚’"
_SINGLE_CLOSER = re.compile(r"(?<=\S)['’‘](?![^\W_])")
_APOSTROPHE_WORD = re.compile(r"['‘’](?:s|t|k|n|m|r|em|ns|tzelfde|ie)\b|['‘’]\d", re.IGNORECASE)
_OPEN_AFTER = "([{:;,—–-/“„\"'‘«‹"
_MAX_QUOTE = 800
_BOUNDARY = re.compile(r"(?P<punct>[.!?…]+[\"'”’»›)\]]*)(?P<space>\s+)|(?P<nl>[ \t]*\n\s*)")
_SAYING_COLON = re.compile(
    r"\b(?:schrijft|schreef|schrijf\s+je|zegt|zei|noemt|noemde|vertelt|vertelde|woorden|"
    r"letterlijk|citaat)\s*:\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Sentence:
    text: str  # the sentence as written
    own: str  # the coach's own words: lowercased, quotations replaced by "…"
    quotes: tuple[str, ...]  # the quoted passages in it


def sentences(text: str) -> list[str]:
    """The sentences of a Dutch text, in order, each stripped of surrounding space.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by space (not after an
    abbreviation such as "bijv." or an initial, and not inside a quotation), at a
    blank line, and at a line break unless the next line goes on in lowercase.
    A salutation or sign-off on its own line is a sentence of its own.
    """
    return [sentence.text for sentence in _parse(text)]


def positive_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that name something positive about the coachee or their
    writing (as the checks on opening and closing positively read them)."""
    return [sentence.text for sentence in _parse(text) if _is_positive(sentence)]


def _parse(text: str) -> list[_Sentence]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    spans = _quote_spans(text)
    starts = [start for start, _ in spans]
    parsed = []
    for start, end in _sentence_spans(text, spans, starts):
        inside = spans[bisect_left(starts, start) : bisect_left(starts, end)]
        parsed.append(_make_sentence(text, start, end, inside))
    return [sentence for sentence in parsed if _WORD.search(sentence.text)]


def _make_sentence(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> _Sentence:
    own_parts, quoted, position = [], [], start
    for quote_start, quote_end in quotes:
        own_parts.append(text[position:quote_start])
        own_parts.append(" … ")
        quoted.append(" ".join(text[quote_start + 1 : quote_end - 1].split()))
        position = quote_end
    own_parts.append(text[position:end])
    own = _plain("".join(own_parts))
    said = _SAYING_COLON.search(own)
    if said and not own[said.end() :].lstrip().startswith("…"):
        quoted.append(own[said.end() :].strip(" .!?"))
        own = own[: said.end()] + "…"
    return _Sentence(" ".join(text[start:end].split()), own, tuple(quoted))


def _plain(text: str) -> str:
    """Lowercased, with typographic apostrophes made plain and space collapsed."""
    return " ".join(text.lower().replace("’", "'").replace("‘", "'").split())


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation, quote marks included; apostrophes are no quotes."""
    spans: list[tuple[int, int]] = []
    position = 0
    while match := _QUOTE_CHAR.search(text, position):
        start = match.start()
        end = _quote_end(text, start) if _can_open(text, start) else None
        if end is None:
            position = start + 1
        else:
            spans.append((start, end))
            position = end
    return spans


def _can_open(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace() or not (before.isspace() or before in _OPEN_AFTER):
        return False
    return text[i] not in _SINGLE_OPENERS or not _APOSTROPHE_WORD.match(text, i)


def _quote_end(text: str, start: int) -> int | None:
    """The end of the quotation opened at ``start``, or None when it is not closed."""
    limit = min(len(text), start + _MAX_QUOTE)
    mark = text[start]
    if mark in _SINGLE_OPENERS:
        closer = _SINGLE_CLOSER.search(text, start + 2, limit)
        close = closer.start() if closer else -1
    else:
        close = min(
            (c for c in (text.find(ch, start + 1, limit) for ch in _DOUBLE_CLOSERS[mark]) if c > 0),
            default=-1,
        )
    if close < 0 or "\n\n" in text[start:close] or not text[start + 1 : close].strip():
        return None
    return close + 1


def _sentence_spans(text: str, spans: list[tuple[int, int]], starts: list[int]):
    """(start, end) of each sentence: see ``sentences``."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.end("punct") if match.group("punct") else match.start()
        if _inside_quote(cut, spans, starts) or not _ends_sentence(text, match):
            continue
        yield start, cut
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _inside_quote(position: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect_left(starts, position) - 1
    return index >= 0 and spans[index][0] < position < spans[index][1]


def _ends_sentence(text: str, match: re.Match) -> bool:
    following = text[match.end() : match.end() + 1]
    if match.group("nl") is not None:
        return match.group("nl").count("\n") > 1 or not following.islower()
    punct = match.group("punct").rstrip("\"'”’»›)]")
    if "?" in punct or "!" in punct:
        return True
    if "…" in punct or ".." in punct:
        return following.isupper() or following in "\"“„«'‘"
    previous = text[max(0, match.start() - 25) : match.start()].split()
    word = previous[-1].lower().lstrip("(\"'“‘") if previous else ""
    if word in FINAL_ABBREVIATIONS:
        return following.isupper()
    return not (word in ABBREVIATIONS or re.fullmatch(r"[^\W\d_]|(?:\w{1,3}\.)+\w{1,3}", word))


# --- Salutation and sign-off ---------------------------------------------------------------

_SALUTATION = re.compile(
    r"^\W*(?:" + "|".join(SALUTATION_WORDS) + r")\b(?:\s+[\w'’.-]+){0,4}?\s*(?:[,!:]+\s*|$)",
    re.IGNORECASE,
)
_NAME_ONLY = re.compile(r"^[A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*){0,2}\s*,$")
_SIGN_OFF = re.compile(
    r"^\W*(?:" + "|".join(SIGN_OFF_GREETINGS) + r")\b[\s,.!]*"
    r"(?:(?:en|van|namens)\s+(?:tot|veel|een|alle|het|liefs|groet|groetjes|hartelijke|warme)?"
    r"[^.?]*?[\s,.!]*)?(?:[\w'’.()-]+(?:\s+[\w'’.()-]+){0,3})?[\s.!)x]*$",
    re.IGNORECASE,
)
_DASH_NAME = re.compile(r"^[-–—~]+\s*[A-ZÀ-Ý][\w'’.-]*(?:\s+[\w'’.()-]+){0,3}$")
_NAME_LINE = re.compile(
    r"^[-–—~\s]*(?:(?:je|jouw|uw)\s+coach\s*,?\s*)?[A-ZÀ-Ý][\w'’.-]*"
    r"(?:\s+(?:van|de|der|den|ter|ten|het|[A-ZÀ-Ý][\w'’.-]*)){0,3}\s*(?:\([^)]*\))?\s*[.!]?$"
)


def _body(parsed: list[_Sentence]) -> list[_Sentence]:
    """The sentences without the salutation and the sign-off."""
    body = list(parsed)
    if body and (_NAME_ONLY.match(body[0].text) or _is_whole_salutation(body[0])):
        body.pop(0)
    elif body:
        body[0] = _without_salutation(body[0])
    return body[: _sign_off_start(body)]


def _sign_off_start(body: list[_Sentence]) -> int:
    """Where the sign-off begins: a greeting formula followed by nothing but name lines
    ("Warme groet,", "Anna de Vries", "Coach"), or a closing "— Anna"; len(body) if none."""
    start = len(body)
    while start and _DASH_NAME.match(body[start - 1].text):
        start -= 1
    if start and _NAME_LINE.match(body[start - 1].text) and body[start - 1].text[-1] not in ".!?":
        start -= 1  # a name on its own line, without punctuation: a signature
    for index in range(len(body) - 1, max(-1, len(body) - 6), -1):
        text = body[index].text
        if _is_sign_off(text):
            start = min(start, index)
        elif not _NAME_LINE.match(text):
            break
    return start


def _is_whole_salutation(sentence: _Sentence) -> bool:
    match = _SALUTATION.match(sentence.text)
    return bool(match) and not _WORD.search(sentence.text[match.end() :])


def _without_salutation(sentence: _Sentence) -> _Sentence:
    match = _SALUTATION.match(sentence.text)
    if not match or not match.group().rstrip().endswith((",", "!", ":")):
        return sentence
    text = sentence.text[match.end() :]
    own = _plain(sentence.own[len(_plain(match.group())) :])
    return _Sentence(text, own, sentence.quotes)


def _is_sign_off(text: str) -> bool:
    return len(_WORD.findall(text)) <= 8 and bool(_SIGN_OFF.match(text))


# --- The checks ----------------------------------------------------------------------------


def review(feedback: str, coachee: str | None = None) -> list[Finding]:
    """One finding per check id, in the order of ``CHECKS``.

    The checks in ``NEEDS_COACHEE`` are left out when no coachee text is given.
    Never raises on odd input: empty or very long text, other languages, stray quotes.
    """
    body = _body(_parse(feedback or ""))
    coachee_sentences = _parse(coachee) if coachee is not None else None
    findings = [
        _check_opens_positive(body),
        _check_closes_positive(body),
        _check_first_person(body),
        _check_own_experience(body),
        _check_advice(body),
        _check_theory(body, coachee),
    ]
    if coachee_sentences is not None:
        findings.append(_check_quotes_coachee(body, coachee_sentences))
        findings.append(_check_language_level(body, coachee_sentences))
    return findings


def _check_opens_positive(body: list[_Sentence]) -> Finding:
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
    if not body:
        return Finding(
            "opens_positive",
            False,
            _("Er staat nog geen tekst; begin met iets positiefs over de coachee."),
        )
    first = body[0]
    if _is_positive(first):
        message = _("Je eerste zin benoemt iets positiefs; zo voelt de coachee zich gezien.")
        return Finding("opens_positive", True, message, (first.text,))
    message = _(
        "Je eerste zin benoemt niets positiefs over de coachee of de brief; begin met wat "
        "goed is, dan voelt de coachee zich gezien en leest die verder."
    )
    return Finding("opens_positive", False, message, (first.text,))


def _check_closes_positive(body: list[_Sentence]) -> Finding:
    """Does the last sentence (before the sign-off) name something positive?

    The same test as ``_check_opens_positive``. A greeting ("Warme groet, Anna",
    "Tot schrijfs!") and the name under it are the sign-off; a wish ("Veel
    sterkte!") is the last sentence and names nothing positive. Limits: as for
    the opening; a closing question without praise fails, even a warm one.
    """
    if not body:
        return Finding(
            "closes_positive",
            False,
            _("Er staat nog geen tekst; eindig met iets positiefs over de coachee."),
        )
    last = body[-1]
    if _is_positive(last):
        message = _(
            "Je laatste zin benoemt iets positiefs; zo sluit de coachee je brief af met een "
            "goed gevoel."
        )
        return Finding("closes_positive", True, message, (last.text,))
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
    return Finding("closes_positive", False, message, (last.text,))


def _check_first_person(body: list[_Sentence]) -> Finding:
    """Does the coach avoid "ik" (also "ikzelf", "ikke", "'k")?

    Only the coach's own words count: quotations of the coachee are set aside.
    Limits: "me", "mij" and "mijn" are not counted; an unmarked quotation
    (without quote marks or "je schrijft:") is taken as the coach's words.
    """
    hits = [s.text for s in body if _FIRST_PERSON.search(s.own)]
    if hits:
        message = _(
            "Je schrijft ‘ik’: zo komt de aandacht bij jou te liggen in plaats van bij de coachee."
        )
        return Finding("first_person", False, message, tuple(hits))
    return Finding(
        "first_person", True, _("Je schrijft zonder ‘ik’; zo blijft de aandacht bij de coachee.")
    )


_FIRST_PERSON = re.compile(r"(?<![\w'])(?:ik|ikzelf|ikke)(?![\w'])|(?<!\w)'k\b")


def _check_own_experience(body: list[_Sentence]) -> Finding:
    """Does the coach keep their own life and experience out of it?

    Looks for patterns such as "ik heb dat ook", "dat herken ik", "toen ik",
    "mijn moeder", "in mijn ervaring", "wat mij hielp". Limits: a story about
    oneself without any of these patterns ("Vorige zomer liep ik ...") may slip
    through when its verb is not listed; "ik" alone is never enough.
    """
    hits = [
        s.text
        for s in body
        if any(p.search(s.own) for p in OWN_EXPERIENCE_PATTERNS) or _own_past(s.own)
    ]
    if hits:
        message = _(
            "Je vertelt over je eigen leven of ervaring; zo verschuift de aandacht van de "
            "coachee naar jou."
        )
        return Finding("own_experience", False, message, tuple(hits))
    message = _("Je vertelt niet over jezelf; zo blijft de ruimte voor het verhaal van de coachee.")
    return Finding("own_experience", True, message)


def _own_past(own: str) -> bool:
    """True for "ik ben/heb ... <participle>" about the coach's own past: a participle
    follows within a few words, and no word of the coachee or of reading their letter."""
    for match in OWN_PAST.finditer(own):
        words = _WORD.findall(match.group(1))
        if COACHEE_WORDS.intersection(words) or READING_PARTICIPLES.intersection(words):
            continue
        if any(_is_participle(word) for word in words):
            return True
    return False


def _is_participle(word: str) -> bool:
    """A Dutch past participle: ge...d/t/en/aan, also after a separable prefix (meegemaakt)."""
    at = word.find("ge")
    return at >= 0 and len(word) - at >= 5 and word.endswith(("d", "t", "en", "aan"))


def _check_advice(body: list[_Sentence]) -> Finding:
    """Does the coach ask rather than tell the coachee what to do?

    Advice: an imperative at the start of a sentence or after a comma ("Neem
    rust.", "Als je moe bent, ga dan ..."), a modal that directs ("je moet", "je
    zou eens", "het is belangrijk dat je"), advice words ("mijn tip", "ik raad je
    aan") and advice dressed as a question ("Zou je niet eens ...?", "Waarom ga je
    niet ...?", "Heb je er al aan gedacht om ...?"). Not advice: words inside a
    quotation, an invitation to tell the coach more ("Vertel eens ..."), a
    guess at a feeling ("Je moet je alleen gevoeld hebben") and a referral to
    professional help in a crisis (huisarts, 113, 112, crisisdienst, hulplijn).
    Limits: advice without a listed verb or phrase is missed.
    """
    hits = [s.text for s in body if _is_advice(s)]
    if hits:
        message = _(
            "Je vertelt de coachee wat die moet doen; met een open vraag vindt de coachee zelf "
            "de weg en blijft die eigenaar van de keuze."
        )
        return Finding("advice", False, message, tuple(hits))
    message = _(
        "Je geeft geen adviezen maar laat de keuzes bij de coachee; zo blijft die eigenaar."
    )
    return Finding("advice", True, message)


def _check_theory(body: list[_Sentence], coachee: str | None) -> Finding:
    """Does the coach stay with the coachee's text, without theory or jargon?

    Looks for named authors (Maslow, Freud, Ofman, ...), models and psychological
    jargon (kernkwadrant, dramadriehoek, cognitieve dissonantie, amygdala, ...)
    and phrases that bring in research ("uit onderzoek blijkt", "dit heet", "in de
    psychologie"). A term the coachee used themselves does not count. Limits:
    jargon not on the lists is missed; a listed word used in its everyday sense
    ("een mooi model") counts.
    """
    coachee_plain = _plain(coachee or "")
    found: list[str] = []
    hits = []
    for sentence in body:
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
        return Finding("theory", False, message, tuple(hits))
    message = _(
        "Je blijft bij de tekst van de coachee, zonder theorie of vaktaal; zo gaat het over "
        "de coachee."
    )
    return Finding("theory", True, message)


def _check_quotes_coachee(body: list[_Sentence], coachee: list[_Sentence]) -> Finding:
    """Does the feedback take up the coachee's own words?

    Yes when a quotation in the feedback (or the words after "je schrijft:") is
    found in the coachee's text, or when the feedback reuses a run of at least
    three consecutive words of it with two content words (five with one, six
    with none). The coachee's "ik/mijn/me" and the coach's "je/jouw/je" count as
    the same word, as do verb forms that differ only by a final -t ("ben",
    "bent"). Limits: a paraphrase in a new word order is not a reuse; a
    quotation of something the coachee did not write does not count.
    """
    coachee_tokens = [_norm_tokens(s.text) for s in coachee]
    phrase, sentence = (
        _quoted_phrase(body, coachee_tokens) or _reused_phrase(body, coachee_tokens) or ("", "")
    )
    if phrase:
        message = _(
            "Je neemt de woorden van de coachee over (‘%(phrase)s’); zo laat je zien dat je "
            "goed gelezen hebt.",
            phrase=phrase,
        )
        return Finding("quotes_coachee", True, message, (sentence,))
    message = _(
        "Je neemt nergens de woorden van de coachee over; citeer een paar van die woorden, "
        "dan voelt de coachee zich echt gelezen."
    )
    return Finding("quotes_coachee", False, message)


def _check_language_level(body: list[_Sentence], coachee: list[_Sentence]) -> Finding:
    """Is the feedback not markedly harder to read than the coachee's text?

    Compares the Flesch–Douma score, the average sentence length and the share
    of long words (four syllables or more). Harder means a clear gap: 20 points of
    Flesch–Douma, or both ten words more per sentence and five percent more long
    words. Feedback that is itself easy to read (Flesch–Douma 80 or more) and
    texts too short to measure (under five words) are always fine. Limits:
    syllables are counted as vowel groups, so a few words are off by one; the
    measure knows nothing of rare words that are short.
    """
    own, theirs = _readability(body), _readability(coachee)
    numbers = {"feedback": round(own.score), "coachee": round(theirs.score)}
    if own.words < MIN_WORDS_TO_MEASURE or theirs.words < MIN_WORDS_TO_MEASURE:
        message = _(
            "De teksten zijn te kort om het taalniveau te vergelijken; houd je zinnen kort en "
            "eenvoudig."
        )
        return Finding("language_level", True, message)
    if _markedly_harder(own, theirs):
        message = _(
            "Je tekst is moeilijker te lezen dan die van de coachee (Flesch-Douma %(feedback)s "
            "tegen %(coachee)s); met kortere zinnen en gewone woorden sluit je beter aan.",
            **numbers,
        )
        return Finding("language_level", False, message, tuple(_hardest(body)))
    message = _(
        "Je tekst past bij het taalniveau van de coachee (Flesch-Douma %(feedback)s tegen "
        "%(coachee)s); zo kan de coachee je goed volgen.",
        **numbers,
    )
    return Finding("language_level", True, message)


# --- Positive naming -----------------------------------------------------------------------


def _is_positive(sentence: _Sentence) -> bool:
    """True when the sentence names something positive about the coachee or their writing."""
    text = NOT_PRAISE.sub(" ", sentence.own)
    words = _WORD.findall(text)
    praise = set(_praise_words(words))
    if _is_advice(sentence) or _undone_by_but(words):
        # "Schrijf op wat goed ging." tells; "Een goede baan, maar ..." takes it back.
        praise -= WEAK_POSITIVE_WORDS
    if WISH.search(text):
        praise -= WEAK_POSITIVE_WORDS | WISHED_WORDS
        text = text.replace("van harte", " ")
    if not praise and not _praising_phrase(text):
        return False
    if text.rstrip(" …\"'”’»").endswith("?"):
        return not any(w in HYPOTHETICAL_WORDS for w in words)
    return True


def _praising_phrase(text: str) -> bool:
    if any(p.search(text) for p in POSITIVE_PHRASES) or _speaks_from(text):
        return True
    for pattern in SHOWING_PHRASES:
        match = pattern.search(text)
        shown = _WORD.findall(text[match.end() :].split(",")[0]) if match else []
        if match and not HARDSHIP_WORDS.intersection(shown):
            return True
    return False


def _speaks_from(text: str) -> bool:
    """ "Je zorg voor je kinderen spreekt uit elke zin": praise, unless what speaks is a
    hardship ("Je verdriet spreekt uit elke zin")."""
    match = SPEAKS_FROM.search(text)
    return bool(match) and not HARDSHIP_WORDS.intersection(_WORD.findall(text[: match.start()]))


def _undone_by_but(words: list[str]) -> bool:
    """True when a "maar" follows every positive word: "Een goede baan, maar je voelt je leeg"."""
    if "maar" not in words:
        return False
    last_but = len(words) - 1 - words[::-1].index("maar")
    return not _praise_words(words[last_but + 1 :])


def _praise_words(words: list[str]) -> list[str]:
    """The positive words in ``words`` that are not negated just before them."""
    found = []
    for index, word in enumerate(words):
        if _negated(words, index):
            continue
        daring = word in DARING_WORDS and "niet" not in words[index + 1 : index + 4]
        positive = _positive_form(word)
        if positive or daring:
            found.append(positive or word)
    return found


def _positive_form(word: str) -> str | None:
    """The listed positive word ``word`` is a form of ("trouwe", "zuiverste" -> "trouw",
    "zuiver"), or None. Adjectives take -e, -ere and -ste; -er and -st are left out, as
    they turn nouns into other words ("moed" and "moeder")."""
    if word in POSITIVE_WORDS:
        return word
    for ending in ("ste", "ere", "e"):
        stem = word.removesuffix(ending)
        if stem != word and len(stem) >= 3:
            if stem in POSITIVE_WORDS:
                return stem
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[:-1] in POSITIVE_WORDS:
                return stem[:-1]  # "knappe" -> "knap"
    return None


def _negated(words: list[str], index: int) -> bool:
    for previous in reversed(words[max(0, index - 3) : index]):
        if previous in NEGATION_STOPS:
            return False
        if previous in NEGATIONS:
            return True
    return False


# --- Advice --------------------------------------------------------------------------------

_MID_IMPERATIVE = re.compile(
    r"[,;:]\s*(?:" + "|".join(sorted(IMPERATIVE_VERBS)) + r")\s+(?:dan|eens|gewoon|maar|even|"
    r"vooral|toch|rustig|alsjeblieft|jezelf|ook)\b"
)


def _is_advice(sentence: _Sentence) -> bool:
    text = sentence.own
    if CRISIS_REFERRALS.search(text):
        return False
    telling = TELL_ME.search(text) is not None
    if _starts_with_imperative(text) and not telling:
        return True
    if (_MID_IMPERATIVE.search(text) or QUESTION_ADVICE.search(text)) and not telling:
        return True
    for pattern in ADVICE_PATTERNS:
        match = pattern.search(text)
        if match and not _excused(text, match, telling):
            return True
    return False


def _excused(text: str, match: re.Match, telling: bool) -> bool:
    """True when a matched advice pattern is a guess at a feeling or an invitation to tell."""
    if "moet" in match.group():
        open_question = OPEN_QUESTION.match(text) and " niet" not in match.group()
        if REPORTED_MUST.search(text) or open_question:
            return True
        return bool(EPISTEMIC_MUST.search(text)) and not DIRECTIVE_AFTER_MUST.search(text)
    return telling and any(w in match.group() for w in ("kun", "kan", "misschien", "zou"))


def _starts_with_imperative(text: str) -> bool:
    if text.startswith("…") or re.match(
        r"^\W*(?:kijk\s*,|zeg\s*,|stel\s+dat\b|let\s+wel\b|neem\s+nou\b)", text
    ):
        return False
    words = _WORD.findall(text)
    while words and words[0] in LEADING_WORDS and len(words) > 1:
        words = words[1:]
    if not words or words[0] not in IMPERATIVE_VERBS:
        return False
    following = words[1] if len(words) > 1 else ""
    if following == "je" and words[0] in REFLEXIVE_IMPERATIVES:
        return not text.rstrip(" …").endswith("?")
    if following in DETERMINERS and words[0] in VERB_ONLY_IMPERATIVES:
        return True  # "Bespreek die angst ...": no noun reads "bespreek"
    return following not in NOT_IMPERATIVE_NEXT


# --- Theory --------------------------------------------------------------------------------

_AUTHOR = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(a[0].upper() + a[1:]) for a in THEORY_AUTHORS)
    + "|"
    + "|".join(
        "".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in name)
        for name in THEORY_AUTHOR_NAMES
    )
    + r")(?![\w-])"
)
_TERM = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in THEORY_TERMS) + r")[\w-]*")
_WORD_PART = re.compile(
    r"[\w-]*(?:" + "|".join(re.escape(t) for t in THEORY_WORD_PARTS) + r")[\w-]*"
)
# "Volgens Stroebe", "zoals Covey zegt": a name brought in as an authority.
_NAMED_AUTHORITY = re.compile(r"\b(?:[Vv]olgens|[Zz]oals)\s+((?:de\s+)?[A-Z][\w'’-]+)")


def _theory_terms(sentence: _Sentence, coachee_plain: str) -> list[str]:
    """The authors, terms and research phrases in the coach's own words of ``sentence``
    that the coachee's text (lowercased) does not hold."""
    text = sentence.own
    # Names are looked for as written (with their capital), outside quotations.
    authors = (m.group().lower() for m in _AUTHOR.finditer(sentence.text))
    found = [(a, a) for a in authors if re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", text)]
    found += [(m.group(), m.group(1)) for m in _TERM.finditer(text)]  # the listed stem
    found += [(m.group(), m.group()) for m in _WORD_PART.finditer(text)]
    found += [(m.group().strip(), m.group()) for p in THEORY_PHRASES if (m := p.search(text))]
    found += [(m.group(1), m.group(1).lower()) for m in _NAMED_AUTHORITY.finditer(sentence.text)]
    terms = [
        term
        for term, key in found
        if term not in EVERYDAY_WORDS and term not in coachee_plain and key not in coachee_plain
    ]
    return list(dict.fromkeys(terms))


# --- Quotes and reused phrases -------------------------------------------------------------

_PRONOUNS = {
    **dict.fromkeys(_wordlist("ik je jij u me mij jou mijn m'n jouw uw ikke ikzelf jijzelf"), "P"),
    **dict.fromkeys(_wordlist("mezelf mijzelf jezelf jouzelf uzelf"), "PS"),
}
MIN_REUSE_WORDS = 3


def _norm(word: str) -> str:
    """One spelling for the coachee's and the coach's form of a word."""
    word = word.lower().replace("’", "'")
    if word in _PRONOUNS:
        return _PRONOUNS[word]
    if len(word) >= 4 and word.endswith("t") and word[-2] != "t":
        word = word[:-1]  # "bent" and "ben", "voelt" and "voel"
        if word.endswith("aa"):
            word = word[:-1]  # "gaat" and "ga"
    return word


STOPWORDS = frozenset(_norm(w) for w in _wordlist(STOPWORDS_RAW))


def _norm_tokens(text: str) -> list[str]:
    return [_norm(w) for w in _WORD.findall(text)]


def _quoted_phrase(body: list[_Sentence], coachee: list[list[str]]) -> tuple[str, str] | None:
    """(quotation, sentence) of the first quotation found in the coachee's text."""
    for sentence in body:
        for quote in sentence.quotes:
            for part in re.split(r"\.\.\.|…|\[[^\]]*\]", quote):
                tokens = _norm_tokens(part)
                if tokens and _occurs(tokens[: MIN_REUSE_WORDS + 2], coachee):
                    return quote, sentence.text
    return None


def _occurs(tokens: list[str], coachee: list[list[str]]) -> bool:
    """True when ``tokens`` (or its first three) occur in order in a coachee sentence."""
    probe = tokens[:MIN_REUSE_WORDS] if len(tokens) > MIN_REUSE_WORDS else tokens
    size = len(probe)
    return any(
        sentence[i : i + size] == probe
        for sentence in coachee
        for i in range(len(sentence) - size + 1)
    )


def _reused_phrase(body: list[_Sentence], coachee: list[list[str]]) -> tuple[str, str] | None:
    """(phrase, sentence) of the longest run of the coachee's words the feedback reuses."""
    grams = {
        tuple(s[i : i + MIN_REUSE_WORDS])
        for s in coachee
        for i in range(len(s) - MIN_REUSE_WORDS + 1)
    }
    best: tuple[int, str, str] | None = None
    for sentence in body:
        words = _WORD.findall(sentence.own)
        for start, end in _runs([_norm(w) for w in words], grams):
            content = sum(_norm(w) not in STOPWORDS for w in words[start:end])
            length = end - start
            if (content >= 2 or (content >= 1 and length >= 5) or length >= 6) and (
                best is None or length > best[0]
            ):
                best = (length, _as_written(words[start:end], sentence.text), sentence.text)
    return (best[1], best[2]) if best else None


def _as_written(words: list[str], text: str) -> str:
    """The words as they stand in ``text`` (case, apostrophes and punctuation kept)."""
    pattern = r"\W+".join(re.escape(w) for w in words)
    match = re.search(pattern, text.replace("’", "'"), re.IGNORECASE)
    return text[match.start() : match.end()] if match else " ".join(words)


def _runs(tokens: list[str], grams: set[tuple[str, ...]]) -> Iterable[tuple[int, int]]:
    """(start, end) of the maximal runs of ``tokens`` whose every trigram is in ``grams``."""
    n = MIN_REUSE_WORDS
    i = 0
    while i <= len(tokens) - n:
        if tuple(tokens[i : i + n]) not in grams:
            i += 1
            continue
        end = i + n
        while end < len(tokens) and tuple(tokens[end - n + 1 : end + 1]) in grams:
            end += 1
        yield i, end
        i = end - n + 1


# --- Language level ------------------------------------------------------------------------

MIN_WORDS_TO_MEASURE = 5
EASY_SCORE = 80  # Flesch–Douma at or above this reads easily: always fine
SCORE_GAP = 20  # a gap in Flesch–Douma this large or larger is clear: two bands of ten
SENTENCE_GAP = 10  # words per sentence, together with ...
LONG_WORD_GAP = 0.05  # ... a gap in the share of words of four syllables or more
LONG_WORD_SYLLABLES = 4

_VOWEL_GROUP = re.compile(r"(?:[ëïöüéè]|[aeiouyáàâíìîóòôúùûý])[aeiouyáàâíìîóòôúùûý]*")


@dataclass(frozen=True)
class Readability:
    """Readability figures of a text: Flesch–Douma ``score``, words per sentence,
    share of long words, and the number of words measured."""

    score: float
    sentence_length: float
    long_words: float
    words: int


def syllables(word: str) -> int:
    """The syllables of a Dutch word, counted as vowel groups ("ij" and diphthongs once)."""
    return max(1, len(_VOWEL_GROUP.findall(word.lower().replace("ij", "y"))))


def readability(text: str) -> Readability:
    """The readability figures of ``text`` (all its sentences)."""
    return _readability(_parse(text))


def flesch_douma(syllable_count: int, word_count: int, sentence_count: int) -> float:
    """206.84 − 0.77 × syllables per 100 words − 0.93 × words per sentence."""
    if not word_count or not sentence_count:
        return 100.0
    return 206.84 - 0.77 * 100 * syllable_count / word_count - 0.93 * word_count / sentence_count


def _readability(parsed: list[_Sentence]) -> Readability:
    counts = [[syllables(w) for w in _WORD.findall(s.text)] for s in parsed]
    counts = [c for c in counts if c]
    words = sum(len(c) for c in counts)
    if not words:
        return Readability(100.0, 0.0, 0.0, 0)
    total = sum(sum(c) for c in counts)
    long_words = sum(n >= LONG_WORD_SYLLABLES for c in counts for n in c)
    return Readability(
        flesch_douma(total, words, len(counts)), words / len(counts), long_words / words, words
    )


def _markedly_harder(own: Readability, theirs: Readability) -> bool:
    if own.score >= EASY_SCORE:
        return False
    longer = own.sentence_length - theirs.sentence_length >= SENTENCE_GAP
    wordier = own.long_words - theirs.long_words >= LONG_WORD_GAP
    return theirs.score - own.score >= SCORE_GAP or (longer and wordier)


def _hardest(body: list[_Sentence], count: int = 2) -> list[str]:
    """The ``count`` hardest sentences of the feedback, in their order."""
    scored = []
    for index, sentence in enumerate(body):
        counts = [syllables(w) for w in _WORD.findall(sentence.text)]
        if counts:
            scored.append((flesch_douma(sum(counts), len(counts), 1), index))
    chosen = sorted(index for _, index in sorted(scored)[:count])
    return [body[index].text for index in chosen]
