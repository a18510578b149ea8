"""Forms of the admin pages (Flask-WTF), with messages in Dutch."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from .accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from .forms import ROLE_NAMES, email_field, pseudonym_field
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
            Length(
                MIN_PASSWORD_LENGTH,
                MAX_PASSWORD_LENGTH,
                _l("Een wachtwoord heeft minstens %(min)d tekens.", min=MIN_PASSWORD_LENGTH),
            ),
        ],
    )


class RenewCodeForm(FlaskForm):
    """Only the CSRF token: renewing a coach's invitation code is a POST."""

    @classmethod
    def for_coach(cls, coach: User) -> RenewCodeForm:
        """The form of ``coach``'s row, with its own field names."""
        return cls(prefix=f"coach-{coach.id}")


def _choices(nobody: str, people: Sequence[User]) -> list[SelectChoice]:
    """A select's choices: ``nobody`` first, then every person by pseudonym."""
    return [SelectChoice(POOL, nobody)] + [SelectChoice(str(p.id), p.pseudonym) for p in people]


def _chosen(people: Sequence[User], value: str | None) -> User | None:
    return next((p for p in people if str(p.id) == value), None)


class AssignCoachForm(FlaskForm):
    """The coach of one coachee, or the shared pool. Use ``AssignCoachForm.for_coachee``."""

    coach = SelectField(_l("Coach"))

    @classmethod
    def for_coachee(cls, coachee: User, coaches: Sequence[User], **kwargs) -> AssignCoachForm:
        """The form of ``coachee``'s row: its own field names, the coaches to choose from,
        the current coach chosen."""
        form = cls(
            prefix=f"coachee-{coachee.id}",
            data={"coach": str(coachee.coach_id or POOL)},
            **kwargs,
        )
        form.coach.choices = _choices(_l("gedeelde pool"), coaches)
        form.coach.label.text = _l("Coach van %(name)s", name=coachee.pseudonym)
        return form

    def chosen(self, coaches: Sequence[User]) -> User | None:
        """The chosen coach, or None for the pool."""
        return _chosen(coaches, self.coach.data)


class AssignSupervisorForm(FlaskForm):
    """The supervisor of one trainee. Use ``AssignSupervisorForm.for_trainee``."""

    supervisor = SelectField(_l("Supervisor"))

    @classmethod
    def for_trainee(
        cls, trainee: User, supervisors: Sequence[User], **kwargs
    ) -> AssignSupervisorForm:
        form = cls(
            prefix=f"trainee-{trainee.id}",
            data={"supervisor": str(trainee.supervisor_id or POOL)},
            **kwargs,
        )
        form.supervisor.choices = _choices(_l("nog geen supervisor"), supervisors)
        form.supervisor.label.text = _l("Supervisor van %(name)s", name=trainee.pseudonym)
        return form

    def chosen(self, supervisors: Sequence[User]) -> User | None:
        """The chosen supervisor, or None."""
        return _chosen(supervisors, self.supervisor.data)
