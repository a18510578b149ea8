"""The harvest letter: when a trajectory closes, the coach's closing letter.

Its draft gathers the coachee's own sentences that the coach named positively in earlier
feedback, the places of the route with the mood and progress given there, and the goal;
the coach edits it in the default frame and sends it, which closes the trajectory.

The letter is a ``Letter`` of kind ``harvest`` from the coach; its sections live in a
``Feedback`` in the frame while it is a draft (so the second reader can read along).
Sending writes the sections, as one text, into the letter's body and removes the
draft's sections: from then on the dossier, the letters list and every export read it
like any letter from the coach, titled as the closing letter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import inbox, notices, progress, second_reader, visits
from .extensions import db
from .frames import Frame
from .models import Feedback, Letter, LetterKind, NoticeKind, User, Visit
from .worlds import World

MAX_PASSAGES = 8  # the draft quotes at most this many sentences
# A quotation in the coach's words: between double or single quotation marks.
QUOTATION = re.compile(r"[\"“„«]([^\"“”„«»]{8,400})[\"”»]|[‘'‚]([^‘’'‚]{8,400})[’']")
WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class Passage:
    """A sentence the coachee wrote that the coach named positively, and when."""

    text: str
    at: datetime


@dataclass(frozen=True)
class RouteStop:
    """A place of the route, with the mood and progress given with its letter."""

    place: str
    at: datetime
    mood: int | None
    progress: int | None


def open_draft(coachee: User) -> Letter | None:
    """The coachee's harvest letter still being written, if any."""
    query = select(Letter).where(
        Letter.coachee_id == coachee.id,
        Letter.kind == LetterKind.HARVEST,
        Letter.sent_at.is_(None),
    )
    return db.session.scalar(query)


def start(coach: User, coachee: User, world: World, frame: Frame, now: datetime) -> Letter:
    """The harvest letter draft of this coachee: the open one, or a new one in ``frame``
    filled with a first draft (``draft_texts``)."""
    letter = open_draft(coachee)
    if letter is not None:
        return letter
    letter = Letter(
        coachee=coachee,
        coach=coach,
        kind=LetterKind.HARVEST,
        from_coach=True,
        created_at=now,
        note="",
    )
    db.session.add(letter)
    feedback = inbox.feedback_draft(letter, coach, frame, now)
    for key, text in draft_texts(coachee, coach, world, frame).items():
        inbox.save_feedback_part(feedback, key, text, now)
    db.session.flush()
    return letter


def discard_draft(coachee: User) -> None:
    """Remove the harvest letter still being written (when the coach closes without)."""
    letter = open_draft(coachee)
    if letter is not None:
        if letter.feedback is not None:
            db.session.delete(letter.feedback)
        db.session.delete(letter)
        db.session.flush()


def texts_of(letter: Letter) -> dict[str, str]:
    """The draft's sections by key (``s-<section id>``)."""
    return {part.key: part.text for part in letter.feedback.parts} if letter.feedback else {}


def send(letter: Letter, texts: Mapping[str, str], frame: Frame, now: datetime) -> None:
    """Send the harvest letter and close the trajectory; the coachee is told. The caller
    has checked the texts (``problems``)."""
    feedback: Feedback = letter.feedback
    for key, text in texts.items():
        inbox.save_feedback_part(feedback, key, text, now)
    keys = [f"s-{section.id}" for section in frame.sections]
    letter.body = "\n\n".join(texts[key].strip() for key in keys if texts.get(key, "").strip())
    letter.sent_at = now
    db.session.delete(feedback)  # the body holds the letter now
    inbox.close_trajectory(letter.coachee, now)
    notices.record(letter.coachee, NoticeKind.COACH_LETTER_ARRIVED, now, letter=letter)
    db.session.flush()


def problems(texts: Mapping[str, str], frame: Frame, limit: int) -> dict[str, str]:
    """Why these sections cannot be sent, by key: ``too_long`` or ``missing`` (a required
    section left empty); {} when they can."""
    found = {key: "too_long" for key, text in texts.items() if len(text) > limit}
    for section in frame.sections:
        key = f"s-{section.id}"
        if section.required and not texts.get(key, "").strip():
            found.setdefault(key, "missing")
    return found


def second_reading(
    frame: Frame, texts: Mapping[str, str], passages: list[Passage]
) -> list[second_reader.Finding]:
    """The second reader's findings on the draft, read against the coachee's sentences it
    gathered ([] before any text)."""
    reading = frame.reading_text(texts)
    own = "\n".join(passage.text for passage in passages) or None
    return second_reader.review(reading, own) if reading else []


# The draft


