"""Notices: what happened for someone (a letter arrived, feedback arrived), listed in the
app and mailed by ``journey worker``.

A notice is recorded in the transaction of its event (``record``), so an event that
rolls back leaves none. It holds no written text, and neither does its mail: the kind
says what happened, the letter where to read it. A mail goes out only to someone with
an e-mail address who did not switch the kind off, and only when a mail server is set.

Delivery (``deliver_next``) claims one notice at a time in a short transaction (row
locked with SKIP LOCKED on PostgreSQL; SQLite's write lock elsewhere) by moving its next
attempt past a lease, sends it outside any transaction, then records the outcome. So
several workers never send one notice twice, and a worker that dies mid-send leaves the
notice to be tried again when its lease ends. A failure is retried with growing pauses,
and marked failed after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload, load_only

from . import accounts, timezones
from .extensions import db
from .models import (
    Answer,
    Appointment,
    Chat,
    IntervisionCase,
    Letter,
    LetterEvent,
    LetterEventKind,
    MailState,
    MutedNotice,
    Notice,
    NoticeKind,
    PracticeAttempt,
    Role,
    User,
    Visit,
)
from .paging import Page, page_of

LEASE = timedelta(minutes=10)  # a claimed notice waits this long before another try
FIRST_PAUSE = timedelta(minutes=1)  # after the first failure; doubles after each next one
LONGEST_PAUSE = timedelta(hours=2)
MAX_ATTEMPTS = 10  # about eleven hours of trying
NOTICES_PER_PAGE = 25
UNSUBSCRIBE_SALT = "journey.notices.unsubscribe"

# The kinds each role receives (and can switch off on their account page).
KINDS_BY_ROLE: dict[str, tuple[NoticeKind, ...]] = {
    Role.COACH: (
        NoticeKind.LETTER_ARRIVED,
        NoticeKind.LETTER_DUE_SOON,
        NoticeKind.POOL_DIGEST,
        NoticeKind.APPOINTMENT_BOOKED,
        NoticeKind.APPOINTMENT_CHANGED,
        NoticeKind.CHAT_MESSAGE,
        NoticeKind.CASE_SHARED,
    ),
    Role.TRAINEE: (NoticeKind.COMMENTS_READY,),
    Role.ADMIN: (NoticeKind.LETTER_OVERDUE,),
    Role.SUPERVISOR: (NoticeKind.ANSWER_TO_REVIEW,),
    Role.COACHEE: (
        NoticeKind.FEEDBACK_ARRIVED,
        NoticeKind.COACH_LETTER_ARRIVED,
        NoticeKind.DRAFT_WAITING,
        NoticeKind.WRITE_AGAIN,
        NoticeKind.APPOINTMENT_CHANGED,
        NoticeKind.CHAT_MESSAGE,
        NoticeKind.CONSENT_ASKED,
    ),
}

COACH_KINDS = (NoticeKind.LETTER_ARRIVED, NoticeKind.LETTER_DUE_SOON)  # about a coachee's letter
REMINDER_KINDS = (NoticeKind.DRAFT_WAITING, NoticeKind.WRITE_AGAIN)  # to keep coachees going
REMINDER_GAP = timedelta(days=7)  # at most one reminder a week

# What each kind is called where it can be switched off ("Mail me when ...").
KIND_LABELS = {
    NoticeKind.LETTER_ARRIVED: lazy_gettext("er een brief voor mij binnenkomt"),
    NoticeKind.LETTER_DUE_SOON: lazy_gettext("een brief bij mij bijna op zijn antwoord wacht"),
    NoticeKind.LETTER_OVERDUE: lazy_gettext("een brief over zijn tijd is en wordt doorgegeven"),
    NoticeKind.POOL_DIGEST: lazy_gettext(
        "er nieuwe brieven in de gedeelde pool staan (hooguit elk uur)"
    ),
    NoticeKind.FEEDBACK_ARRIVED: lazy_gettext("mijn coach op een brief van mij antwoordt"),
    NoticeKind.COACH_LETTER_ARRIVED: lazy_gettext("mijn coach mij een brief schrijft"),
    NoticeKind.DRAFT_WAITING: lazy_gettext(
        "een begonnen brief van mij een paar dagen blijft liggen"
    ),
    NoticeKind.WRITE_AGAIN: lazy_gettext("ik een paar weken niet geschreven heb"),
    NoticeKind.ANSWER_TO_REVIEW: lazy_gettext("een leerling een oefenantwoord inlevert"),
    NoticeKind.COMMENTS_READY: lazy_gettext("mijn supervisor klaar is met het commentaar"),
    NoticeKind.APPOINTMENT_BOOKED: lazy_gettext("iemand een chatgesprek bij mij boekt"),
    NoticeKind.APPOINTMENT_CHANGED: lazy_gettext(
        "een chatgesprek met mij verzet of afgezegd wordt"
    ),
    NoticeKind.CHAT_MESSAGE: lazy_gettext("er een nieuw bericht in een chat op afstand staat"),
    NoticeKind.CONSENT_ASKED: lazy_gettext(
        "mijn coach mij om toestemming vraagt voor intervisie over een brief"
    ),
    NoticeKind.CASE_SHARED: lazy_gettext("een collega een casus inbrengt in mijn intervisiegroep"),
}


def kinds_for(user: User) -> tuple[NoticeKind, ...]:
    return KINDS_BY_ROLE.get(user.role, ())


# --- recording: in the event's own transaction ----------------------------------------


def mail_enabled() -> bool:
    """Whether a mail server is set (``JOURNEY_MAIL_HOST``)."""
    return bool(current_app.config.get("MAIL_HOST"))


def record(
    user: User,
    kind: NoticeKind,
    now: datetime,
    *,
    letter: Letter | None = None,
    attempt: PracticeAttempt | None = None,
    appointment: Appointment | None = None,
    chat: Chat | None = None,
    case: IntervisionCase | None = None,
    mail: bool | None = None,
) -> Notice:
    """Note that ``kind`` happened for ``user``; mailed when a mail server is set (or
    ``mail`` says so), the user has an address, and did not switch the kind off."""
    if mail is None:
        mail = mail_enabled()
    mailed = mail and bool(user.email) and not is_muted(user, kind)
    notice = Notice(
        user=user,
        kind=kind,
        letter=letter,
        attempt=attempt,
        appointment=appointment,
        chat=chat,
        case=case,
        created_at=now,
        mail_state=MailState.PENDING if mailed else MailState.NONE,
        next_attempt_at=now if mailed else None,
    )
    db.session.add(notice)
    return notice


def is_muted(user: User, kind: str) -> bool:
    return db.session.get(MutedNotice, (user.id, str(kind))) is not None


def muted_kinds(user: User) -> set[str]:
    return set(db.session.scalars(select(MutedNotice.kind).where(MutedNotice.user_id == user.id)))


def set_muted(user: User, kind: str, muted: bool) -> None:
    """Switch mail of ``kind`` off (``muted``) or on again for ``user``; its notices still
    appear in the app. Pending mails of that kind are not sent any more."""
    row = db.session.get(MutedNotice, (user.id, str(kind)))
    if muted and row is None:
        db.session.add(MutedNotice(user_id=user.id, kind=str(kind)))
        db.session.execute(
            update(Notice)
            .where(Notice.user_id == user.id, Notice.kind == str(kind))
            .where(Notice.mail_state == MailState.PENDING)
            .values(mail_state=MailState.NONE, next_attempt_at=None)
        )
    elif not muted and row is not None:
        db.session.delete(row)
    db.session.flush()


# --- the periodic job: notices that come from the clock ----------------------------------


def told(user: User, kind: NoticeKind, letter: Letter) -> bool:
    """Whether ``user`` has a notice of ``kind`` about ``letter`` already."""
    query = select(Notice.id).where(
        Notice.user_id == user.id, Notice.kind == kind, Notice.letter_id == letter.id
    )
    return db.session.scalar(query.exists().select()) or False


def record_due_soon(now: datetime, within: timedelta) -> int:
    """A notice to the coach of every unanswered letter due within ``within`` of ``now``
    that they were not told about yet; returns how many. Run as often as wanted: a
    letter's coach is told once (a unique index holds even against two runs at once)."""
    told = select(Notice.id).where(
        Notice.user_id == Letter.coach_id,
        Notice.letter_id == Letter.id,
        Notice.kind == NoticeKind.LETTER_DUE_SOON,
    )
    query = (
        select(Letter)
        .where(Letter.coach_id.is_not(None), Letter.answered_at.is_(None))
        .where(Letter.due_at > now, Letter.due_at <= now + within)
        .where(~told.exists())
        .options(joinedload(Letter.coach), load_only(Letter.id, Letter.coach_id, Letter.due_at))
        .order_by(Letter.due_at, Letter.id)
    )
    letters = list(db.session.scalars(query))
    for letter in letters:
        record(letter.coach, NoticeKind.LETTER_DUE_SOON, now, letter=letter)
        db.session.add(
            LetterEvent(letter=letter, at=now, kind=LetterEventKind.DUE_SOON, coach=letter.coach)
        )
    db.session.flush()
    return len(letters)


