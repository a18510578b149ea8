"""Forms (Flask-WTF): validation of what people type, with messages in their language."""

from __future__ import annotations

import functools
from datetime import date
from zoneinfo import available_timezones

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from . import chats, letters
from .accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, password_problem
from .chats import MAX_MESSAGE_LENGTH
from .frames import Frame
from .letters import MOOD_MAX, MOOD_MIN, PROGRESS_MAX, PROGRESS_MIN
from .models import Role
from .web import too_long_message
from .worlds import Place

PSEUDONYM_PATTERN = r"^[\w][\w .\-']*$"


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


ROLE_NAMES = {
    Role.COACHEE: _l("coachee"),
    Role.COACH: _l("coach"),
    Role.TRAINEE: _l("coach in opleiding"),
    Role.SUPERVISOR: _l("supervisor"),
    Role.ADMIN: _l("beheerder"),
}


def pseudonym_field() -> StringField:
    """A pseudonym: 2 to 40 letters, digits, spaces and a few signs."""
    return StringField(
        _l("Schuilnaam"),
        filters=[strip],
        validators=[
            DataRequired(_l("Kies een schuilnaam.")),
            Length(2, 40, _l("Een schuilnaam heeft 2 tot 40 tekens.")),
            Regexp(PSEUDONYM_PATTERN, message=_l("Gebruik letters, cijfers, spaties, . - of '.")),
        ],
    )


def email_field() -> StringField:
    """An optional e-mail address."""
    return StringField(
        _l("E-mailadres (mag leeg blijven)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Dit lijkt geen e-mailadres.")),
        ],
    )


PASSWORD_MESSAGES = {
    "too_short": _l("Een wachtwoord heeft minstens %(min)d tekens.", min=MIN_PASSWORD_LENGTH),
    "too_long": _l("Een wachtwoord heeft hoogstens %(max)d tekens.", max=MAX_PASSWORD_LENGTH),
    "common": _l(
        "Dit wachtwoord staat op een lijst van veelgebruikte wachtwoorden. "
        "Kies iets dat alleen jij bedenkt."
    ),
    "like_pseudonym": _l("Je wachtwoord lijkt te veel op je schuilnaam. Kies iets anders."),
    "guessable": _l(
        "Dit wachtwoord is makkelijk te raden: een rij toetsen, herhaalde tekens of één "
        "gewoon woord. Neem liever een paar woorden die alleen jij zo samenvoegt."
    ),
}


def account_problem(kind: str) -> tuple[str, str]:
    """The form field and the message for ``accounts.AccountProblem(kind)``."""
    if kind == "unknown_code":
        return "invitation_code", str(
            _l("Deze uitnodigingscode kennen we niet. Kijk hem nog eens na.")
        )
    if kind in PASSWORD_MESSAGES:
        return "password", str(PASSWORD_MESSAGES[kind])
    return "pseudonym", str(_l("Deze schuilnaam is al in gebruik. Kies een andere."))


class PasswordPolicy:
    """A new password: long enough, not too long, not common, not the pseudonym, not easy
    to guess (``accounts.password_problem``). The form's ``pseudonym`` and ``email``
    fields, when it has them, count as words an attacker would try."""

    def __call__(self, form, field):
        personal = {
            name: (form[name].data or "") if name in form else "" for name in ("pseudonym", "email")
        }
        problem = password_problem(field.data or "", personal["pseudonym"], personal["email"])
        if problem:
            raise ValidationError(PASSWORD_MESSAGES[problem])


def code_field() -> StringField:
    """A six-digit code from an authenticator app (spaces allowed)."""
    return StringField(
        _l("Code uit je app"),
        filters=[lambda value: "".join(value.split()) if isinstance(value, str) else value],
        render_kw={"inputmode": "numeric", "maxlength": 7},
        validators=[
            DataRequired(_l("Vul de code uit je app in.")),
            Regexp(r"^\d{6}$", message=_l("Een code bestaat uit 6 cijfers.")),
        ],
    )


class RegisterForm(FlaskForm):
    pseudonym = pseudonym_field()
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Kies een wachtwoord.")), PasswordPolicy()],
    )
    confirm = PasswordField(
        _l("Wachtwoord nog een keer"),
        validators=[EqualTo("password", _l("De twee wachtwoorden zijn niet gelijk."))],
    )
    email = email_field()
    invitation_code = StringField(
        _l("Uitnodigingscode van je coach (mag leeg blijven)"), validators=[Length(max=20)]
    )


