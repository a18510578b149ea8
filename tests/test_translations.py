"""The English catalogue is complete: every UI string in the code has an English translation.

The messages are extracted from the code with Babel's own extraction and the mapping of
``babel.cfg`` (as ``pybabel extract -F babel.cfg`` does), so a new ``_()`` without an
English ``msgstr`` fails here, listed by its Dutch text. How to add one: README, "For
developers".
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from journey.locales import LOCALES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "journey" / "translations"
TRANSLATED = [name for name in LOCALES if name != "nl"]  # Dutch is the message ids' language
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


def extracted() -> dict[str | tuple[str, ...], list[str]]:
    """Every message id in the code (a plural: its tuple), with where it was found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename="babel.cfg")
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def catalogue(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def placeholders(text: str) -> set[str]:
    return {named or braced for named, braced in PLACEHOLDER.findall(text)}


@pytest.fixture(scope="module")
def messages():
    return extracted()


def test_the_code_has_messages(messages):
    """The extraction sees the code (a wrong path or mapping would find nothing)."""
    assert len(messages) > 500
    assert "Wachtwoord" in messages  # a template
    assert "Taal van Journey" in messages  # lazy_gettext (_l) in forms.py


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(messages, locale):
    translated = catalogue(locale)
    missing = []
    for message_id, places in messages.items():
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        entry = translated.get(key)
        strings = entry and (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not all(strings):
            why = "fuzzy" if entry is not None and entry.fuzzy else "no translation"
            missing.append(f"{key!r} ({why}; {places[0]})")
    assert not missing, f"{len(missing)} message(s) without {locale} translation:\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize("locale", TRANSLATED)
def test_plurals_are_translated_as_plurals(messages, locale):
    translated = catalogue(locale)
    wrong = []
    for message_id in messages:
        if isinstance(message_id, tuple):
            entry = translated.get(message_id[0])
            if entry is not None and not isinstance(entry.string, tuple):
                wrong.append(message_id[0])
    assert not wrong


@pytest.mark.parametrize("locale", TRANSLATED)
def test_placeholders_match(locale):
    """A translation names the same %(name)s and {name} values as its Dutch text."""
    wrong = []
    for entry in catalogue(locale):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(placeholders(text) for text in ids))
        for text in strings:
            if text and placeholders(text) - wanted:
                wrong.append(f"{ids[0]!r} -> {text!r}")
        # Every form of a plural may leave %(num)d out (English "a minute"), no other name.
        if strings[0] and not isinstance(entry.id, tuple) and placeholders(strings[0]) != wanted:
            wrong.append(f"{ids[0]!r} -> {strings[0]!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_catalogue_compiles(locale):
    translated = catalogue(locale)
    problems = [
        f"{message.id!r}: {error}" for message, errors in translated.check() for error in errors
    ]
    assert not problems
    compiled = io.BytesIO()
    write_mo(compiled, translated)
    assert compiled.getvalue()


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_compiled_catalogue_is_current(locale):
    """The app reads the .mo that `make install` (and `make run`, `make test`) compile."""
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    mo = folder / "messages.mo"
    assert mo.exists(), f"run `pybabel compile -d journey/translations` (or make install): {mo}"
    assert mo.stat().st_mtime >= (folder / "messages.po").stat().st_mtime, (
        f"{mo} is older than its .po: run `pybabel compile -d journey/translations`"
    )


def test_no_catalogue_entry_is_obsolete(messages):
    """Entries for texts the code no longer has are taken out (``pybabel update``)."""
    for locale in TRANSLATED:
        keys = {m[0] if isinstance(m, tuple) else m for m in messages}
        stale = [entry.id for entry in catalogue(locale) if entry.id and _key(entry.id) not in keys]
        assert not stale, f"{locale}: no longer in the code: {stale}"


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id