POOL_DIGEST_GAP = timedelta(hours=1)


def record_pool_digests(now: datetime) -> int:
    """A digest to every coach who did not switch it off when letters came into the pool
    since their last digest, at most one an hour; returns how many coaches were told."""
    newest = db.session.scalar(
        select(func.max(Letter.sent_at)).where(
            Letter.coach_id.is_(None), Letter.answered_at.is_(None), Letter.due_at.is_not(None)
        )
    )
    if newest is None:
        return 0
    last = (
        select(func.max(Notice.created_at))
        .where(Notice.user_id == User.id, Notice.kind == NoticeKind.POOL_DIGEST)
        .scalar_subquery()
    )
    muted = select(MutedNotice.user_id).where(
        MutedNotice.user_id == User.id, MutedNotice.kind == NoticeKind.POOL_DIGEST
    )
    coaches = db.session.scalars(
        select(User)
        .where(User.role == Role.COACH, ~muted.exists())
        .where((last.is_(None)) | ((last < newest) & (last <= now - POOL_DIGEST_GAP)))
    ).all()
    for coach in coaches:
        record(coach, NoticeKind.POOL_DIGEST, now)
    db.session.flush()
    return len(coaches)


def record_reminders(now: datetime, draft_after: timedelta, silence_after: timedelta) -> int:
    """Gentle reminders to coachees whose trajectory is open and who did not switch the
    kind off: an unsent draft untouched for ``draft_after`` (once per draft), or no letter
    for ``silence_after`` (once per silence); at most one reminder a week. Returns how
    many were recorded. Run as often as wanted: what was reminded of is not again."""
    recently = select(Notice.id).where(
        Notice.user_id == User.id,
        Notice.kind.in_(REMINDER_KINDS),
        Notice.created_at > now - REMINDER_GAP,
    )
    open_coachees = (
        select(User)
        .where(User.role == Role.COACHEE, User.closed_at.is_(None), ~recently.exists())
        .options(load_only(User.id, User.email, User.created_at))
    )
    unsent = (
        select(Visit.coachee_id, func.max(Answer.updated_at).label("touched"))
        .join(Answer, Answer.visit_id == Visit.id)
        .outerjoin(Letter, Letter.visit_id == Visit.id)
        .where(Letter.id.is_(None))
        .group_by(Visit.coachee_id)
        .subquery()
    )
    last_sent = (
        select(Letter.coachee_id, func.max(Letter.sent_at).label("sent"))
        .where(Letter.sent_at.is_not(None), Letter.from_coach.is_(False))
        .group_by(Letter.coachee_id)
        .subquery()
    )
    query = (
        open_coachees.outerjoin(unsent, unsent.c.coachee_id == User.id)
        .outerjoin(last_sent, last_sent.c.coachee_id == User.id)
        .add_columns(unsent.c.touched, last_sent.c.sent)
        .where(
            (unsent.c.touched <= now - draft_after)
            | (func.coalesce(last_sent.c.sent, User.created_at) <= now - silence_after)
        )
    )
    recorded = 0
    for user, touched, sent in db.session.execute(query).all():
        kind = _reminder_for(user, touched, sent, now, draft_after, silence_after)
        if kind is not None and not is_muted(user, kind):
            record(user, kind, now)
            recorded += 1
    db.session.flush()
    return recorded


