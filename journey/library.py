"""The library: short texts to read between letters (psycho-education), beside the world.

A world's library is the folder ``library/`` beside its world file: one Markdown file
per text, opened by a YAML header between two ``---`` lines::

    ---
    id: piekeren
    title: Piekeren
    summary: Waarom gedachten blijven malen, en wat je kunt doen.
    places: [onzekerheid, stille-vijver]
    minutes: 4
    ---
    De tekst, in Markdown. Een link naar [een plek](place:onzekerheid) of naar
    [een andere tekst](text:rust-nemen).

``load_library`` checks every file like a world (``file:line: problem``) and renders
each body to HTML once, sanitised with nh3: no script, no event handler, no style.
Links to places and texts become addresses relative to the text's own page
(``/library/<id>``), so this module needs no request to build them.

Reads are kept per coachee (``LibraryRead``): the first and the last time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import LibraryRead, User
from .worlds import World
from .yamlfile import (
    Checker,
    DataFileError,
    Problem,
    display_name,
    parse_yaml,
    read_text,
)

FOLDER = "library"  # beside the world file
HEADER_LINE = "---"
KEYS = ("id", "title", "summary", "places", "minutes")
MAX_MINUTES = 60
# The links a text may hold to Journey itself; any other scheme is an ordinary link.
JOURNEY_LINK = re.compile(r"^(place|text):(.*)$")
TAGS = {
    "p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "hr",
}  # fmt: skip


@dataclass(frozen=True)
class LibraryText:
    id: str
    title: str
    summary: str
    places: tuple[str, ...]
    minutes: int
    html: Markup
    source: str = ""


@dataclass(frozen=True)
class Library:
    texts: tuple[LibraryText, ...] = ()  # by title
    _by_id: Any = field(init=False, repr=False, compare=False)
    _by_place: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({t.id: t for t in self.texts}))
        by_place: dict[str, list[LibraryText]] = {}
        for text in self.texts:
            for place_id in text.places:
                by_place.setdefault(place_id, []).append(text)
        object.__setattr__(
            self, "_by_place", MappingProxyType({k: tuple(v) for k, v in by_place.items()})
        )

    def text(self, text_id: str) -> LibraryText | None:
        """The text with this id, or None."""
        return self._by_id.get(text_id)

    def for_place(self, place_id: str) -> tuple[LibraryText, ...]:
        """The texts that belong to this place, by title."""
        return self._by_place.get(place_id, ())


def folder_of(world_path: str | os.PathLike[str]) -> Path:
    """Where the library of the world file at ``world_path`` lives."""
    return Path(world_path).resolve().parent / FOLDER


def load_library(folder: str | os.PathLike[str], world: World) -> Library:
    """Read and check every ``*.md`` file in ``folder`` against ``world``.

    No folder is an empty library. Raises DataFileError listing every problem."""
    paths = sorted(Path(folder).glob("*.md")) if Path(folder).is_dir() else []
    return load_texts(paths, world)


def load_texts(paths: list[Path], world: World) -> Library:
    """The library of these files (which link to each other); DataFileError on problems."""
    problems: list[Problem] = []
    parsed: list[_Draft] = []
    first: dict[str, str] = {}
    for path in paths:
        try:
            draft = _read(path, world)
        except DataFileError as error:
            problems.extend(error.problems)
            continue
        if draft.id in first:
            where = f"first in {first[draft.id]}"
            problems.append(
                Problem(draft.source, draft.id_line, f"duplicate id '{draft.id}' ({where})")
            )
            continue
        first[draft.id] = draft.source
        parsed.append(draft)
    texts = []
    for draft in parsed:
        html, link_problems = _render(draft, world, set(first))
        problems.extend(link_problems)
        texts.append(
            LibraryText(
                draft.id,
                draft.title,
                draft.summary,
                draft.places,
                draft.minutes,
                html,
                draft.source,
            )
        )
    if problems:
        raise DataFileError(problems)
    return Library(tuple(sorted(texts, key=lambda t: t.title.casefold())))


@dataclass
class _Draft:
    source: str
    id: str
    id_line: int
    title: str
    summary: str
    places: tuple[str, ...]
    minutes: int
    body: str
    body_line: int  # the line of the file the body starts on


def _read(path: Path, world: World) -> _Draft:
    name = display_name(path)
    text = read_text(path)
    lines = text.split("\n")
    if not lines or lines[0].strip() != HEADER_LINE:
        message = "a library text starts with a header between two '---' lines (id, title, …)"
        raise DataFileError([Problem(name, 1, message)])
    end = next((n for n in range(1, len(lines)) if lines[n].strip() == HEADER_LINE), None)
    if end is None:
        message = "the header that starts here has no closing '---' line"
        raise DataFileError([Problem(name, 1, message)])
    document = parse_yaml("\n".join(lines[1:end]), name, first_line=2)
    checker = Checker(document)
    fields = checker.mapping(document.data, (), "text", required=KEYS)
    if fields is None:
        raise DataFileError(checker.problems)
    text_id = checker.identifier(fields, (), "text")
    title = checker.text(fields, "title", (), "text", one_line=True, max_length=120)
    summary = checker.text(fields, "summary", (), "text", max_length=400)
    places = _places(checker, fields, world)
    minutes = _minutes(checker, fields)
    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        checker.problems.append(Problem(name, end + 1, "the text has no body after its header"))
    if checker.problems or None in (text_id, title, summary, minutes):
        raise DataFileError(checker.problems)
    id_line = document.line_of(("id",))
    return _Draft(name, text_id, id_line, title, summary, places, minutes, body, end + 2)


def _places(checker: Checker, fields: dict, world: World) -> tuple[str, ...]:
    raw = checker.items(fields, "places", (), "text", minimum=1, noun="place")
    places: list[str] = []
    for index, place_id in enumerate(raw):
        where = ("places", index)
        if not isinstance(place_id, str) or world.place(place_id) is None:
            known = ", ".join(p.id for p in world.places)
            checker.problem(where, f"text: unknown place '{place_id}'; the world has: {known}")
        elif place_id not in places:
            places.append(place_id)
    return tuple(places)


def _minutes(checker: Checker, fields: dict) -> int | None:
    value = checker.number(
        fields, "minutes", (), "text", minimum=1, maximum=MAX_MINUTES, off_range="is out of range"
    )
    if value is None:
        return None
    if value != int(value):
        checker.problem(("minutes",), "text: minutes must be a whole number")
        return None
    return int(value)


_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False})


def _render(draft: _Draft, world: World, text_ids: set[str]) -> tuple[Markup, list[Problem]]:
    """The body as sanitised HTML, with Journey's links resolved; and every broken link."""
    problems: list[Problem] = []
    tokens = _markdown.parse(draft.body)
    for block in tokens:
        for token in block.children or ():
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            found = JOURNEY_LINK.match(href)
            if not found:
                continue
            kind, target = found.groups()
            line = draft.body_line + (block.map[0] if block.map else 0)
            if kind == "place" and world.place(target) is None:
                problems.append(Problem(draft.source, line, f"link to unknown place '{target}'"))
            elif kind == "text" and target not in text_ids:
                problems.append(Problem(draft.source, line, f"link to unknown text '{target}'"))
            # relative to the text's own page /library/<id>
            token.attrSet("href", f"../places/{target}" if kind == "place" else target)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    clean = nh3.clean(html, tags=TAGS, attributes={"a": {"href", "title"}})
    return Markup(clean), problems  # noqa: S704  # nosec B704: nh3 sanitised it just above


def record_read(coachee: User, text_id: str, now: datetime) -> LibraryRead:
    """Note that the coachee read this text now (the first time, or once more)."""
    read = db.session.scalar(
        select(LibraryRead).where(
            LibraryRead.coachee_id == coachee.id, LibraryRead.text_id == text_id
        )
    )
    if read is None:
        read = LibraryRead(
            coachee_id=coachee.id, text_id=text_id, first_read_at=now, last_read_at=now
        )
        try:
            with db.session.begin_nested():
                db.session.add(read)
        except IntegrityError:  # the same coachee, reading in two tabs at once
            return record_read(coachee, text_id, now)
    else:
        read.last_read_at = now
    db.session.flush()
    return read


def reads_of(coachee: User) -> dict[str, LibraryRead]:
    """The coachee's reads by text id."""
    rows = db.session.scalars(select(LibraryRead).where(LibraryRead.coachee_id == coachee.id))
    return {read.text_id: read for read in rows}