class LoginForm(FlaskForm):
    pseudonym = StringField(
        _l("Schuilnaam"), validators=[DataRequired(_l("Vul je schuilnaam in."))]
    )
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[DataRequired(_l("Vul je wachtwoord in."))],
    )


class CodeForm(FlaskForm):
    """The second step of logging in, or confirming a new authenticator app."""

    code = code_field()


class TwoFactorOffForm(FlaskForm):
    """Turning two-factor login off: only with the password."""

    password = PasswordField(
        _l("Je wachtwoord"), validators=[DataRequired(_l("Vul je wachtwoord in."))]
    )


@functools.cache
def zone_choices() -> list[tuple[str, str]]:
    """Every time zone this machine knows, as the account page offers them."""
    known = available_timezones()
    names = sorted(n for n in known if n == "UTC" or ("/" in n and not n.startswith("Etc/")))
    return [(name, name.replace("_", " ")) for name in names]


A_TIME = InputRequired(_l("Vul een tijd in, bijvoorbeeld 22:00."))


class TimeSettingsForm(FlaskForm):
    """Where someone lives, and the hours in which Journey mails them nothing."""

    time_zone = SelectField(_l("Je tijdzone"), choices=[])
    quiet_start = TimeField(
        _l("Geen mail vanaf"), validators=[InputRequired(_l("Vul een tijd in."))]
    )
    quiet_end = TimeField(_l("Tot"), validators=[A_TIME])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_choices()
        self.time_zone.validate_choice = True


# The language choices of the account page: "" follows the browser (else the organisation).
LANGUAGE_CHOICES = (
    ("", _l("Zoals je browser vraagt")),
    ("nl", _l("Nederlands")),
    ("en", _l("Engels (English)")),
)


class LanguageForm(FlaskForm):
    """The language of the user's pages, or none of their own (the browser's)."""

    locale = SelectField(
        _l("Taal van Journey"),
        choices=[SelectChoice(value, label) for value, label in LANGUAGE_CHOICES],
        validate_choice=False,  # AnyOf says what went wrong in the page's language
        validators=[
            AnyOf(
                [value for value, _label in LANGUAGE_CHOICES],
                message=_l("Kies een van de talen uit de lijst."),
            )
        ],
    )


class EmailForm(FlaskForm):
    """A new e-mail address (or none), confirmed with the password."""

    email = email_field()
    password = PasswordField(
        _l("Je wachtwoord"), validators=[DataRequired(_l("Vul je wachtwoord in."))]
    )


class LetterForm(FlaskForm):
    """The answers of a visit, with the mood and note that go with the letter.

    Use ``LetterForm.for_place(place)``. Lengths and emptiness are domain rules
    (``letters.check_letter``); the view puts their messages on the fields.
    """

    mood = RadioField(
        _l("Hoe voel je je nu, van 1 tot 10?"),
        choices=[SelectChoice(str(n)) for n in range(MOOD_MIN, MOOD_MAX + 1)],
        validators=[Optional()],
    )
    progress = RadioField(
        _l("Hoe ver ben je nu op weg naar je doel, van 0 tot 10?"),
        choices=[SelectChoice(str(n)) for n in range(PROGRESS_MIN, PROGRESS_MAX + 1)],
        validators=[Optional()],
    )
    note = TextAreaField(_l("Een notitie voor je coach (mag leeg blijven)"))

    @classmethod
    def for_place(cls, place: Place, **kwargs) -> LetterForm:
        """An instance of the form with one answer field per question of ``place``."""
        return _letter_form_class(cls, place)(**kwargs)

    def answers(self, place: Place) -> dict[str, str]:
        return {q.id: self[answer_field(q.id)].data or "" for q in place.questions}

    def mood_value(self) -> int | None:
        return int(self.mood.data) if self.mood.data else None

    def progress_value(self) -> int | None:
        return int(self.progress.data) if self.progress.data else None


def answer_field(question_id: str) -> str:
    """The form field (and autosave key) of the answer to a question."""
    return f"q-{question_id}"


@functools.cache
def _letter_form_class(base: type[LetterForm], place: Place) -> type[LetterForm]:
    fields = {answer_field(q.id): TextAreaField(q.text) for q in place.questions}
    return type(f"LetterForm_{place.id}", (base,), fields)