def _reminder_for(user, touched, sent, now, draft_after, silence_after) -> NoticeKind | None:
    """Which reminder, if any: of a stale draft with words in it (not reminded of since it
    was last touched), else of a silence (not reminded of since it began)."""

    def reminded_since(kind: NoticeKind, moment: datetime) -> bool:
        since = select(Notice.id).where(
            Notice.user_id == user.id, Notice.kind == kind, Notice.created_at >= moment
        )
        return db.session.scalar(since.exists().select()) or False

    if touched is not None and touched <= now - draft_after:
        has_words = any(text.strip() for text in _unsent_texts(user))
        if has_words and not reminded_since(NoticeKind.DRAFT_WAITING, touched):
            return NoticeKind.DRAFT_WAITING
    quiet_since = sent or user.created_at
    if quiet_since <= now - silence_after and not reminded_since(
        NoticeKind.WRITE_AGAIN, quiet_since
    ):
        return NoticeKind.WRITE_AGAIN
    return None


def _unsent_texts(user: User) -> list[str]:
    query = (
        select(Answer.text)
        .join(Visit, Answer.visit_id == Visit.id)
        .outerjoin(Letter, Letter.visit_id == Visit.id)
        .where(Visit.coachee_id == user.id, Letter.id.is_(None))
    )
    return list(db.session.scalars(query))


