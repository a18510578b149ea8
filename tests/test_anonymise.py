"""Anonymising a letter for intervision: names, places, dates and numbers that point at
someone are replaced; ordinary words, the world's place names and the sense stay."""

from __future__ import annotations

import pytest

from journey.anonymise import Known, anonymise, anonymise_text

KNOWN = Known(
    coachee=["Sanne Reiziger", "sanne reiziger"],
    coach=["Coach Anna"],
    others=["Kees"],
    keep=["Veilige haven", "Stille vijver"],
)

LETTER = """Beste Anna,

Vorige week, op dinsdag 12 maart 2026, ben ik met Lisa de Vries naar Utrecht gegaan.
Lisa belde me daarna nog op 06-12345678. Mijn tante Marie woont in Den Bosch, aan de
Kerkstraat 12, 5211 AB. Ze is 67 jaar oud.
Op 3/4 had ik een gesprek met meneer Jansen van het UWV. Zijn mail is j.jansen@example.nl
en zijn site https://www.jansen-coaching.nl/over-mij.
Mark en Sophie zeiden op 2026-03-14 dat ik naar Bergen op Zoom moest. Anna's advies hielp.
Ik ben 34. Sinds maart 2025 werk ik bij Albert Heijn in Amersfoort, vlakbij Hoevelaken.
Bel me op +31 6 1234 5678 of 020-1234567, of op vrijdag 14-02.
Oma Gerda uit Zwolle en dhr. Pietersen kwamen ook, met J. de Boer en Kees' hond.
Fatima appte dat Youssef ziek was; Kees zei niets. Met Fatima ging ik op 1 april naar
's-Hertogenbosch.
Mijn buurvrouw Els van der Meer (Postbus 1234) zag me met Pieter Bakker.

Groetjes,
Sanne
"""

ORIGINALS = [
    "Anna",
    "Sanne",
    "Reiziger",
    "12 maart",
    "2026",
    "Lisa",
    "Vries",
    "Utrecht",
    "12345678",
    "Marie",
    "Den Bosch",
    "Bosch",
    "Kerkstraat",
    "5211",
    "67",
    "3/4",
    "Jansen",
    "jansen",
    "example.nl",
    "coaching",
    "Mark",
    "Sophie",
    "2026-03-14",
    "Bergen",
    "Zoom",
    "34",
    "maart 2025",
    "Albert Heijn",
    "Amersfoort",
    "Hoevelaken",
    "1234 5678",
    "020",
    "14-02",
    "Gerda",
    "Zwolle",
    "Pietersen",
    "Boer",
    "Kees",
    "Fatima",
    "Youssef",
    "1 april",
    "Hertogenbosch",
    "Els",
    "Meer",
    "Postbus 1234",
    "Pieter",
    "Bakker",
]


def test_a_letter_full_of_names_keeps_none_of_them():
    result = anonymise([LETTER], KNOWN)
    text = result.texts[0]
    left = [original for original in ORIGINALS if original in text]
    assert left == [], text
    # what it says stays readable
    assert "Beste [coach]," in text
    assert "met [naam] naar [plaats] gegaan" in text
    assert "Mijn tante [naam] woont in [plaats]" in text
    assert "[naam] belde me" in text
    assert "Groetjes,\n[coachee]" in text
    assert "[e-mail]" in text and "[telefoon]" in text and "[datum]" in text
    assert "[adres]" in text


def test_every_replacement_is_listed_once_with_its_placeholder():
    result = anonymise([LETTER], KNOWN)
    pairs = [(r.original, r.placeholder) for r in result.replacements]
    assert len(pairs) == len(set(pairs))
    assert ("Utrecht", "[plaats]") in pairs
    assert ("Lisa de Vries", "[naam]") in pairs
    assert ("Sanne", "[coachee]") in pairs
    assert ("Anna's", "[coach]") in pairs
    assert ("j.jansen@example.nl", "[e-mail]") in pairs
    assert ("dinsdag 12 maart 2026", "[datum]") in pairs
    assert ("5211 AB", "[adres]") in pairs