def draft_texts(coachee: User, coach: User, world: World, frame: Frame) -> dict[str, str]:
    """A first draft per section of ``frame``: the opening names the coachee's own
    sentences the coach praised, the first section after it walks the route with mood
    and progress, a question invites looking back, the closing looks ahead."""
    passages, stops = named_passages(coachee), route_of(coachee, world)
    positive = [s for s in frame.sections if s.positive]
    middle = [s for s in frame.sections if not s.positive]
    opening = positive[0] if positive else None
    closing = positive[-1] if len(positive) > 1 else None
    texts = {f"s-{section.id}": "" for section in frame.sections}
    if opening:
        texts[f"s-{opening.id}"] = _opening(coachee, passages)
    if middle:
        texts[f"s-{middle[0].id}"] = _route_text(stops, coachee.goal)
    if len(middle) > 1:
        texts[f"s-{middle[1].id}"] = _(
            "Als je nu terugkijkt op je reis: wat neem je mee, en wat laat je achter?"
        )
    if closing:
        texts[f"s-{closing.id}"] = _closing(coach)
    return texts


def _opening(coachee: User, passages: list[Passage]) -> str:
    lines = [
        _("Beste %(name)s,", name=coachee.pseudonym),
        "",
        _(
            "Je traject loopt af. Ik kijk graag met je terug op wat je schreef, en vooral "
            "op wat je daarin liet zien."
        ),
    ]
    if passages:
        lines += ["", _("Deze zinnen van jou zijn me bijgebleven:")]
        lines += [f"- ‘{passage.text}’" for passage in passages]
    return "\n".join(lines)


def _route_text(stops: list[RouteStop], goal: str | None) -> str:
    lines = []
    if goal:
        lines += [_("Je begon met dit doel: ‘%(goal)s’.", goal=goal.strip()), ""]
    if stops:
        lines.append(_("Je reis ging langs deze plekken:"))
        for stop in stops:
            said = progress.measured(stop.mood, stop.progress)
            lines.append(f"- {stop.place}" + (f" ({said})" if said else ""))
    return "\n".join(lines)


def _closing(coach: User) -> str:
    return "\n".join(
        [
            _(
                "Ik heb met veel plezier met je meegelezen. Je hebt laten zien dat je durft "
                "te kijken, en dat neem je mee. Ik wens je het goede op je verdere reis."
            ),
            "",
            _("Hartelijke groet,"),
            coach.pseudonym,
        ]
    )


def route_of(coachee: User, world: World) -> list[RouteStop]:
    """The places of the route in the order of writing, each with the mood and progress
    of its letter (None for a place not sent from)."""
    stops = []
    for visit in visits.route(coachee):
        place = world.place(visit.place_id)
        letter = visit.letter
        stops.append(
            RouteStop(
                place.name if place else visit.place_id,
                visit.written_at,
                letter.mood if letter else None,
                letter.progress if letter else None,
            )
        )
    return stops


def named_passages(coachee: User) -> list[Passage]:
    """The coachee's sentences the coach named positively in sent feedback, oldest first:
    the sentence a positive comment beside an answer quotes or echoes, and sentences a
    positive section of the feedback quotes."""
    query = (
        select(Letter)
        .join(Feedback, Feedback.letter_id == Letter.id)
        .where(
            Letter.coachee_id == coachee.id,
            Letter.from_coach.is_(False),
            Feedback.sent_at.is_not(None),
        )
        .options(
            selectinload(Letter.feedback).selectinload(Feedback.parts),
            selectinload(Letter.visit).selectinload(Visit.answers),
        )
        .order_by(Letter.sent_at, Letter.id)
    )
    found: list[Passage] = []
    for letter in db.session.scalars(query):
        answers = {a.question_id: a.text for a in letter.visit.answers} if letter.visit else {}
        own = "\n\n".join([*answers.values(), letter.body or ""])
        for part in letter.feedback.parts:
            praise = " ".join(second_reader.positive_sentences(part.text))
            if not praise:
                continue
            if part.key.startswith("c-"):
                source = answers.get(part.key.removeprefix("c-"), "")
                sentence = _quoted(praise, source) or _echoed(praise, source)
            else:
                sentence = _quoted(praise, own)
            if sentence and all(p.text != sentence for p in found):
                found.append(Passage(sentence, letter.sent_at))
    return found[:MAX_PASSAGES]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _quoted(praise: str, source: str) -> str | None:
    """The sentence of ``source`` holding words the praise quotes, if any."""
    for match in QUOTATION.finditer(praise):
        quote = _normal(match.group(1) or match.group(2))
        if not quote:
            continue
        for sentence in second_reader.sentences(source):
            if quote in _normal(sentence):
                return sentence
    return None


def _echoed(praise: str, source: str) -> str | None:
    """The sentence of ``source`` that shares the most longer words with the praise (at
    least two), if any."""
    words = {w.casefold() for w in WORD.findall(praise)}
    best, best_count = None, 1
    for sentence in second_reader.sentences(source):
        shared = len(words & {w.casefold() for w in WORD.findall(sentence)})
        if shared > best_count:
            best, best_count = sentence, shared
    return best