# --- unsubscribe links: signed, no login needed ---------------------------------------


def unsubscribe_token(secret_key: str, user_id: int, kind: str) -> str:
    """The signed part of a mail's unsubscribe link: this user, this kind."""
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps([user_id, str(kind)])


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kind: NoticeKind


def read_unsubscribe_token(secret_key: str, token: str) -> Unsubscribe | None:
    """The user and kind a token was made for; None when it was tampered with, names a
    kind that does not exist or a user who is gone."""
    try:
        user_id, kind = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
        kind = NoticeKind(kind)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or kind not in kinds_for(user):
        return None
    return Unsubscribe(user, kind)


# --- in the app -------------------------------------------------------------------------


def unread_count(user: User, cap: int) -> int:
    """How many of the user's notices are unread, counting at most ``cap``."""
    unread = (
        select(Notice.id)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .limit(cap)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(unread)) or 0


def notices_of(user: User, page: int = 1) -> Page[Notice]:
    """A page of the user's notices, newest first, with who wrote each one's letter (for
    ``writer_of``), in one query and without reading any written text."""
    letter = joinedload(Notice.letter).load_only(Letter.id)
    attempt = joinedload(Notice.attempt).load_only(PracticeAttempt.id)
    case = joinedload(Notice.case).load_only(IntervisionCase.id, IntervisionCase.coach_id)
    query = (
        select(Notice)
        .where(Notice.user_id == user.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .options(
            letter.joinedload(Letter.coachee).load_only(User.pseudonym),
            letter.joinedload(Letter.coach).load_only(User.pseudonym),
            attempt.joinedload(PracticeAttempt.trainee).load_only(User.pseudonym),
            attempt.joinedload(PracticeAttempt.reviewer).load_only(User.pseudonym),
            case.joinedload(IntervisionCase.coach).load_only(User.pseudonym),
        )
    )
    return page_of(query, page, NOTICES_PER_PAGE)


def writer_of(notice: Notice) -> str | None:
    """The pseudonym of who wrote the letter or practice answer a notice is about (shown
    in the app only: a mail never names another person)."""
    if notice.case is not None:  # the coach who asks, or who brought the case
        return notice.case.coach.pseudonym if notice.case.coach else None
    if notice.attempt is not None:
        attempt = notice.attempt
        writer = attempt.trainee if notice.kind == NoticeKind.ANSWER_TO_REVIEW else attempt.reviewer
        return writer.pseudonym if writer else None
    letter = notice.letter
    if letter is None or notice.kind == NoticeKind.LETTER_OVERDUE:
        return None
    writer = letter.coachee if notice.kind in COACH_KINDS else letter.coach
    return writer.pseudonym if writer else None


def troubled(page: int = 1) -> Page[Notice]:
    """Mails that failed for good, or failed and wait for another try, newest first, with
    their recipient (for the admin; the reason is the mail server's, never a text)."""
    query = (
        select(Notice)
        .where(
            (Notice.mail_state == MailState.FAILED)
            | ((Notice.mail_state == MailState.PENDING) & Notice.last_error.is_not(None))
        )
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .options(joinedload(Notice.user).load_only(User.pseudonym, User.role))
    )
    return page_of(query, page, NOTICES_PER_PAGE)


def unread_about(user: User, letter_id: int) -> list[int]:
    """The ids of ``user``'s unread notices about the letter ``letter_id``."""
    query = select(Notice.id).where(
        Notice.user_id == user.id, Notice.letter_id == letter_id, Notice.read_at.is_(None)
    )
    return list(db.session.scalars(query))


def mark_read(user: User, notice_ids: list[int], now: datetime) -> None:
    """Mark ``user``'s notices ``notice_ids`` read (seen on the list, or their letter read)."""
    if notice_ids:
        db.session.execute(
            update(Notice)
            .where(Notice.user_id == user.id, Notice.id.in_(notice_ids))
            .values(read_at=now)
            .execution_options(synchronize_session=False)
        )


def mark_letter_read(user: User, letter_id: int, now: datetime) -> None:
    """``user`` read the letter ``letter_id``: its notices are no longer new."""
    db.session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.letter_id == letter_id)
        .where(Notice.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )


