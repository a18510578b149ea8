"""The coachee's own book: passages they marked in their dossier (their own words or
their coach's), gathered into chapters they name, order and introduce themselves.

A *passage* is marked in a *source*: an answer of a sent place letter (``answer``), the
body of a sent free letter (``letter``, the coachee's or the coach's) or a part of the
coach's sent feedback (``feedback``: a section or a comment on an answer). It is copied
into the book, so it outlives its source. Until the coachee places it in a *chapter* it
is *gathered*. The book is theirs alone, until they share it with their coach.

Plain functions: they take model objects and the time; the request commits. The book
as a value (``build_book``) is what the page and the exports (JSON, EPUB; the PDF is
made from a template) read.
"""

from __future__ import annotations

import html
import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from .extensions import db
from .models import BookChapter, BookPassage, Letter, Role, User

FORMAT = "journey-book"
VERSION = 1
SOURCES = ("answer", "letter", "feedback")
MAX_TITLE_LENGTH = 200  # a chapter's title
MAX_TEXT_LENGTH = 10_000  # a chapter's own text


# The book as a value


@dataclass(frozen=True)
class Passage:
    id: int
    text: str
    author: str  # who wrote it (their pseudonym when it was marked)
    by_coach: bool
    written_at: datetime | None  # when its source was sent
    marked_at: datetime
    source: str


@dataclass(frozen=True)
class Chapter:
    id: int
    title: str
    text: str  # the coachee's own short text
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Book:
    """A coachee's book: the chapters in their order, and the passages not yet placed."""

    owner: str
    chapters: tuple[Chapter, ...]
    gathered: tuple[Passage, ...]
    shared_at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not self.chapters and not self.gathered

    @property
    def passage_count(self) -> int:
        return len(self.gathered) + sum(len(c.passages) for c in self.chapters)


def build_book(coachee: User) -> Book:
    """The coachee's book, read in two queries however long it is."""
    chapters = list(
        db.session.scalars(
            select(BookChapter)
            .where(BookChapter.coachee_id == coachee.id)
            .order_by(BookChapter.position, BookChapter.id)
        )
    )
    passages = db.session.scalars(
        select(BookPassage)
        .where(BookPassage.coachee_id == coachee.id)
        .order_by(BookPassage.position, BookPassage.id)
    )
    placed: dict[int | None, list[Passage]] = {}
    for row in passages:
        placed.setdefault(row.chapter_id, []).append(_passage(row))
    return Book(
        owner=coachee.pseudonym,
        chapters=tuple(
            Chapter(c.id, c.title, c.text, tuple(placed.get(c.id, ()))) for c in chapters
        ),
        gathered=tuple(placed.get(None, ())),
        shared_at=coachee.book_shared_at,
    )


def _passage(row: BookPassage) -> Passage:
    return Passage(
        row.id,
        row.text,
        row.author_name,
        row.by_coach,
        row.written_at,
        row.marked_at,
        row.source,
    )


# Marking a passage


@dataclass(frozen=True)
class Source:
    """A sent text of the dossier a passage can be marked in."""

    kind: str
    id: int
    text: str
    author: str
    by_coach: bool
    written_at: datetime | None


