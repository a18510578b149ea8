"""A coachee's rights over their data: all of it in one archive, and erasure.

Plain functions: they take model objects, the world and frames, and the time.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select

from . import access_log, agenda, intervision, library, notices, proposals
from . import book as books
from .dossier import Dossier, build_dossier, to_json, to_markdown
from .extensions import db
from .frames import FrameSet
from .models import (
    Answer,
    Appointment,
    Chat,
    ChatMessage,
    Feedback,
    FeedbackPart,
    FeedbackVerdict,
    Letter,
    LetterEvent,
    LibraryRead,
    Notice,
    Proposal,
    Reaction,
    User,
    Visit,
)
from .worlds import World


def drafts_of(coachee: User) -> dict:
    """The coachee's unsent texts: answers of open visits and free-letter drafts."""
    open_visits = db.session.scalars(
        select(Visit).where(Visit.coachee_id == coachee.id).order_by(Visit.started_at)
    )
    free = db.session.scalars(
        select(Letter).where(
            Letter.coachee_id == coachee.id,
            Letter.sent_at.is_(None),
            Letter.from_coach.is_(False),  # a coach's unsent closing letter is the coach's
        )
    )
    return {
        "visits": [
            {
                "place": visit.place_id,
                "started_at": visit.started_at.isoformat(),
                "answers": {a.question_id: a.text for a in visit.answers},
                "note": visit.note,
            }
            for visit in open_visits
            if not visit.is_sent
        ],
        "free_letters": [{"body": letter.body, "note": letter.note} for letter in free],
    }


def account_of(coachee: User) -> dict:
    return {
        "pseudonym": coachee.pseudonym,
        "email": coachee.email,
        "role": coachee.role,
        "created_at": coachee.created_at.isoformat(),
        "coach": coachee.coach.pseudonym if coachee.coach else None,
        "closed_at": coachee.closed_at.isoformat() if coachee.closed_at else None,
        "library_reads": [
            {
                "text": read.text_id,
                "first_read_at": read.first_read_at.isoformat(),
                "last_read_at": read.last_read_at.isoformat(),
            }
            for read in sorted(library.reads_of(coachee).values(), key=lambda r: r.first_read_at)
        ],
        "proposals": [
            {
                "kind": proposal.kind,
                "place": proposal.place_id,
                "question": proposal.question_id,
                "text": proposal.text_id,
                "reason": proposal.reason,
                "due_on": proposal.due_on.isoformat() if proposal.due_on else None,
                "proposed_at": proposal.created_at.isoformat(),
                "done_at": proposal.done_at.isoformat() if proposal.done_at else None,
            }
            for proposal in proposals.for_coachee(coachee)
        ],
        "appointments": [
            {
                "coach": appointment.coach.pseudonym,
                "starts_at": appointment.starts_at.isoformat(),
                "ends_at": appointment.ends_at.isoformat(),
                "video_link": appointment.video_link or None,
                "booked_at": appointment.created_at.isoformat(),
                "cancelled_at": (
                    appointment.cancelled_at.isoformat() if appointment.cancelled_at else None
                ),
            }
            for appointment in agenda.all_of(coachee)
        ],
    }


def archive(
    coachee: User,
    world: World,
    frames: FrameSet,
    readable: Callable[[Dossier], tuple[str, bytes]],
    readable_book: Callable[[books.Book], tuple[str, bytes]] | None = None,
) -> bytes:
    """A zip with everything of the coachee: the dossier readable (``readable`` gives a
    file name and its bytes, e.g. a PDF) and as Markdown and JSON, their book as JSON
    (and readable, from ``readable_book``: e.g. an EPUB), their unsent drafts and their
    account, as JSON."""
    dossier = build_dossier(coachee, world, frames, as_letter=True)  # the coachee reads it
    name, content = readable(dossier)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
        archive_file.writestr(name, content)
        archive_file.writestr("dossier.md", to_markdown(dossier))
        archive_file.writestr("dossier.json", to_json(dossier))
        book = books.build_book(coachee)
        archive_file.writestr("boek.json", books.to_json(book))
        if readable_book is not None:
            archive_file.writestr(*readable_book(book))
        archive_file.writestr("concepten.json", _json(drafts_of(coachee)))
        archive_file.writestr("account.json", _json(account_of(coachee)))
    return buffer.getvalue()


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _erase_chats(coachee: User) -> None:
    """Their appointments, chats and every message in them (and notices about those)."""
    chat_ids = select(Chat.id).where(Chat.coachee_id == coachee.id)
    appointment_ids = select(Appointment.id).where(Appointment.coachee_id == coachee.id)
    db.session.execute(
        delete(Notice).where(
            Notice.chat_id.in_(chat_ids) | Notice.appointment_id.in_(appointment_ids)
        )
    )
    db.session.execute(delete(Appointment).where(Appointment.coachee_id == coachee.id))
    db.session.execute(delete(ChatMessage).where(ChatMessage.chat_id.in_(chat_ids)))
    db.session.execute(delete(Chat).where(Chat.coachee_id == coachee.id))


def erase(coachee: User, now: datetime) -> None:
    """Erase the coachee's account and every text of theirs: answers, drafts, notes,
    letters both ways, feedback (with its kept verdicts) and their reactions to it, their
    book, the intervision cases about their letters.
    The access log keeps only that an erasure happened."""
    letter_ids = select(Letter.id).where(Letter.coachee_id == coachee.id)
    feedback_ids = select(Feedback.id).where(Feedback.letter_id.in_(letter_ids))
    visit_ids = select(Visit.id).where(Visit.coachee_id == coachee.id)
    intervision.erase_coachee(coachee)  # the cases, their comments and notices
    notices.forget(coachee, letter_ids)  # theirs, and their coaches' about their letters
    books.erase(coachee)
    db.session.execute(delete(Reaction).where(Reaction.feedback_id.in_(feedback_ids)))
    db.session.execute(delete(FeedbackVerdict).where(FeedbackVerdict.feedback_id.in_(feedback_ids)))
    db.session.execute(delete(FeedbackPart).where(FeedbackPart.feedback_id.in_(feedback_ids)))
    db.session.execute(delete(Feedback).where(Feedback.id.in_(feedback_ids)))
    db.session.execute(delete(Proposal).where(Proposal.coachee_id == coachee.id))
    db.session.execute(delete(LetterEvent).where(LetterEvent.letter_id.in_(letter_ids)))
    db.session.execute(delete(Letter).where(Letter.coachee_id == coachee.id))
    db.session.execute(delete(Answer).where(Answer.visit_id.in_(visit_ids)))
    db.session.execute(delete(Visit).where(Visit.coachee_id == coachee.id))
    db.session.execute(delete(LibraryRead).where(LibraryRead.coachee_id == coachee.id))
    _erase_chats(coachee)
    access_log.record_erasure(coachee, now)
    db.session.delete(coachee)
    db.session.flush()