def mark_chat_read(user: User, chat_id: int, now: datetime) -> None:
    """``user`` opened the chat ``chat_id``: its notices are no longer new."""
    db.session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.chat_id == chat_id, Notice.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )


def forget(user: User, letter_ids) -> None:
    """Remove ``user``'s notices and switches, and anyone's notices about the letters
    ``letter_ids`` (a query or a list): the user is being erased."""
    db.session.execute(
        delete(Notice).where((Notice.user_id == user.id) | Notice.letter_id.in_(letter_ids))
    )
    db.session.execute(delete(MutedNotice).where(MutedNotice.user_id == user.id))


def link_target(notice: Notice | Claimed) -> tuple[str, dict] | None:
    """Where a notice's reader reads what happened: an endpoint and its arguments."""
    kind, letter_id, case_id = notice.kind, notice.letter_id, notice.case_id
    if kind == NoticeKind.CONSENT_ASKED:
        if case_id is None:
            return "intervision.requests", {}
        return "intervision.consent", {"case_id": case_id}
    if kind == NoticeKind.CASE_SHARED:
        if case_id is None:
            return "intervision.index", {}
        return "intervision.case", {"case_id": case_id}
    if kind in REMINDER_KINDS:
        return "journey.world_map", {}
    if kind == NoticeKind.POOL_DIGEST:
        return "inbox.index", {}
    if kind == NoticeKind.LETTER_OVERDUE:
        return "admin.mail_status", {}  # the overdue letters across all coaches
    if notice.attempt_id is not None:
        return "practice.attempt", {"attempt_id": notice.attempt_id}
    if notice.appointment_id is not None:
        return "agenda.appointment", {"appointment_id": notice.appointment_id}
    if notice.chat_id is not None:
        return "chats.chat", {"chat_id": notice.chat_id}
    if letter_id is None:
        return None
    if kind in COACH_KINDS:
        return "inbox.letter", {"letter_id": letter_id}
    return "journey.letter", {"letter_id": letter_id}


# --- what a notice says (the same words in the app and in the mail) -------------------


@dataclass(frozen=True)
class Wording:
    subject: str  # the mail's subject and the line in the app
    body: str  # the mail's first paragraph
    action: str  # the words of the link


