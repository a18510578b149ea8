"""Forms of the admin pages (Flask-WTF), with messages in Dutch."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, Regexp

from .forms import ROLE_NAMES, PasswordPolicy, email_field, pseudonym_field
from .models import Role, User

STAFF_ROLES = {role: name for role, name in ROLE_NAMES.items() if role != Role.COACHEE}
POOL = ""  # the choice of the shared pool in AssignCoachForm


class StaffForm(FlaskForm):
    """A new staff account; an empty password means Journey makes one up."""

    pseudonym = pseudonym_field()
    email = email_field()
    role = SelectField(
        _l("Rol"),
        choices=[SelectChoice(role.value, label) for role, label in STAFF_ROLES.items()],
        default=Role.COACH,
    )
    password = StringField(
        _l("Eerste wachtwoord (mag leeg blijven)"),
        validators=[
            Optional(strip_whitespace=False),
            PasswordPolicy(),
        ],
    )


class RenewCodeForm(FlaskForm):
    """Only the CSRF token: renewing a coach's invitation code is a POST."""

    @classmethod
    def for_coach(cls, coach: User) -> RenewCodeForm:
        """The form of ``coach``'s row, with its own field names."""
        return cls(prefix=f"coach-{coach.id}")


class AssignForm(FlaskForm):
    """Choosing one person, or nobody, for an account: a coachee's coach, a trainee's
    supervisor. A subclass declares the select field named ``field_name``."""

    field_name: str

    @classmethod
    def _for(
        cls, account: User, current: int | None, people: Sequence[User], nobody, label, **kwargs
    ):
        """The form of ``account``'s row: its own field names, ``people`` to choose from
        after ``nobody``, the ``current`` choice selected."""
        form = cls(
            prefix=f"{account.role}-{account.id}",
            data={cls.field_name: str(current or POOL)},
            **kwargs,
        )
        field = form[cls.field_name]
        field.choices = [SelectChoice(POOL, nobody)] + [
            SelectChoice(str(p.id), p.pseudonym) for p in people
        ]
        field.label.text = label
        return form

    def chosen(self, people: Sequence[User]) -> User | None:
        """The chosen person, or None for nobody."""
        return next((p for p in people if str(p.id) == self[self.field_name].data), None)


class AssignCoachForm(AssignForm):
    """The coach of one coachee, or the shared pool. Use ``AssignCoachForm.for_coachee``."""

    field_name = "coach"
    coach = SelectField(_l("Coach"))

    @classmethod
    def for_coachee(cls, coachee: User, coaches: Sequence[User], **kwargs) -> AssignCoachForm:
        label = _l("Coach van %(name)s", name=coachee.pseudonym)
        return cls._for(coachee, coachee.coach_id, coaches, _l("gedeelde pool"), label, **kwargs)


class AssignSupervisorForm(AssignForm):
    """The supervisor of one trainee or coach. Use ``AssignSupervisorForm.for_account``."""

    field_name = "supervisor"
    supervisor = SelectField(_l("Supervisor"))

    @classmethod
    def for_account(
        cls, account: User, supervisors: Sequence[User], **kwargs
    ) -> AssignSupervisorForm:
        label = _l("Supervisor van %(name)s", name=account.pseudonym)
        nobody = _l("nog geen supervisor")
        return cls._for(account, account.supervisor_id, supervisors, nobody, label, **kwargs)


class TestMailForm(FlaskForm):
    """Where the admin's test mail goes."""

    address = StringField(
        _l("Stuur een testmail naar"),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(_l("Vul een e-mailadres in.")),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Dit lijkt geen e-mailadres.")),
        ],
    )
