"""Worlds: the places a coachee can travel to, read from YAML into immutable objects.

A world file holds a title, a language, an introduction and its places; a place
has an id, a name, a teaser, an introduction, a symbol (an SVG in ``static/``),
a position on the map and 3 to 6 questions. ``load_world`` validates all of it
and raises ``DataFileError`` naming the file, the line and every problem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .yamlfile import Checker, DataFileError, Path_, read_yaml, subject_for

LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")
MIN_QUESTIONS = 3
MAX_QUESTIONS = 6
MAP_MIN, MAP_MAX = 0, 100


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    hint: str | None = None


@dataclass(frozen=True)
class Position:
    """Where a place lies on the map, as percentages of its width (x) and height (y)."""

    x: float
    y: float


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    teaser: str
    introduction: str
    symbol: str
    position: Position
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class World:
    title: str
    language: str
    introduction: str
    places: tuple[Place, ...]
    source: str = ""
    _by_id: Mapping[str, Place] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({p.id: p for p in self.places}))

    def place(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        return self._by_id.get(place_id)


def load_world(path: str | os.PathLike[str], *, static_dir: str | None = None) -> World:
    """Read and validate the world file at ``path``.

    With ``static_dir``, every place's symbol must exist as a file below it.
    Returns the World; raises DataFileError listing every problem found.
    """
    document = read_yaml(path)
    checker = Checker(document)
    world = _world(checker, document.data, static_dir)
    if checker.problems or world is None:
        raise DataFileError(checker.problems)
    return world


def _world(checker: Checker, data: Any, static_dir: str | None) -> World | None:
    fields = checker.mapping(
        data, (), "world", required=("title", "language", "introduction", "places")
    )
    if fields is None:
        return None
    title = checker.text(fields, "title", (), "world", one_line=True, max_length=120)
    language = checker.text(fields, "language", (), "world", one_line=True)
    if language and not LANGUAGE.match(language):
        checker.problem(("language",), f"world: language '{language}' is not a language code")
    introduction = checker.text(fields, "introduction", (), "world")
    raw_places = checker.items(fields, "places", (), "world", minimum=1, noun="place")
    places: list[Place] = []
    first_line: dict[str, int] = {}
    for index, raw in enumerate(raw_places):
        place = _place(checker, raw, ("places", index), index + 1, static_dir)
        if place is None:
            continue
        if place.id in first_line:
            message = f"duplicate place id '{place.id}' (first used on line {first_line[place.id]})"
            checker.problem(("places", index, "id"), message)
            continue
        first_line[place.id] = checker.document.line_of(("places", index, "id"))
        places.append(place)
    if checker.problems or title is None or language is None or introduction is None:
        return None
    return World(title, language, introduction, tuple(places), checker.document.name)


def _place(
    checker: Checker, raw: Any, path: Path_, number: int, static_dir: str | None
) -> Place | None:
    subject = subject_for(raw, "place", number)
    keys = ("id", "name", "teaser", "introduction", "symbol", "position", "questions")
    before = len(checker.problems)
    fields = checker.mapping(raw, path, subject, required=keys)
    if fields is None:
        return None
    place_id = checker.identifier(fields, path, subject)
    name = checker.text(fields, "name", path, subject, one_line=True, max_length=60)
    teaser = checker.text(fields, "teaser", path, subject, one_line=True, max_length=160)
    introduction = checker.text(fields, "introduction", path, subject)
    symbol = _symbol(checker, fields, path, subject, static_dir)
    position = _position(checker, fields, path, subject)
    questions = _questions(checker, fields, path, subject)
    if len(checker.problems) > before or None in (place_id, name, teaser, introduction, symbol):
        return None
    return Place(place_id, name, teaser, introduction, symbol, position, questions)


def _symbol(
    checker: Checker, fields: Mapping[str, Any], path: Path_, subject: str, static_dir: str | None
) -> str | None:
    symbol = checker.text(fields, "symbol", path, subject, one_line=True)
    if symbol is None:
        return None
    where = (*path, "symbol")
    parts = Path(symbol).parts
    if not symbol.endswith(".svg") or Path(symbol).is_absolute() or ".." in parts:
        checker.problem(where, f"{subject}: symbol '{symbol}' must be an .svg file inside static/")
        return None
    if static_dir is not None and not (Path(static_dir) / symbol).is_file():
        checker.problem(where, f"{subject}: symbol '{symbol}' does not exist in static/")
        return None
    return symbol


def _position(
    checker: Checker, fields: Mapping[str, Any], path: Path_, subject: str
) -> Position | None:
    if "position" not in fields:
        return None
    where = (*path, "position")
    raw = checker.mapping(fields["position"], where, f"{subject}: position", required=("x", "y"))
    if raw is None:
        return None
    coordinates = [
        checker.number(
            raw,
            axis,
            where,
            f"{subject}: position",
            minimum=MAP_MIN,
            maximum=MAP_MAX,
            off_range="is off the map",
        )
        for axis in ("x", "y")
    ]
    x, y = coordinates
    return None if x is None or y is None else Position(x, y)


def _questions(
    checker: Checker, fields: Mapping[str, Any], path: Path_, subject: str
) -> tuple[Question, ...]:
    raw_questions = checker.items(
        fields,
        "questions",
        path,
        subject,
        minimum=MIN_QUESTIONS,
        maximum=MAX_QUESTIONS,
        noun="question",
    )
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for index, raw in enumerate(raw_questions):
        where = (*path, "questions", index)
        q_subject = f"{subject}: question {index + 1}"
        q_fields = checker.mapping(
            raw, where, q_subject, required=("id", "text"), optional=("hint",)
        )
        if q_fields is None:
            continue
        question_id = checker.identifier(q_fields, where, q_subject)
        text = checker.text(q_fields, "text", where, q_subject, max_length=600)
        hint = checker.text(q_fields, "hint", where, q_subject, required=False, max_length=300)
        if question_id is None or text is None:
            continue
        if question_id in first_line:
            message = (
                f"{q_subject}: duplicate question id '{question_id}' "
                f"(first used on line {first_line[question_id]})"
            )
            checker.problem((*where, "id"), message)
            continue
        first_line[question_id] = checker.document.line_of((*where, "id"))
        questions.append(Question(question_id, text, hint))
    return tuple(questions)