class FeedbackForm(FlaskForm):
    """The coach's feedback: one text field per frame section and per answer comment.

    Use ``FeedbackForm.for_keys(keys)``; keys come from ``inbox.feedback_keys``.
    """

    @classmethod
    def for_keys(cls, keys: list[str], **kwargs) -> FeedbackForm:
        return _feedback_form_class(cls, tuple(keys))(**kwargs)

    def texts(self, keys: list[str]) -> dict[str, str]:
        return {key: self[key].data or "" for key in keys}

    def refuse(self, frame: Frame, texts: dict[str, str], limit: int, *, sending: bool) -> None:
        """Put on its fields why this feedback cannot be kept (a text over ``limit``) or,
        when ``sending``, sent (a required section left empty)."""
        for key, text in texts.items():
            if letters.too_long(text, limit):
                self[key].errors.append(too_long_message(len(text), limit))
        for section in frame.sections if sending else ():
            key = f"s-{section.id}"
            if section.required and not texts.get(key, "").strip():
                self[key].errors.append(
                    _l("Dit deel van het kader hoort erbij. Schrijf hier nog iets.")
                )


@functools.cache
def _feedback_form_class(base: type[FeedbackForm], keys: tuple[str, ...]) -> type[FeedbackForm]:
    return type("FeedbackFormFor", (base,), {key: TextAreaField(key) for key in keys})


class FreeLetterForm(FlaskForm):
    """A coachee's free letter: the text, and the mood and note that may go with it."""

    body = TextAreaField(_l("Je brief"))
    mood = LetterForm.mood
    progress = LetterForm.progress
    note = TextAreaField(_l("Een notitie voor je coach (mag leeg blijven)"))

    mood_value = LetterForm.mood_value
    progress_value = LetterForm.progress_value


class GoalForm(FlaskForm):
    """The coachee's goal for their trajectory, in their own words."""

    goal = TextAreaField(_l("Je doel"))


class CoachLetterForm(FlaskForm):
    """A coach's free letter to a coachee."""

    body = TextAreaField(_l("Je brief"), validators=[DataRequired(_l("Schrijf eerst je brief."))])


class PrefixedForm(FlaskForm):
    """One of several forms on a page: it counts as submitted only when its own button was used."""

    def submit_ok(self) -> bool:
        return f"{self._prefix}submit" in request.form and self.validate_on_submit()


class PromiseForm(PrefixedForm):
    promise_hours = IntegerField(
        _l("Binnen hoeveel uur beloof je een antwoord?"),
        validators=[
            InputRequired(_l("Vul een aantal uren in.")),
            NumberRange(1, 168, _l("Kies een belofte van 1 tot 168 uur.")),
        ],
    )