def wording(kind: str) -> Wording:
    if kind == NoticeKind.APPOINTMENT_BOOKED:
        return Wording(
            _("Er is een chatgesprek bij je geboekt"),
            _("Een coachee heeft een chatgesprek geboekt in de tijd die je vrijhield."),
            _("Bekijk de afspraak"),
        )
    if kind == NoticeKind.APPOINTMENT_CHANGED:
        return Wording(
            _("Een chatgesprek is verzet of afgezegd"),
            _("Een afspraak voor een chatgesprek is veranderd. In Journey zie je wat er nu staat."),
            _("Bekijk de afspraak"),
        )
    if kind == NoticeKind.CHAT_MESSAGE:
        return Wording(
            _("Er is een nieuw bericht in je chat"),
            _("Er staat een nieuw bericht voor je klaar in een chat op afstand in Journey."),
            _("Lees het bericht"),
        )
    if kind == NoticeKind.CONSENT_ASKED:
        return Wording(
            _("Je coach vraagt je toestemming"),
            _(
                "Je coach wil een brief van jou en het antwoord daarop bespreken met "
                "collega-coaches, zonder je naam en andere namen. Dat gebeurt alleen als jij "
                "het goed vindt. In Journey lees je precies wat zij zouden zien, en zeg je ja "
                "of nee."
            ),
            _("Lees de vraag van je coach"),
        )
    if kind == NoticeKind.CASE_SHARED:
        return Wording(
            _("Een collega brengt een casus in"),
            _(
                "Een collega in je intervisiegroep heeft een casus ingebracht. Je kunt hem "
                "lezen en erop reageren zolang hij open is."
            ),
            _("Lees de casus"),
        )
    if kind == NoticeKind.LETTER_OVERDUE:
        return Wording(
            _("Een brief is over zijn tijd"),
            _(
                "Een brief kreeg niet op tijd antwoord van zijn coach. Journey heeft hem "
                "doorgegeven; de brieven over hun tijd staan op de pagina Mail onder Beheer."
            ),
            _("Bekijk de brieven over hun tijd"),
        )
    if kind == NoticeKind.POOL_DIGEST:
        return Wording(
            _("Er staan nieuwe brieven in de gedeelde pool"),
            _(
                "Coachees zonder eigen coach hebben geschreven. Hun brieven staan in de "
                "gedeelde pool; wie tijd heeft, kan er een nemen."
            ),
            _("Naar je inbox"),
        )
    if kind == NoticeKind.ANSWER_TO_REVIEW:
        return Wording(
            _("Er wacht een oefenantwoord op je commentaar"),
            _("Een leerling heeft een antwoord op een oefencasus ingeleverd."),
            _("Lees het antwoord"),
        )
    if kind == NoticeKind.COMMENTS_READY:
        return Wording(
            _("Je supervisor heeft je antwoord besproken"),
            _("Het commentaar van je supervisor op je oefenantwoord staat voor je klaar."),
            _("Lees het commentaar"),
        )
    if kind == NoticeKind.DRAFT_WAITING:
        return Wording(
            _("Je brief ligt nog op je te wachten"),
            _(
                "Je bent een paar dagen geleden aan een brief begonnen. Hij staat bewaard; "
                "je kunt verder schrijven wanneer het je uitkomt."
            ),
            _("Verder schrijven"),
        )
    if kind == NoticeKind.WRITE_AGAIN:
        return Wording(
            _("Zin om weer te schrijven?"),
            _(
                "Het is een tijdje geleden dat je een brief stuurde. Als je wilt, kies je "
                "een plek op de kaart die je nu aanspreekt. Je coach leest graag mee."
            ),
            _("Naar de kaart"),
        )
    if kind == NoticeKind.LETTER_DUE_SOON:
        return Wording(
            _("Een brief wacht nog op je antwoord"),
            _("Het antwoord op een brief in je inbox wordt binnenkort verwacht."),
            _("Lees de brief"),
        )
    if kind == NoticeKind.LETTER_ARRIVED:
        return Wording(
            _("Er is een nieuwe brief voor je"),
            _("Een coachee heeft je een brief gestuurd. Hij staat in je inbox in Journey."),
            _("Lees de brief"),
        )
    if kind == NoticeKind.FEEDBACK_ARRIVED:
        return Wording(
            _("Je coach heeft geantwoord"),
            _("Je coach heeft feedback geschreven op je brief. Je kunt die lezen in Journey."),
            _("Lees de feedback"),
        )
    return Wording(
        _("Je coach heeft je een brief geschreven"),
        _("Er staat een brief van je coach voor je klaar in Journey."),
        _("Lees de brief"),
    )