@pytest.mark.parametrize(
    "text",
    [
        "Ik weet het niet. Vandaag voel ik me beter. Werk is zwaar.",
        "Het is 3 jaar geleden. We praatten 3-4 keer per week.",
        "Op maandag en in maart ben ik vaak moe.",
        "In Veilige haven voelde ik rust. Bij de Stille vijver ook.",
        "Mama zei dat ik moest slapen. Thuis is het stil.",
        "Met Kerst en met Pasen is het druk. Ik spreek Nederlands en Engels.",
        "Dat was in 2025 en 2026, voor 1500 euro.",
        "Ik app haar via WhatsApp. Onderweg naar huis dacht ik aan je brief.",
        "Wat zou je helpen? Je schrijft: “Ik wil rust.” Dat raakt me.",
        "Soms denk ik: Waarom? Daarna gaat het weer.",
        "Mijn ADHD maakt het lastig.",
    ],
)
def test_ordinary_words_stay(text):
    result = anonymise_text(text, KNOWN)
    assert result.texts == [text]
    assert result.replacements == []


def test_known_names_whole_words_any_case_and_possessive():
    text = "sanne reiziger schreef het. Ik las ANNA's brief, en Annas boek; Annabel niet."
    result = anonymise_text(text, KNOWN)
    assert result.texts[0] == (
        "[coachee] schreef het. Ik las [coach] brief, en [coach] boek; [naam] niet."
    )


def test_a_part_of_a_known_name_counts_only_capitalised():
    known = Known(coachee=["Sanne Reiziger"])
    result = anonymise_text("Sanne schreef. Een reiziger was ik.", known)
    assert result.texts[0] == "[coachee] schreef. Een reiziger was ik."


def test_a_name_found_once_is_replaced_everywhere_also_in_the_feedback():
    letter = "Ik zag Lisa gisteren. Lisa is boos. Lisa!"
    feedback = "Lisa lijkt belangrijk voor je."
    result = anonymise([letter, feedback], Known())
    assert result.texts == [
        "Ik zag [naam] gisteren. [naam] is boos. [naam]!",
        "[naam] lijkt belangrijk voor je.",
    ]


def test_a_name_at_the_start_of_a_sentence_before_a_verb():
    result = anonymise_text("Vandaag was het fijn. Bas zei dat het goed ging.", Known())
    assert result.texts[0] == "Vandaag was het fijn. [naam] zei dat het goed ging."


def test_places_after_place_words_and_names_after_others():
    result = anonymise_text("Ik woon in Almere en werk met Joris, vlakbij Lelystad.", Known())
    assert result.texts[0] == "Ik woon in [plaats] en werk met [naam], vlakbij [plaats]."


@pytest.mark.parametrize(
    "date",
    [
        "12-03-2026",
        "12/3",
        "2026-03-12",
        "12 maart",
        "12 maart 2026",
        "maart 2026",
        "dinsdag 12 maart",
        "zaterdag 3 mei 2025",
        "1 jan. 2026",
        "12.03.2026",
    ],
)
def test_dates(date):
    result = anonymise_text(f"Het gebeurde {date} na het werk.", Known())
    assert result.texts[0] == "Het gebeurde [datum] na het werk."


@pytest.mark.parametrize(
    ("number", "placeholder"),
    [
        ("06-12345678", "[telefoon]"),
        ("06 1234 5678", "[telefoon]"),
        ("0612345678", "[telefoon]"),
        ("+31 6 12345678", "[telefoon]"),
        ("0031 20 123 4567", "[telefoon]"),
        ("(020) 123 45 67", "[telefoon]"),
        ("+32 470 12 34 56", "[telefoon]"),
        ("info@praktijk.nl", "[e-mail]"),
        ("https://example.org/pad?x=1", "[adres]"),
        ("www.example.org", "[adres]"),
        ("1234 AB", "[adres]"),
        ("Dorpsstraat 5a", "[adres]"),
    ],
)
def test_numbers_and_addresses(number, placeholder):
    result = anonymise_text(f"Dat is {number} voor wie het zoekt.", Known())
    assert result.texts[0] == f"Dat is {placeholder} voor wie het zoekt."


def test_ages():
    result = anonymise_text("Mijn zoon is 12. Ik ben 34 jaar en hij een 12-jarige.", Known())
    assert result.texts[0] == "Mijn zoon is [leeftijd]. Ik ben [leeftijd] en hij een [leeftijd]."


def test_a_signature_line_is_a_name():
    result = anonymise_text("Dank je wel.\n\nLiefs,\nMarleen Hoekstra\n", Known())
    assert result.texts[0] == "Dank je wel.\n\nLiefs,\n[naam]\n"