class PassageProblem(Exception):
    """A passage that cannot be kept: ``kind`` is ``empty`` or ``not_in_source``."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def find_source(coachee: User, kind: str, letter_id: int, key: str = "") -> Source | None:
    """The sent text of the coachee's dossier named by ``kind``, the letter and ``key``
    (an answer's question id; a feedback part's key, ``s-<section>`` or ``c-<question>``);
    None when there is no such text in their dossier (or it is somebody else's)."""
    letter = db.session.get(Letter, letter_id)
    if kind not in SOURCES or letter is None or letter.coachee_id != coachee.id:
        return None
    if not letter.is_sent:
        return None
    if kind == "answer":
        answer = letter.visit.answer_to(key) if letter.visit else None
        if answer is None or not answer.text.strip():
            return None
        return Source(kind, answer.id, answer.text, coachee.pseudonym, False, letter.sent_at)
    if kind == "letter":
        if letter.visit is not None or not letter.body.strip():
            return None
        author = letter.coach if letter.from_coach else coachee
        name = author.pseudonym if author else ""
        return Source(kind, letter.id, letter.body, name, letter.from_coach, letter.sent_at)
    feedback = letter.feedback
    part = feedback.part(key) if feedback is not None and feedback.is_sent else None
    if part is None or not part.text.strip() or not key.startswith(("s-", "c-")):
        return None
    return Source(kind, part.id, part.text, feedback.coach.pseudonym, True, feedback.sent_at)


def passage_in(source_text: str, passage: str) -> str | None:
    """The words of ``source_text`` that ``passage`` is, spaces and line breaks counted
    loosely (a selection or a trimmed copy loses some); None when it is not in it."""
    words = passage.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(word) for word in words)
    found = re.search(pattern, source_text)
    return found.group(0) if found else None


def mark(coachee: User, source: Source, passage: str, now: datetime) -> BookPassage:
    """Keep ``passage`` of ``source`` in the coachee's book, gathered (in no chapter yet).

    The passage is kept as it stands in the source (its line breaks too). Raises
    PassageProblem when it is empty or not in the source."""
    if not passage.strip():
        raise PassageProblem("empty")
    text = passage_in(source.text, passage)
    if text is None:
        raise PassageProblem("not_in_source")
    row = BookPassage(
        coachee_id=coachee.id,
        chapter_id=None,
        position=_next_passage_position(coachee, None),
        source=source.kind,
        source_id=source.id,
        author_name=source.author,
        by_coach=source.by_coach,
        text=text,
        written_at=source.written_at,
        marked_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _next_passage_position(coachee: User, chapter_id: int | None) -> int:
    """The position after the last passage of the chapter (None: the gathered ones)."""
    query = select(func.max(BookPassage.position)).where(
        BookPassage.coachee_id == coachee.id, _in_chapter(chapter_id)
    )
    highest = db.session.scalar(query)
    return 0 if highest is None else highest + 1


def _in_chapter(chapter_id: int | None):
    if chapter_id is None:
        return BookPassage.chapter_id.is_(None)
    return BookPassage.chapter_id == chapter_id


# Chapters and passages: the coachee's own


def own_chapter(coachee: User, chapter_id: int) -> BookChapter | None:
    chapter = db.session.get(BookChapter, chapter_id)
    return chapter if chapter is not None and chapter.coachee_id == coachee.id else None


def own_passage(coachee: User, passage_id: int) -> BookPassage | None:
    passage = db.session.get(BookPassage, passage_id)
    return passage if passage is not None and passage.coachee_id == coachee.id else None


def add_chapter(coachee: User, title: str, now: datetime) -> BookChapter:
    """A new chapter, last in the book."""
    highest = db.session.scalar(
        select(func.max(BookChapter.position)).where(BookChapter.coachee_id == coachee.id)
    )
    chapter = BookChapter(
        coachee_id=coachee.id,
        position=0 if highest is None else highest + 1,
        title=title.strip(),
        text="",
        created_at=now,
        updated_at=now,
    )
    db.session.add(chapter)
    db.session.flush()
    return chapter


def edit_chapter(chapter: BookChapter, title: str, text: str, now: datetime) -> None:
    """Name the chapter ``title`` and give it the coachee's own ``text``."""
    chapter.title = title.strip()
    chapter.text = text.strip()
    chapter.updated_at = now
    db.session.flush()


def delete_chapter(coachee: User, chapter: BookChapter) -> None:
    """Take the chapter out of the book; its passages are gathered again, after the rest."""
    start = _next_passage_position(coachee, None)
    for offset, passage in enumerate(_passages_of(coachee, chapter.id)):
        passage.chapter_id = None
        passage.position = start + offset
    db.session.delete(chapter)
    db.session.flush()
    _renumber(_chapters_of(coachee))


def move_chapter(coachee: User, chapter: BookChapter, step: int) -> bool:
    """Move the chapter one place earlier (``step`` -1) or later (+1); False when it
    is first or last already."""
    return _swap(_chapters_of(coachee), chapter, step)


def place_passage(coachee: User, passage: BookPassage, chapter: BookChapter | None) -> None:
    """Put the passage last in ``chapter`` (None: back among the gathered passages)."""
    target = chapter.id if chapter is not None else None
    if passage.chapter_id == target:
        return
    passage.chapter_id = target
    passage.position = _next_passage_position(coachee, target)
    db.session.flush()


def move_passage(coachee: User, passage: BookPassage, step: int) -> bool:
    """Move the passage one place up (-1) or down (+1) within its chapter (or the gathered
    passages); False when it is first or last already."""
    return _swap(_passages_of(coachee, passage.chapter_id), passage, step)


def remove_passage(passage: BookPassage) -> None:
    db.session.delete(passage)
    db.session.flush()


def share(coachee: User, now: datetime) -> None:
    """Let the coachee's coach read the book (not change it)."""
    if coachee.book_shared_at is None:
        coachee.book_shared_at = now


def unshare(coachee: User) -> None:
    coachee.book_shared_at = None


def shared_with(coachee: User, coach: User) -> bool:
    """True while ``coachee`` shares their book and ``coach`` is their (assigned) coach."""
    return (
        coachee.has_role(Role.COACHEE)
        and coachee.book_shared_at is not None
        and coachee.coach_id is not None
        and coachee.coach_id == coach.id
    )


def _chapters_of(coachee: User) -> list[BookChapter]:
    query = select(BookChapter).where(BookChapter.coachee_id == coachee.id)
    return list(db.session.scalars(query.order_by(BookChapter.position, BookChapter.id)))


def _passages_of(coachee: User, chapter_id: int | None) -> list[BookPassage]:
    query = select(BookPassage).where(BookPassage.coachee_id == coachee.id, _in_chapter(chapter_id))
    return list(db.session.scalars(query.order_by(BookPassage.position, BookPassage.id)))


def _swap(rows: list, row, step: int) -> bool:
    """Swap ``row`` with its neighbour ``step`` away in ``rows`` (in order); the rows are
    numbered 0, 1, 2 … afterwards, whatever their positions were."""
    index = rows.index(row)
    other = index + step
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    return True


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows):
        row.position = position
    db.session.flush()