class AbsenceForm(PrefixedForm):
    starts_at = DateTimeLocalField(
        _l("Afwezig vanaf"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Vul een begin in."))],
    )
    ends_at = DateTimeLocalField(
        _l("Afwezig tot"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Vul een einde in."))],
    )
    substitute = SelectField(_l("Nieuwe brieven gaan in die tijd naar"), choices=[])

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Het einde ligt na het begin."))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class ProposalForm(FlaskForm):
    """A next step the coach proposes: one select of targets (``place:<id>``,
    ``question:<place>:<question>``, ``text:<id>``), an optional date, a short reason.

    On the letter page it rides along in the feedback form (prefix ``proposal-``,
    the feedback form's CSRF token covers it)."""

    target = SelectField(_l("Stel voor"), choices=[], validate_choice=False)
    due_on = StringField(
        _l("Graag voor (mag leeg blijven)"), filters=[strip], render_kw={"type": "date"}
    )
    reason = TextAreaField(_l("Waarom, in een paar woorden (mag leeg blijven)"), filters=[strip])

    def set_targets(self, world, texts=()) -> None:
        """The choices: every place, then each of its questions; then library texts, given
        as ``(id, title)`` pairs."""
        choices = [SelectChoice("", _l("Kies een plek, vraag of tekst"))]
        for place in world.places:
            choices.append(
                SelectChoice(f"place:{place.id}", _l("%(place)s — de hele plek", place=place.name))
            )
            choices += [
                SelectChoice(f"question:{place.id}:{q.id}", f"{place.name} — {q.text}")
                for q in place.questions
            ]
        choices += [
            SelectChoice(f"text:{text_id}", _l("Lees: %(title)s", title=title))
            for text_id, title in texts
        ]
        self.target.choices = choices

    def target_parts(self) -> tuple[str, str | None, str | None, str | None]:
        """The chosen target as (kind, place id, question id, text id); kind "" for none."""
        kind, _sep, rest = (self.target.data or "").partition(":")
        if kind == "place":
            return kind, rest, None, None
        if kind == "question":
            place_id, _sep, question_id = rest.partition(":")
            return kind, place_id, question_id, None
        if kind == "text":
            return kind, None, None, rest
        return "", None, None, None

    def due_date(self):
        """The typed date, or None; a date that cannot be read gets an error on the form."""
        if not self.due_on.data:
            return None
        try:
            return date.fromisoformat(self.due_on.data)
        except ValueError:
            self.due_on.errors = [*self.due_on.errors, _l("Dit is geen datum. Kies een dag.")]
            return None


class PracticeCommentForm(FlaskForm):
    """A supervisor's comment on a practice answer: on the whole, or on a passage of it."""

    passage = TextAreaField(_l("Over deze passage (mag leeg blijven)"), filters=[strip])
    body = TextAreaField(
        _l("Je opmerking"),
        filters=[strip],
        validators=[
            DataRequired(_l("Schrijf eerst je opmerking.")),
            Length(max=4_000, message=_l("Een opmerking heeft hoogstens %(max)d tekens.")),
        ],
    )


class NoticeMailForm(FlaskForm):
    """Which kinds of notice someone wants by mail: one checkbox per kind of their role
    (``notice_mail_form`` adds them)."""


@functools.cache
def _notice_mail_form_class(kinds: tuple[str, ...]) -> type[NoticeMailForm]:
    return type(
        "NoticeMailFormFor", (NoticeMailForm,), {kind: BooleanField(kind) for kind in kinds}
    )


def notice_mail_form(kinds: tuple[str, ...], **kwargs) -> NoticeMailForm:
    return _notice_mail_form_class(tuple(str(kind) for kind in kinds))(**kwargs)


CLIENT_ID = f"^{chats.CLIENT_ID.pattern}$"  # a message's id, made by the writer's browser
SESSION_LENGTHS = (30, 45, 60, 90)  # minutes, offered when a coach publishes time


class AvailabilityForm(FlaskForm):
    """Time a coach keeps free for live sessions: once, or every week."""

    starts_on = DateField(
        _l("Datum (de eerste, als het elke week is)"),
        validators=[InputRequired(_l("Vul een datum in."))],
    )
    starts_at = TimeField(_l("Begintijd"), validators=[A_TIME])
    minutes = SelectField(
        _l("Lengte van een gesprek"),
        choices=[
            SelectChoice(str(m), _l("%(minutes)s minuten", minutes=m)) for m in SESSION_LENGTHS
        ],
        default="60",
    )
    weekly = BooleanField(_l("Elke week op deze dag en tijd"))
    until = DateField(_l("Elke week tot en met (leeg: zonder einde)"), validators=[Optional()])


class BookForm(FlaskForm):
    """A slot to book or move to (``<availability id>-<start timestamp>``)."""

    slot = StringField(
        validators=[
            InputRequired(_l("Kies een tijd.")),
            Regexp(r"^\d{1,10}-\d{1,12}$", message=_l("Kies een tijd.")),
        ]
    )


class VideoLinkForm(FlaskForm):
    video_link = StringField(
        _l("Link naar je eigen video- of beltool (alleen jullie tweeën zien hem)"),
        filters=[strip],
        validators=[Length(max=500, message=_l("Een link is hooguit 500 tekens lang."))],
    )


class ChatMessageForm(FlaskForm):
    """A message in a chat, sent without JavaScript (the page's script sends JSON)."""

    client_id = StringField(validators=[Regexp(CLIENT_ID)])
    body = TextAreaField(
        _l("Je bericht"),
        validators=[
            DataRequired(_l("Schrijf eerst een bericht.")),
            Length(max=MAX_MESSAGE_LENGTH, message=_l("Een bericht is hooguit 4000 tekens lang.")),
        ],
    )


class PhaseForm(FlaskForm):
    client_id = StringField(validators=[Optional(), Regexp(CLIENT_ID)])
    phase = StringField(validators=[InputRequired()])


class AsyncChatForm(FlaskForm):
    """The coach opens a chat on distance with one of their coachees."""

    coachee = SelectField(_l("Met"), choices=[])
    reply_hours = SelectField(_l("Je antwoordt binnen"), choices=[], default="4")
