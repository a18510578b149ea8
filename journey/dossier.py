"""The dossier: everything kept of a coachee's trajectory, as plain immutable values.

``build_dossier`` reads what was *sent* (never a draft): the route of visits,
the letters both ways, the coach's comments and feedback. The result can be
written as JSON (and read back exactly), or as a readable Markdown document.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import chats, progress, reactions, visits
from .extensions import db
from .frames import Frame, FrameSet
from .models import Answer as AnswerRow
from .models import Chat, ChatKind, ChatMessage, Feedback, Letter, LetterKind, Reaction, User, Visit
from .worlds import Place, World

FORMAT = "journey-dossier"
VERSION = 1


@dataclass(frozen=True)
class Stop:
    """A place the coachee chose: one stop on their route."""

    at: datetime
    place_id: str
    place: str  # the place's name; its id when the world no longer has it
    kind: ClassVar[str] = "stop"


@dataclass(frozen=True)
class ReactionText:
    """How a comment of the coach landed with the coachee: ``kind`` is ``touches`` ("Dit
    raakt me") or ``misses`` ("Hier mis ik iets"), ``line`` their own words (may be "")."""

    kind: str
    line: str
    at: datetime  # when the coachee last gave or changed it


@dataclass(frozen=True)
class AnswerText:
    """One answered question of a place letter, with the coach's comment on it and the
    coachee's reaction to that comment."""

    question_id: str
    question: str  # "" when the world no longer has the question
    text: str
    comment: str = ""
    reaction: ReactionText | None = None


@dataclass(frozen=True)
class LetterEntry:
    """A sent letter: a coachee's place or free letter, or a coach's free letter."""

    at: datetime
    letter_id: int
    author: str
    recipient: str  # "" when the letter went to the shared pool
    from_coach: bool
    place_id: str  # "" for a free letter
    place: str
    answers: tuple[AnswerText, ...] = ()
    body: str = ""
    note: str = ""
    mood: int | None = None
    progress: int | None = None  # on the way to the coachee's goal, 0-10
    harvest: bool = False  # the coach's closing letter (journey/harvest.py)
    commented_by: str = ""  # the coach whose comments stand beside the answers
    kind: ClassVar[str] = "letter"

    @property
    def is_free(self) -> bool:
        return not self.place_id


@dataclass(frozen=True)
class SectionText:
    """One section of sent feedback: its frame title and the coach's text."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class FeedbackEntry:
    """A coach's sent feedback on a letter, its sections in frame order."""

    at: datetime
    letter_id: int
    author: str
    letter_at: datetime
    place: str  # the place of the answered letter; "" for a free letter
    sections: tuple[SectionText, ...]
    reaction: ReactionText | None = None  # the coachee's reaction to the feedback as a whole
    kind: ClassVar[str] = "feedback"


@dataclass(frozen=True)
class Measure:
    """What the coachee gave with a letter sent at ``at``: their mood (1-10) and how far
    they are on their way to their goal (0-10); either may be None, not both."""

    at: datetime
    mood: int | None
    progress: int | None = None


@dataclass(frozen=True)
class ChatLine:
    """One message of a chat transcript, or (``phase`` set, no text) the mark of where a
    phase of the live session began."""

    at: datetime
    author: str
    by_coach: bool
    text: str
    phase: str = ""  # the phase's id ("welcome", ...)
    phase_title: str = ""


@dataclass(frozen=True)
class ChatEntry:
    """The transcript of a chat: a live session of an appointment, or a chat on distance."""

    at: datetime  # the session's start (live) or the first message (on distance)
    chat_id: int
    live: bool
    coach: str
    lines: tuple[ChatLine, ...]
    kind: ClassVar[str] = "chat"


Entry = Stop | LetterEntry | FeedbackEntry | ChatEntry
_RANK = {"stop": 0, "letter": 1, "feedback": 2, "chat": 3}


@dataclass(frozen=True)
class Dossier:
    """A coachee's trajectory: entries in chronological order, the mood and progress
    given with the letters, and the coachee's goal (None: none, or goals are off)."""

    coachee: str
    closed_at: datetime | None
    entries: tuple[Entry, ...]
    measures: tuple[Measure, ...]
    page: int = 1  # of the dossier page (1: the newest letters); exports hold everything
    older: bool = False  # letters older than this page holds exist
    # The coachee reads feedback as one letter; the frame's section titles are for staff.
    as_letter: bool = False
    goal: str | None = None

    @property
    def has_progress(self) -> bool:
        return any(measure.progress is not None for measure in self.measures)

    @property
    def route(self) -> tuple[Stop, ...]:
        return tuple(e for e in self.entries if isinstance(e, Stop))


# Building from the database


LETTERS_PER_PAGE = 10  # letters on one page of the dossier; older ones a click away


def build_dossier(
    coachee: User,
    world: World,
    frames: FrameSet,
    page: int | None = None,
    per_page: int = LETTERS_PER_PAGE,
    as_letter: bool = False,
    with_goal: bool = True,
) -> Dossier:
    """The coachee's dossier: route, sent letters, sent comments and feedback, moods.

    Drafts (unsent answers, free letters and feedback) are never part of it. With
    ``page`` (1: the newest) it holds ``per_page`` letters with their feedback, and the
    route and moods of their period, read in a fixed number of queries; without, the
    whole trajectory (the exports). ``as_letter``: the coachee is the reader, who reads
    each feedback as one letter, without the frame's section titles. ``with_goal``
    (the organisation works with goals): the goal and the progress values are in it.
    """
    if page is None:
        letters, stops, older = _sent_letters(coachee), visits.route(coachee), False
        period: tuple[datetime | None, datetime | None] | None = (None, None)
    else:
        letters, stops, older, period = _letters_page(coachee, page, per_page)
    given = reactions.of_feedback(
        letter.feedback.id for letter in letters if _sent_feedback(letter)
    )
    entries: list[Entry] = [_stop(visit, world) for visit in stops]
    entries += [_letter_entry(letter, world, given) for letter in letters]
    entries += [
        _feedback_entry(letter, world, frames, given[letter.feedback.id])
        for letter in letters
        if _sent_feedback(letter)
    ]
    entries += _chat_entries(coachee, *period) if period else []
    entries.sort(key=lambda e: (e.at, _RANK[e.kind]))
    measures = tuple(
        Measure(letter.sent_at, letter.mood, letter.progress if with_goal else None)
        for letter in letters
        if not letter.from_coach
        and (letter.mood is not None or (with_goal and letter.progress is not None))
    )
    goal = coachee.goal if with_goal else None
    return Dossier(
        coachee.pseudonym,
        coachee.closed_at,
        tuple(entries),
        measures,
        page or 1,
        older,
        as_letter,
        goal,
    )


def _letters_page(coachee: User, page: int, per_page: int) -> tuple[list, list, bool, tuple | None]:
    """The letters of one dossier page (oldest first), the visits written in their
    period, whether older letters exist, and the period (from, before; either None:
    open; the whole None on a page past the oldest letter, which covers nothing). The
    period runs from the page's oldest letter (from the start on the last page) to the
    next newer letter (now on page 1)."""
    page = max(page, 1)
    skip = (page - 1) * per_page
    # Which letters, by their index: the next newer letter (bounds the period), this
    # page's, and one older (is there more?). Only this page's are loaded with their texts.
    newest_first = db.session.execute(
        select(Letter.id, Letter.sent_at)
        .where(Letter.coachee_id == coachee.id, Letter.sent_at.is_not(None))
        .order_by(Letter.sent_at.desc(), Letter.id.desc())
        .offset(max(skip - 1, 0))
        .limit(per_page + 2 if skip else per_page + 1)
    ).all()
    newer = newest_first.pop(0) if skip and newest_first else None
    if skip and not newest_first:  # past the oldest letter: an empty page
        return [], [], False, None
    older = len(newest_first) > per_page
    ids = [row.id for row in newest_first[:per_page]]
    letters = list(db.session.scalars(_sent_letters_query(coachee).where(Letter.id.in_(ids))))
    stops = select(Visit).where(Visit.coachee_id == coachee.id, Visit.written_at.is_not(None))
    if older and letters:
        stops = stops.where(Visit.written_at >= letters[0].sent_at)
    if newer is not None:
        stops = stops.where(Visit.written_at < newer.sent_at)
    route = list(db.session.scalars(stops.order_by(Visit.written_at, Visit.id)))
    since = letters[0].sent_at if older and letters else None
    return letters, route, older, (since, newer.sent_at if newer is not None else None)


def _chat_entries(coachee: User, since: datetime | None, before: datetime | None):
    """The coachee's chats with messages, begun in the period, as transcripts."""
    query = (
        select(Chat)
        .where(Chat.coachee_id == coachee.id)
        .options(
            selectinload(Chat.messages), selectinload(Chat.appointment), selectinload(Chat.coach)
        )
        .order_by(Chat.created_at, Chat.id)
    )
    entries = []
    for chat in db.session.scalars(query):
        lines = tuple(_chat_line(m) for m in chat.messages)
        if not any(not line.phase for line in lines):
            continue  # nothing was written (a cancelled or unused appointment)
        live = chat.kind == ChatKind.LIVE
        at = chat.appointment.starts_at if live and chat.appointment else lines[0].at
        if (since is not None and at < since) or (before is not None and at >= before):
            continue
        coach = chat.coach.pseudonym if chat.coach else ""
        entries.append(ChatEntry(at, chat.id, live, coach, lines))
    return entries


def _chat_line(message: ChatMessage) -> ChatLine:
    phase = chats.phase(message.phase)
    return ChatLine(
        message.sent_at,
        message.author_name,
        message.by_coach,
        message.body,
        message.phase or "",
        str(phase.title) if phase else "",
    )


def _sent_letters(coachee: User) -> list[Letter]:
    return list(db.session.scalars(_sent_letters_query(coachee)))


def _sent_letters_query(coachee: User):
    return (
        select(Letter)
        .where(Letter.coachee_id == coachee.id, Letter.sent_at.is_not(None))
        .order_by(Letter.sent_at, Letter.id)
        .options(
            selectinload(Letter.coach),
            selectinload(Letter.visit).selectinload(Visit.answers),
            selectinload(Letter.feedback).selectinload(Feedback.parts),
            selectinload(Letter.feedback).selectinload(Feedback.coach),
        )
    )


def _sent_feedback(letter: Letter) -> Feedback | None:
    feedback = letter.feedback
    return feedback if feedback is not None and feedback.is_sent else None


def _place_of(letter: Letter, world: World) -> tuple[str, Place | None]:
    if letter.visit is None:
        return "", None
    return letter.visit.place_id, world.place(letter.visit.place_id)


def _stop(visit: Visit, world: World) -> Stop:
    place = world.place(visit.place_id)
    return Stop(visit.written_at, visit.place_id, place.name if place else visit.place_id)


def _letter_entry(
    letter: Letter, world: World, given: dict[int, dict[str, Reaction]]
) -> LetterEntry:
    place_id, place = _place_of(letter, world)
    feedback = _sent_feedback(letter)
    reacted = given[feedback.id] if feedback else {}
    coachee, coach = letter.coachee.pseudonym, letter.coach.pseudonym if letter.coach else ""
    author, recipient = (coach, coachee) if letter.from_coach else (coachee, coach)
    answers = letter.visit.answers if letter.visit else []
    return LetterEntry(
        at=letter.sent_at,
        letter_id=letter.id,
        author=author,
        recipient=recipient,
        from_coach=letter.from_coach,
        place_id=place_id,
        place=place.name if place else place_id,
        answers=tuple(_answer(a, place, feedback, reacted) for a in answers if a.text.strip()),
        body=letter.body if letter.visit is None else "",
        note=letter.note,
        mood=letter.mood,
        progress=letter.progress,
        harvest=letter.kind == LetterKind.HARVEST,
        commented_by=feedback.coach.pseudonym if feedback else "",
    )


def _answer(
    answer: AnswerRow, place: Place | None, feedback: Feedback | None, reacted: dict[str, Reaction]
) -> AnswerText:
    question = place.question(answer.question_id) if place else None
    key = f"c-{answer.question_id}"
    comment = feedback.text_of(key) if feedback else ""
    reaction = _reaction(reacted.get(key)) if comment.strip() else None
    text = question.text if question else ""
    return AnswerText(answer.question_id, text, answer.text, comment, reaction)


def _reaction(reaction: Reaction | None) -> ReactionText | None:
    return ReactionText(reaction.kind, reaction.line, reaction.updated_at) if reaction else None


def _feedback_entry(
    letter: Letter, world: World, frames: FrameSet, reacted: dict[str, Reaction]
) -> FeedbackEntry:
    feedback = letter.feedback
    place_id, place = _place_of(letter, world)
    return FeedbackEntry(
        at=feedback.sent_at,
        letter_id=letter.id,
        author=feedback.coach.pseudonym,
        letter_at=letter.sent_at,
        place=place.name if place else place_id,
        sections=_sections(feedback, frames.frame(feedback.frame_id)),
        reaction=_reaction(reacted.get(reactions.END)),
    )


def _sections(feedback: Feedback, frame: Frame | None) -> tuple[SectionText, ...]:
    """The feedback's written sections: the frame's order first, unknown sections after."""
    texts = {
        part.key.removeprefix("s-"): part.text
        for part in feedback.parts
        if part.key.startswith("s-") and part.text.strip()
    }
    known = [s.id for s in frame.sections if s.id in texts] if frame else []
    ordered = known + [key for key in texts if key not in known]
    return tuple(SectionText(key, _section_title(frame, key), texts[key]) for key in ordered)


def _section_title(frame: Frame | None, section_id: str) -> str:
    """The section's title in the frame; its id when the frame no longer knows it."""
    section = frame.section(section_id) if frame else None
    return section.title if section else section_id


# JSON


def to_json(dossier: Dossier) -> str:
    """The dossier as a JSON document; datetimes in ISO 8601 with their UTC offset."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "coachee": dossier.coachee,
        "closed_at": _plain(dossier.closed_at),
        "goal": dossier.goal,
        "entries": [{"kind": entry.kind, **_plain(entry)} for entry in dossier.entries],
        "measures": _plain(dossier.measures),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


# Markdown


def to_markdown(dossier: Dossier, when: Callable[[datetime], str] | None = None) -> str:
    """The dossier as a readable Markdown document with every text in full.

    ``when`` formats a datetime (default: ISO 8601 to the minute). Written texts
    are block quotes, so that what people wrote never becomes Markdown structure.
    """
    when = when or (lambda value: value.isoformat(timespec="minutes"))
    lines = [f"# {_md_text(_('Dossier van %(name)s', name=dossier.coachee))}", ""]
    if dossier.closed_at:
        notice = _(
            "Dit traject is afgesloten op %(date)s; je kunt alles blijven teruglezen.",
            date=when(dossier.closed_at),
        )
        lines += [notice, ""]
    if dossier.goal:
        lines += [f"## {_('Doel')}", "", _quote(dossier.goal), ""]
    lines += _route_markdown(dossier, when) + _measures_markdown(dossier, when)
    lines += [f"## {_('Tijdlijn')}", ""]
    for entry in dossier.entries:
        if entry.kind == "feedback" and dossier.as_letter:
            lines += _feedback_letter_markdown(entry, when)
        else:
            lines += _MARKDOWN[entry.kind](entry, when)
        if entry.kind == "feedback":
            lines += _reaction_markdown(entry.reaction, dossier.coachee)
    return "\n".join(lines).rstrip() + "\n"


def _route_markdown(dossier: Dossier, when: Callable[[datetime], str]) -> list[str]:
    stops = [
        f"{n}. {_md_text(stop.place)} ({when(stop.at)})" for n, stop in enumerate(dossier.route, 1)
    ]
    return [f"## {_('Route')}", "", *(stops or [_("Nog geen plaatsen bezocht.")]), ""]


def _measures_markdown(dossier: Dossier, when: Callable[[datetime], str]) -> list[str]:
    if not dossier.measures:
        return []
    lines = []
    for measure in dossier.measures:
        lines.append(f"- {when(measure.at)}: {progress.measured(measure.mood, measure.progress)}")
    title = _("Stemming en voortgang") if dossier.has_progress else _("Stemming")
    return [f"## {title}", "", *lines, ""]


def _stop_markdown(stop: Stop, when: Callable[[datetime], str]) -> list[str]:
    return [f"### {when(stop.at)} · {_md_text(_('Bezoek aan %(place)s', place=stop.place))}", ""]


def _letter_markdown(letter: LetterEntry, when: Callable[[datetime], str]) -> list[str]:
    title, route = _md_text(letter_title(letter)), _md_text(letter_route(letter))
    lines = [f"### {when(letter.at)} · {title}", "", f"*{route}*", ""]
    for answer in letter.answers:
        question = answer.question or _("Een vraag die niet meer in de wereld staat")
        lines += [f"**{_md_text(question)}**", "", _quote(answer.text), ""]
        if answer.comment:
            by = _md_text(_("Reactie van %(coach)s", coach=letter.commented_by))
            lines += [f"*{by}:*", "", _quote(answer.comment), ""]
            lines += _reaction_markdown(answer.reaction, letter.author)
    if letter.body:
        lines += [_quote(letter.body), ""]
    if letter.note:
        lines += [f"**{_('Notitie')}**", "", _quote(letter.note), ""]
    if letter.mood is not None:
        lines += [_("Stemming: %(mood)d van 10", mood=letter.mood), ""]
    if letter.progress is not None:
        lines += [_("Op weg naar het doel: %(progress)d van 10", progress=letter.progress), ""]
    return lines


def _feedback_markdown(feedback: FeedbackEntry, when: Callable[[datetime], str]) -> list[str]:
    lines = [f"### {when(feedback.at)} · {_md_text(feedback_title(feedback))}", ""]
    lines += [f"*{_md_text(feedback_reference(feedback, when(feedback.letter_at)))}*", ""]
    for section in feedback.sections:
        lines += [f"**{_md_text(section.title)}**", "", _quote(section.text), ""]
    return lines


def _feedback_letter_markdown(
    feedback: FeedbackEntry, when: Callable[[datetime], str]
) -> list[str]:
    """Feedback as the coachee reads it: one letter, its sections without their titles."""
    lines = [f"### {when(feedback.at)} · {_md_text(feedback_title(feedback, as_letter=True))}"]
    lines += ["", f"*{_md_text(feedback_reference(feedback, when(feedback.letter_at)))}*", ""]
    return lines + [_quote("\n\n".join(section.text for section in feedback.sections)), ""]


def _reaction_markdown(reaction: ReactionText | None, coachee: str) -> list[str]:
    """The coachee's reaction to a comment (or to the feedback as a whole), if any."""
    if reaction is None:
        return []
    said = _("%(name)s gaf aan: %(kind)s", name=coachee, kind=reactions.KIND_TITLES[reaction.kind])
    lines = [f"*{_md_text(said)}*", ""]
    return lines + ([_quote(reaction.line), ""] if reaction.line else [])


def _chat_markdown(chat: ChatEntry, when: Callable[[datetime], str]) -> list[str]:
    title = _md_text(chat_title(chat))
    lines = [f"### {when(chat.at)} · {title}", ""]
    for line in chat.lines:
        if line.phase:
            lines += [f"*{_md_text(_('Fase: %(phase)s', phase=line.phase_title))}*", ""]
        else:
            lines += [f"**{_md_text(line.author)}** ({when(line.at)}):", "", _quote(line.text), ""]
    return lines


_MARKDOWN: dict[str, Callable[[Any, Callable[[datetime], str]], list[str]]] = {
    "stop": _stop_markdown,
    "letter": _letter_markdown,
    "feedback": _feedback_markdown,
    "chat": _chat_markdown,
}


def _quote(text: str) -> str:
    """A written text as a block quote that shows it as written (``_md_text``)."""
    return "\n".join(f"> {line}".rstrip() for line in _md_text(text).splitlines() or [""])


def _md_text(text: str) -> str:
    """``text`` as Markdown that a viewer shows as exactly these characters and never turns
    into markup: HTML (``<img src=...>``) is escaped as entities; emphasis, code, links
    and images (``![x](https://...)``) with backslashes, and so are the marks that would
    start a heading or a list at the start of a line."""
    escaped = html.escape(_MD_INLINE.sub(r"\\\1", text), quote=False)
    return _MD_LINE_START.sub(r"\1\2\\\3", escaped)


_MD_INLINE = re.compile(r"([\\`*_\[\]])")
_MD_LINE_START = re.compile(r"^([ \t]*)(\d*)([#+=-]|(?<=\d)[.)])", re.MULTILINE)


# Names shared by the page, the PDF and the Markdown


def letter_title(letter: LetterEntry) -> str:
    """A letter's heading: where it was written from, or who wrote it."""
    if letter.harvest:
        return _("Afsluitbrief van %(coach)s", coach=letter.author)
    if letter.from_coach:
        return _("Brief van %(coach)s", coach=letter.author)
    if letter.is_free:
        return _("Vrije brief")
    return _("Brief vanuit %(place)s", place=letter.place)


def letter_route(letter: LetterEntry) -> str:
    """Who wrote a letter to whom."""
    recipient = letter.recipient or _("een coach uit het team")
    return _("Van %(author)s aan %(recipient)s", author=letter.author, recipient=recipient)


def feedback_title(feedback: FeedbackEntry, as_letter: bool = False) -> str:
    if as_letter:
        return _("%(name)s schreef je terug", name=feedback.author)
    return _("Feedback van %(coach)s", coach=feedback.author)


def feedback_reference(feedback: FeedbackEntry, letter_at: str) -> str:
    """Which letter the feedback answers, ``letter_at`` being its formatted send time."""
    if feedback.place:
        return _(
            "Antwoord op de brief vanuit %(place)s van %(when)s",
            place=feedback.place,
            when=letter_at,
        )
    return _("Antwoord op de vrije brief van %(when)s", when=letter_at)


def chat_title(chat: ChatEntry) -> str:
    if chat.live:
        return _("Live chatgesprek met %(coach)s", coach=chat.coach)
    return _("Chat op afstand met %(coach)s", coach=chat.coach)


def export_name(dossier: Dossier, day: date, extension: str) -> str:
    """A file name such as ``dossier-reiziger-2026-03-02.pdf``."""
    return f"dossier-{slug(dossier.coachee)}-{day.isoformat()}.{extension}"


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens; ``coachee`` when none are left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "coachee"