def erase(coachee: User) -> None:
    """Delete the coachee's book: every chapter and passage."""
    db.session.execute(delete(BookPassage).where(BookPassage.coachee_id == coachee.id))
    db.session.execute(delete(BookChapter).where(BookChapter.coachee_id == coachee.id))


# Names shared by the page and the exports


def book_title(book: Book) -> str:
    return _("Het boek van %(name)s", name=book.owner)


def chapter_title(chapter: Chapter, number: int) -> str:
    """A chapter's title; "Hoofdstuk 2" while the coachee gave it none."""
    return chapter.title or _("Hoofdstuk %(number)d", number=number)


def passage_credit(passage: Passage, when: str | None) -> str:
    """Who wrote the passage, and when (``when``: the formatted date, or None)."""
    if when:
        return _("%(name)s, %(when)s", name=passage.author, when=when)
    return passage.author


# JSON


def to_json(book: Book) -> str:
    """The book as a JSON document; datetimes in ISO 8601 with their UTC offset."""

    def passage(p: Passage) -> dict:
        return {
            "text": p.text,
            "author": p.author,
            "by_coach": p.by_coach,
            "source": p.source,
            "written_at": p.written_at.isoformat() if p.written_at else None,
            "marked_at": p.marked_at.isoformat(),
        }

    data = {
        "format": FORMAT,
        "version": VERSION,
        "owner": book.owner,
        "shared_with_coach_since": book.shared_at.isoformat() if book.shared_at else None,
        "chapters": [
            {"title": c.title, "text": c.text, "passages": [passage(p) for p in c.passages]}
            for c in book.chapters
        ],
        "gathered": [passage(p) for p in book.gathered],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


# EPUB


def to_epub(
    book: Book, language: str, made_at: datetime, when: Callable[[datetime], str] | None = None
) -> bytes:
    """The book as an EPUB 3: a title page, the chapters in the coachee's order (each
    with their own text and the passages, who wrote them and when), and the passages not
    yet in a chapter last. ``when`` formats a date (default ISO 8601)."""
    from ebooklib import epub  # imported here: only the EPUB export needs it

    when = when or (lambda value: value.date().isoformat())
    title = book_title(book)
    document = epub.EpubBook()
    document.set_identifier(f"urn:uuid:{uuid.uuid4()}")
    document.set_title(title)
    document.set_language(language)
    document.add_author(book.owner)
    style = epub.EpubItem(
        uid="style", file_name="style/book.css", media_type="text/css", content=EPUB_CSS
    )
    document.add_item(style)

    def page(file_name: str, heading: str, body: str) -> epub.EpubHtml:
        item = epub.EpubHtml(title=heading, file_name=file_name, lang=language)
        item.content = f"<h1>{_e(heading)}</h1>{body}"
        item.add_item(style)
        document.add_item(item)
        return item

    made = _e(_("Gemaakt op %(when)s", when=when(made_at)))
    lead = _e(_("Wat ik bewaarde van mijn reis, in mijn eigen volgorde."))
    cover = page("titel.xhtml", title, f'<p class="lead">{lead}</p><p class="made">{made}</p>')
    chapters = []
    for number, chapter in enumerate(book.chapters, start=1):
        heading = chapter_title(chapter, number)
        body = _paragraphs(chapter.text, "own") + _passages_html(chapter.passages, when)
        chapters.append(page(f"hoofdstuk-{number}.xhtml", heading, body))
    if book.gathered:
        heading = _("Verzameld")
        intro = _e(_("Passages die nog in geen hoofdstuk staan."))
        body = f'<p class="own">{intro}</p>' + _passages_html(book.gathered, when)
        chapters.append(page("verzameld.xhtml", heading, body))
    document.toc = [cover, *chapters]
    document.add_item(epub.EpubNcx())
    document.add_item(epub.EpubNav())
    document.spine = [cover, "nav", *chapters]
    buffer = io.BytesIO()
    epub.write_epub(buffer, document)
    return buffer.getvalue()


EPUB_CSS = """body { font-family: serif; line-height: 1.5; }
h1 { font-size: 1.6em; }
.lead, .made { font-style: italic; }
.own { margin: 0 0 1em; }
blockquote { margin: 1.2em 0; padding-left: 1em; border-left: 3px solid #8fb9a8; }
blockquote.by-coach { border-left-color: #2f4a5a; }
.credit { font-size: .9em; font-style: italic; margin-top: .3em; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _paragraphs(text: str, css_class: str) -> str:
    """A written text as XHTML paragraphs (blank lines part them, line breaks kept)."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join(
        f'<p class="{css_class}">{"<br/>".join(_e(line) for line in block.splitlines())}</p>'
        for block in blocks
    )


def _passages_html(passages: tuple[Passage, ...], when: Callable[[datetime], str]) -> str:
    parts = []
    for passage in passages:
        credit = passage_credit(passage, when(passage.written_at) if passage.written_at else None)
        css = "by-coach" if passage.by_coach else "own-words"
        parts.append(
            f'<blockquote class="{css}">{_paragraphs(passage.text, "passage")}'
            f'<p class="credit">{_e(credit)}</p></blockquote>'
        )
    return "".join(parts)


def export_name(book: Book, day, extension: str) -> str:
    """A file name such as ``boek-reiziger-2026-03-02.epub``."""
    from .dossier import slug

    return f"boek-{slug(book.owner)}-{day.isoformat()}.{extension}"
