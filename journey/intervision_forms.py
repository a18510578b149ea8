"""Forms of intervision (Flask-WTF): the admin's groups, a coach's case, the coachee's answer."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange

from .forms import strip
from .intervision import DEFAULT_CASE_DAYS, MAX_CASE_DAYS
from .models import IntervisionGroup, Letter, User

MAX_QUESTION = 2_000
MAX_CASE_TEXT = 40_000  # a letter of several answers, anonymised


class GroupForm(FlaskForm):
    """A group's name and how many days its cases stay open."""

    name = StringField(
        _l("Naam van de groep"),
        filters=[strip],
        validators=[
            DataRequired(_l("Geef de groep een naam.")),
            Length(max=80, message=_l("Een naam heeft hoogstens %(max)d tekens.")),
        ],
    )
    case_days = IntegerField(
        _l("Een casus blijft zoveel dagen open"),
        default=DEFAULT_CASE_DAYS,
        validators=[
            InputRequired(_l("Vul een aantal dagen in.")),
            NumberRange(1, MAX_CASE_DAYS, _l("Kies van %(min)s tot %(max)s dagen.")),
        ],
    )


class MemberForm(FlaskForm):
    """A coach to put in a group."""

    coach = SelectField(_l("Coach"), choices=[], validate_choice=False)

    @classmethod
    def for_group(cls, coaches: Sequence[User], **kwargs) -> MemberForm:
        form = cls(**kwargs)
        form.coach.choices = [SelectChoice("", _l("Kies een coach"))] + [
            SelectChoice(str(c.id), c.pseudonym) for c in coaches
        ]
        return form

    def chosen(self, coaches: Sequence[User]) -> User | None:
        return next((c for c in coaches if str(c.id) == self.coach.data), None)


class NewCaseForm(FlaskForm):
    """Which letter to bring, to which group, with what question."""

    group = SelectField(_l("Intervisiegroep"), choices=[], validate_choice=False)
    letter = SelectField(_l("Brief en je feedback"), choices=[], validate_choice=False)
    question = TextAreaField(
        _l("Je vraag aan de groep"),
        filters=[strip],
        validators=[
            DataRequired(_l("Schrijf je vraag aan de groep.")),
            Length(max=MAX_QUESTION, message=_l("Je vraag heeft hoogstens %(max)d tekens.")),
        ],
    )

    def set_choices(
        self, groups: Sequence[IntervisionGroup], letters: Sequence[tuple[Letter, str]]
    ):
        """``letters``: each letter with how it is named in the list."""
        self.group.choices = [SelectChoice(str(g.id), g.name) for g in groups]
        self.letter.choices = [SelectChoice("", _l("Kies een brief"))] + [
            SelectChoice(str(letter.id), label) for letter, label in letters
        ]

    def chosen_group(self, groups: Sequence[IntervisionGroup]) -> IntervisionGroup | None:
        return next((g for g in groups if str(g.id) == self.group.data), None)

    def chosen_letter(self, letters: Sequence[tuple[Letter, str]]) -> Letter | None:
        return next(
            (letter for letter, _label in letters if str(letter.id) == self.letter.data), None
        )


class CaseDraftForm(FlaskForm):
    """The coach's review of the anonymised texts, and their question."""

    question = TextAreaField(
        _l("Je vraag aan de groep"),
        filters=[strip],
        validators=[
            DataRequired(_l("Schrijf je vraag aan de groep.")),
            Length(max=MAX_QUESTION, message=_l("Je vraag heeft hoogstens %(max)d tekens.")),
        ],
    )
    letter_text = TextAreaField(
        _l("De brief, zonder namen"),
        validators=[
            DataRequired(_l("Hier hoort de brief.")),
            Length(max=MAX_CASE_TEXT, message=_l("Dit deel heeft hoogstens %(max)d tekens.")),
        ],
    )
    feedback_text = TextAreaField(
        _l("Je feedback, zonder namen"),
        validators=[
            DataRequired(_l("Hier hoort je feedback.")),
            Length(max=MAX_CASE_TEXT, message=_l("Dit deel heeft hoogstens %(max)d tekens.")),
        ],
    )
    action = StringField(
        validators=[AnyOf(["save", "ask"], message=_l("Kies bewaren of toestemming vragen."))],
        default="save",
    )


class ConsentForm(FlaskForm):
    """The coachee's answer: yes, no, or (once shared) stop."""

    answer = StringField(
        validators=[
            DataRequired(_l("Kies ja of nee.")),
            AnyOf(["yes", "no", "stop"], message=_l("Kies ja of nee.")),
        ]
    )