# --- delivery by the worker ---------------------------------------------------------------


def pause_after(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    return min(FIRST_PAUSE * 2 ** max(attempts - 1, 0), LONGEST_PAUSE)


@dataclass(frozen=True)
class Claimed:
    """What the worker needs to mail a claimed notice, read before its claim commits (so
    nothing is read, and no lock held, while the mail server is talked to)."""

    notice_id: int
    kind: NoticeKind
    user_id: int
    email: str
    zone: ZoneInfo  # the recipient's: times in the mail are in it
    letter_id: int | None
    attempt_id: int | None
    letter_due_at: datetime | None
    attempts: int
    locale: str | None = None  # the recipient's own language (None: the organisation's)
    appointment_id: int | None = None
    chat_id: int | None = None
    case_id: int | None = None


@dataclass(frozen=True)
class Defaults:
    """The organisation's time zone (an IANA name) and quiet hours, for whoever has not
    chosen their own."""

    zone: str
    quiet: tuple[time, time]


def claim_next(now: datetime, defaults: Defaults) -> Claimed | None:
    """Claim the notice whose mail is due first: its next attempt moves past the lease
    and its attempts go up, in a transaction of its own. A notice whose recipient is in
    their quiet hours waits until those end (no attempt counted). None when nothing is due."""
    query = (
        select(Notice)
        .where(Notice.mail_state == MailState.PENDING, Notice.next_attempt_at <= now)
        .order_by(Notice.next_attempt_at, Notice.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=Notice)
    )
    while True:
        notice = db.session.scalars(query).first()
        if notice is None:
            db.session.rollback()
            return None
        zone = accounts.zone_of(notice.user, defaults.zone)
        quiet = accounts.quiet_hours_of(notice.user, defaults.quiet)
        until = timezones.quiet_end(now, zone, *quiet)
        if until is None:
            break
        notice.next_attempt_at = until
        db.session.commit()
    notice.attempts += 1
    notice.next_attempt_at = now + LEASE
    claimed = Claimed(
        notice_id=notice.id,
        kind=NoticeKind(notice.kind),
        user_id=notice.user_id,
        email=notice.user.email or "",
        zone=zone,
        letter_id=notice.letter_id,
        attempt_id=notice.attempt_id,
        letter_due_at=notice.letter.due_at if notice.letter else None,
        attempts=notice.attempts,
        locale=notice.user.locale,
        appointment_id=notice.appointment_id,
        chat_id=notice.chat_id,
        case_id=notice.case_id,
    )
    db.session.commit()
    return claimed


def deliver_next(
    now: datetime, send: Callable[[Claimed], object], defaults: Defaults
) -> Notice | None:
    """Claim one due notice and mail it with ``send`` (which raises on failure; the
    error's text is kept, never the mail's). Returns the notice as it ended, or None
    when nothing was due."""
    claimed = claim_next(now, defaults)
    if claimed is None:
        return None
    failure = None
    try:
        send(claimed)
    except Exception as error:  # noqa: BLE001 (whatever went wrong: try again later)
        failure = str(error)[:300] or type(error).__name__
    notice = db.session.get(Notice, claimed.notice_id)
    if notice is None or notice.mail_state != MailState.PENDING:  # erased or muted meanwhile
        db.session.rollback()
        return notice
    if failure is None:
        notice.mail_state, notice.next_attempt_at = MailState.SENT, None
        notice.mailed_at, notice.last_error = now, None
    else:
        notice.last_error = failure
        if notice.attempts >= MAX_ATTEMPTS:
            notice.mail_state, notice.next_attempt_at = MailState.FAILED, None
        else:
            notice.next_attempt_at = now + pause_after(notice.attempts)
    db.session.commit()
    return notice
