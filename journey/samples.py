"""Sample journeys: fictional coachees whose letters trainee coaches practise on.

Each file in ``worlds/samples/`` holds one sample (a *case*): a short profile of
the fictional coachee, the letters they sent (the last one is the letter the
trainee answers; earlier ones are context, optionally with the answer they got),
an exemplar answer in the feedback frame, and teaching notes. ``load_samples``
validates them with the same rules and messages as worlds: every problem names
the file, the line and what is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .frames import Frame
from .yamlfile import Checker, DataFileError, Path_, Problem, read_yaml

DIFFICULTIES = (1, 2, 3)
MAX_LETTERS, MAX_ANSWERS = 4, 6
MOOD_MIN, MOOD_MAX = 1, 10


@dataclass(frozen=True)
class SampleAnswer:
    question: str
    text: str


@dataclass(frozen=True)
class SampleLetter:
    place: str
    answers: tuple[SampleAnswer, ...]
    mood: int | None = None
    note: str = ""
    feedback: str = ""  # the answer an earlier coach gave (earlier letters only)


@dataclass(frozen=True)
class ExemplarPart:
    section: str  # a section id of the feedback frame
    text: str


@dataclass(frozen=True)
class Sample:
    id: str
    title: str
    coachee: str
    theme: str
    difficulty: int
    profile: str
    letters: tuple[SampleLetter, ...]
    exemplar: tuple[ExemplarPart, ...]
    teaching_notes: str
    source: str = ""

    @property
    def letter(self) -> SampleLetter:
        """The letter the trainee answers: the last one."""
        return self.letters[-1]

    @property
    def earlier_letters(self) -> tuple[SampleLetter, ...]:
        return self.letters[:-1]

    def coachee_text(self) -> str:
        """Everything the coachee wrote in the letter to answer, as one text."""
        texts = [answer.text for answer in self.letter.answers]
        return "\n\n".join([*texts, self.letter.note] if self.letter.note else texts)

    def exemplar_text(self, section_id: str) -> str:
        return next((p.text for p in self.exemplar if p.section == section_id), "")


@dataclass(frozen=True)
class SampleSet:
    samples: tuple[Sample, ...]
    _by_id: Mapping[str, Sample] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({s.id: s for s in self.samples}))

    def sample(self, sample_id: str) -> Sample | None:
        """The sample with this id, or None."""
        return self._by_id.get(sample_id)

    def __iter__(self):
        return iter(self.samples)

    def __len__(self) -> int:
        return len(self.samples)


def sample_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The sample files in ``folder`` (``*.yaml`` and ``*.yml``), sorted; [] when it is absent."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_samples(paths: Iterable[str | os.PathLike[str]], frame: Frame | None = None) -> SampleSet:
    """Read and validate every sample file; raises DataFileError listing every problem.

    With ``frame``, the exemplar's sections must be sections of that frame, in its order,
    with every required section present. Samples are ordered by difficulty, then title.
    """
    samples: list[Sample] = []
    problems: list[Problem] = []
    first_file: dict[str, str] = {}
    for path in paths:
        try:
            sample = load_sample(path, frame)
        except DataFileError as error:
            problems.extend(error.problems)
            continue
        if sample.id in first_file:
            message = f"duplicate sample id '{sample.id}' (also in {first_file[sample.id]})"
            problems.append(Problem(sample.source, 2, message))
            continue
        first_file[sample.id] = sample.source
        samples.append(sample)
    if problems:
        raise DataFileError(problems)
    return SampleSet(tuple(sorted(samples, key=lambda s: (s.difficulty, s.title.casefold()))))


def load_sample(path: str | os.PathLike[str], frame: Frame | None = None) -> Sample:
    """Read and validate one sample file; raises DataFileError with every problem."""
    document = read_yaml(path)
    checker = Checker(document)
    sample = _sample(checker, document.data, frame)
    if checker.problems or sample is None:
        raise DataFileError(sorted(checker.problems, key=lambda problem: problem.line))
    return sample


def _sample(checker: Checker, data: Any, frame: Frame | None) -> Sample | None:
    top = checker.mapping(data, (), "sample file", required=("sample",))
    if top is None or "sample" not in top:
        return None
    path: Path_ = ("sample",)
    keys = (
        "id",
        "title",
        "coachee",
        "theme",
        "difficulty",
        "profile",
        "letters",
        "exemplar",
        "teaching_notes",
    )
    fields = checker.mapping(top["sample"], path, "sample", required=keys)
    if fields is None:
        return None
    sample_id = checker.identifier(fields, path, "sample")
    subject = f"sample '{sample_id}'" if sample_id else "sample"
    title = checker.text(fields, "title", path, subject, one_line=True, max_length=80)
    coachee = checker.text(fields, "coachee", path, subject, one_line=True, max_length=40)
    theme = checker.text(fields, "theme", path, subject, one_line=True, max_length=40)
    difficulty = _difficulty(checker, fields, path, subject)
    profile = checker.text(fields, "profile", path, subject, max_length=2_000)
    letters = _letters(checker, fields, path, subject)
    exemplar = _exemplar(checker, fields, path, subject, frame)
    notes = checker.text(fields, "teaching_notes", path, subject, max_length=6_000)
    values = (sample_id, title, coachee, theme, difficulty, profile, notes)
    if checker.problems or None in values or not letters or not exemplar:
        return None
    return Sample(
        sample_id,
        title,
        coachee,
        theme,
        difficulty,
        profile,
        letters,
        exemplar,
        notes,
        checker.document.name,
    )


def _difficulty(checker: Checker, fields: Mapping[str, Any], path: Path_, subject: str):
    if "difficulty" not in fields:
        return None
    value = fields["difficulty"]
    if isinstance(value, bool) or value not in DIFFICULTIES:
        message = (
            f"{subject}: difficulty must be 1 (basis), 2 (gevorderd) or 3 (lastig), not {value!r}"
        )
        checker.problem((*path, "difficulty"), message)
        return None
    return int(value)


def _letters(
    checker: Checker, fields: Mapping[str, Any], path: Path_, subject: str
) -> tuple[SampleLetter, ...]:
    raw_letters = checker.items(
        fields, "letters", path, subject, minimum=1, maximum=MAX_LETTERS, noun="letter"
    )
    letters = []
    for index, raw in enumerate(raw_letters):
        last = index == len(raw_letters) - 1
        letter = _letter(
            checker, raw, (*path, "letters", index), f"{subject}: letter {index + 1}", last
        )
        if letter is not None:
            letters.append(letter)
    return tuple(letters) if len(letters) == len(raw_letters) else ()


def _letter(
    checker: Checker, raw: Any, path: Path_, subject: str, last: bool
) -> SampleLetter | None:
    optional = ("mood", "note", "feedback")
    fields = checker.mapping(raw, path, subject, required=("place", "answers"), optional=optional)
    if fields is None:
        return None
    if last and "feedback" in fields:
        message = (
            f"{subject}: the last letter is the one the trainee answers; "
            "it cannot have feedback (put the model answer under exemplar)"
        )
        checker.problem((*path, "feedback"), message, key=True)
    before = len(checker.problems)
    place = checker.text(fields, "place", path, subject, one_line=True, max_length=60)
    mood = None
    if "mood" in fields:
        value = fields["mood"]
        if isinstance(value, bool) or not isinstance(value, int):
            kind = "a whole number" if isinstance(value, float) else "a number"
            checker.problem((*path, "mood"), f"{subject}: mood must be {kind} from 1 to 10")
        elif not MOOD_MIN <= value <= MOOD_MAX:
            checker.problem((*path, "mood"), f"{subject}: mood {value} is not between 1 and 10")
        else:
            mood = value
    note = checker.text(fields, "note", path, subject, required=False, max_length=4_000)
    feedback = checker.text(fields, "feedback", path, subject, required=False, max_length=20_000)
    raw_answers = checker.items(
        fields, "answers", path, subject, minimum=1, maximum=MAX_ANSWERS, noun="answer"
    )
    answers = []
    for index, raw_answer in enumerate(raw_answers):
        where = (*path, "answers", index)
        a_subject = f"{subject}: answer {index + 1}"
        a_fields = checker.mapping(raw_answer, where, a_subject, required=("question", "text"))
        if a_fields is None:
            continue
        question = checker.text(a_fields, "question", where, a_subject, max_length=600)
        text = checker.text(a_fields, "text", where, a_subject, max_length=20_000)
        if question is not None and text is not None:
            answers.append(SampleAnswer(question, text))
    if len(checker.problems) > before or place is None or not answers:
        return None
    return SampleLetter(place, tuple(answers), mood, note or "", feedback or "")


def _exemplar(
    checker: Checker, fields: Mapping[str, Any], path: Path_, subject: str, frame: Frame | None
) -> tuple[ExemplarPart, ...]:
    where = (*path, "exemplar")
    raw_parts = checker.items(fields, "exemplar", path, subject, minimum=1, noun="exemplar part")
    parts: list[ExemplarPart] = []
    before = len(checker.problems)
    for index, raw in enumerate(raw_parts):
        p_path, p_subject = (*where, index), f"{subject}: exemplar part {index + 1}"
        p_fields = checker.mapping(raw, p_path, p_subject, required=("section", "text"))
        if p_fields is None:
            continue
        section = checker.text(p_fields, "section", p_path, p_subject, one_line=True)
        text = checker.text(p_fields, "text", p_path, p_subject, max_length=20_000)
        if section is None or text is None:
            continue
        if any(p.section == section for p in parts):
            checker.problem((*p_path, "section"), f"{p_subject}: section '{section}' appears twice")
            continue
        parts.append(ExemplarPart(section, text))
    if frame is not None and len(checker.problems) == before and parts:
        _match_frame(checker, parts, where, subject, frame)
    return tuple(parts) if len(checker.problems) == before else ()


def _match_frame(
    checker: Checker, parts: list[ExemplarPart], where: Path_, subject: str, frame: Frame
) -> None:
    """The exemplar is written in ``frame``: known sections, in frame order, none missing."""
    order = [s.id for s in frame.sections]
    known = ", ".join(order)
    for index, part in enumerate(parts):
        if part.section not in order:
            message = (
                f"{subject}: exemplar section '{part.section}' is not a section of the frame "
                f"'{frame.id}'; its sections are: {known}"
            )
            checker.problem((*where, index, "section"), message)
    written = [p.section for p in parts if p.section in order]
    if written != sorted(written, key=order.index):
        checker.problem(
            where, f"{subject}: exemplar sections must follow the frame's order: {known}"
        )
    for section in frame.sections:
        if section.required and section.id not in written:
            message = f"{subject}: the exemplar has no section '{section.id}' ({section.title})"
            checker.problem(where, message)
