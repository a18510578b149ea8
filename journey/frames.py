"""Feedback frames: the ordered sections a coach writes an answer in, read from YAML.

A frames file holds one or more frames; each frame has an id, a name, a
description and 2 to 10 sections. A section has an id, a title, guidance for
the coach, whether it is positive naming, and whether it is required. Every
frame begins and ends with positive naming (the circle of the PASSIE model).
The first frame in the file is the default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .yamlfile import Checker, DataFileError, Path_, read_yaml, subject_for

MIN_SECTIONS, MAX_SECTIONS = 2, 10


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    guidance: str
    positive: bool
    required: bool = True


@dataclass(frozen=True)
class Frame:
    id: str
    name: str
    description: str
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section | None:
        """The section with this id, or None."""
        return next((s for s in self.sections if s.id == section_id), None)

    def reading_text(self, texts: Mapping[str, str]) -> str:
        """A feedback as one text, as the second reader reads it: the sections (``s-<id>``)
        in frame order, with the comments on answers (``c-...``) before the closing one."""
        sections = [texts.get(f"s-{section.id}", "") for section in self.sections]
        comments = [text for key, text in texts.items() if key.startswith("c-")]
        pieces = [*sections[:-1], *comments, *sections[-1:]]
        return "\n\n".join(piece.strip() for piece in pieces if piece.strip())


@dataclass(frozen=True)
class FrameSet:
    frames: tuple[Frame, ...]
    source: str = ""

    @property
    def default(self) -> Frame:
        return self.frames[0]

    def frame(self, frame_id: str) -> Frame | None:
        """The frame with this id, or None."""
        return next((f for f in self.frames if f.id == frame_id), None)


def load_frames(path: str | os.PathLike[str]) -> FrameSet:
    """Read and validate the frames file at ``path``; raises DataFileError with every problem."""
    document = read_yaml(path)
    checker = Checker(document)
    frames = _frames(checker, document.data)
    if checker.problems or not frames:
        raise DataFileError(checker.problems)
    return FrameSet(tuple(frames), document.name)


def _frames(checker: Checker, data: Any) -> list[Frame]:
    fields = checker.mapping(data, (), "frames file", required=("frames",))
    if fields is None:
        return []
    raw_frames = checker.items(fields, "frames", (), "frames file", minimum=1, noun="frame")
    frames: list[Frame] = []
    for index, raw in enumerate(raw_frames):
        frame = _frame(checker, raw, ("frames", index), index + 1)
        if frame is None:
            continue
        if any(f.id == frame.id for f in frames):
            checker.problem(("frames", index, "id"), f"duplicate frame id '{frame.id}'")
            continue
        frames.append(frame)
    return frames


def _frame(checker: Checker, raw: Any, path: Path_, number: int) -> Frame | None:
    subject = subject_for(raw, "frame", number)
    before = len(checker.problems)
    fields = checker.mapping(raw, path, subject, required=("id", "name", "description", "sections"))
    if fields is None:
        return None
    frame_id = checker.identifier(fields, path, subject)
    name = checker.text(fields, "name", path, subject, one_line=True, max_length=80)
    description = checker.text(fields, "description", path, subject)
    limits = {"minimum": MIN_SECTIONS, "maximum": MAX_SECTIONS}
    raw_sections = checker.items(fields, "sections", path, subject, noun="section", **limits)
    sections = _sections(checker, raw_sections, (*path, "sections"), subject)
    if len(checker.problems) > before or None in (frame_id, name, description):
        return None
    return Frame(frame_id, name, description, tuple(sections))


def _sections(checker: Checker, raw_sections: list, path: Path_, frame: str) -> list[Section]:
    sections: list[Section] = []
    for index, raw in enumerate(raw_sections):
        section = _section(checker, raw, (*path, index), f"{frame}: section {index + 1}")
        if section is None:
            continue
        if any(s.id == section.id for s in sections):
            message = f"{frame}: duplicate section id '{section.id}'"
            checker.problem((*path, index, "id"), message)
            continue
        sections.append(section)
    if len(sections) == len(raw_sections) and sections:
        for position, section, where in ((0, sections[0], "begin"), (-1, sections[-1], "end")):
            if not section.positive:
                index = position % len(sections)
                message = (
                    f"{frame}: a frame must {where} with positive naming; "
                    f"section '{section.id}' needs positive: true"
                )
                checker.problem((*path, index), message)
    return sections


def _section(checker: Checker, raw: Any, path: Path_, subject: str) -> Section | None:
    keys = ("id", "title", "guidance", "positive")
    fields = checker.mapping(raw, path, subject, required=keys, optional=("required",))
    if fields is None:
        return None
    section_id = checker.identifier(fields, path, subject)
    title = checker.text(fields, "title", path, subject, one_line=True, max_length=80)
    guidance = checker.text(fields, "guidance", path, subject)
    positive = _flag(checker, fields, "positive", path, subject, default=False)
    required = _flag(checker, fields, "required", path, subject, default=True)
    if None in (section_id, title, guidance, positive, required):
        return None
    return Section(section_id, title, guidance, positive, required)


def _flag(
    checker: Checker, fields: Mapping[str, Any], key: str, path: Path_, subject: str, default: bool
) -> bool | None:
    value = fields.get(key, default)
    if not isinstance(value, bool):
        checker.problem((*path, key), f"{subject}: {key} must be true or false, not {value!r}")
        return None
    return value
