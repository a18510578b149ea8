"""Administration: staff accounts, invitation codes, assigning coachees, response figures.

Only admins enter: everyone else gets 404 (anonymous visitors are sent to log in).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import access, access_log, accounts, inbox, intervision, mail, notices
from ..admin_forms import (
    STAFF_ROLES,
    AssignCoachForm,
    AssignSupervisorForm,
    RenewCodeForm,
    StaffForm,
    TestMailForm,
)
from ..extensions import db
from ..figures import ResponseFigures, figures_by_coach
from ..forms import ROLE_NAMES, ActionForm, account_problem
from ..intervision_forms import GroupForm, MemberForm
from ..logs import security_event
from ..models import Role, User
from ..web import now, page_arg, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required(Role.ADMIN)
def admins_only() -> None:
    """Guards every admin page at once: others get 404, anonymous visitors the login page."""


def user_or_404(user_id: int, role: Role) -> User:
    """The account with this id and role; 404 when there is none."""
    user = db.session.get(User, user_id)
    if user is None or not user.has_role(role):
        abort(404)
    return user


@bp.get("/")
def index():
    figures = figures_by_coach(now())
    return render_template(
        "admin/index.html",
        coaches=accounts.users_with_role(Role.COACH),
        caseloads=accounts.caseloads(),
        figures=figures,
        no_figures=ResponseFigures(),
        pool=figures.get(None, ResponseFigures()),
        staff=accounts.users_with_role(Role.TRAINEE, Role.SUPERVISOR, Role.ADMIN),
        role_names=STAFF_ROLES,
        default_promise=current_app.config["DEFAULT_PROMISE_HOURS"],
    )


@bp.route("/staff/new", methods=["GET", "POST"])
def new_staff():
    form = StaffForm()
    if form.validate_on_submit():
        password = form.password.data or accounts.generate_password()
        try:
            user = accounts.create_account(
                form.pseudonym.data, password, Role(form.role.data), now(), email=form.email.data
            )
        except accounts.AccountProblem as problem:
            field, message = account_problem(problem.kind)
            form[field].errors.append(message)
        else:
            db.session.commit()
            security_event("staff_account_created", subject_id=user.id, subject_role=user.role)
            # Shown once, on this page only: the password is kept nowhere else.
            shown = None if form.password.data else password
            return render_template(
                "admin/staff_created.html", user=user, password=shown, role_names=STAFF_ROLES
            )
    return render_template("admin/new_staff.html", form=form), 422 if form.errors else 200


@bp.get("/codes")
def invitation_codes():
    rows = [(c, RenewCodeForm.for_coach(c)) for c in accounts.users_with_role(Role.COACH)]
    return render_template("admin/codes.html", rows=rows)


@bp.post("/coaches/<int:coach_id>/code")
def renew_code(coach_id: int):
    coach = user_or_404(coach_id, Role.COACH)
    if RenewCodeForm.for_coach(coach).validate_on_submit():
        code = accounts.renew_invitation_code(coach)
        db.session.commit()
        message = _(
            "%(name)s heeft nu de code %(code)s. De oude code werkt niet meer.",
            name=coach.pseudonym,
            code=code,
        )
        flash(message, "success")
    return redirect(url_for("admin.invitation_codes"))


@bp.get("/coachees")
def coachees():
    return _render_coachees()


@bp.post("/coachees/<int:coachee_id>/coach")
def assign_coach(coachee_id: int):
    coachee = user_or_404(coachee_id, Role.COACHEE)
    coaches = accounts.users_with_role(Role.COACH)
    form = AssignCoachForm.for_coachee(coachee, coaches)
    if not form.validate_on_submit():
        return _render_coachees(coaches, {coachee.id: form}, 422)
    coach = form.chosen(coaches)
    if coach != coachee.coach:
        accounts.assign_coach(coachee, coach)
        db.session.commit()
        security_event(
            "coach_assigned", subject_id=coachee.id, coach_id=coach.id if coach else None
        )
        where = coach.pseudonym if coach else _("de gedeelde pool")
        message = _(
            "Nieuwe brieven van %(name)s gaan nu naar %(where)s.",
            name=coachee.pseudonym,
            where=where,
        )
        flash(message, "success")
    return redirect(url_for("admin.coachees"))


def _render_coachees(coaches: list[User] | None = None, forms: dict | None = None, status=200):
    """The coachees page; ``forms`` holds the rows' forms that carry errors."""
    coaches = accounts.users_with_role(Role.COACH) if coaches is None else coaches
    forms = forms or {}
    rows = [
        (c, forms.get(c.id) or AssignCoachForm.for_coachee(c, coaches, formdata=None))
        for c in accounts.coachees()
    ]
    return render_template("admin/coachees.html", rows=rows, coaches=coaches), status


@bp.get("/trainees")
def trainees():
    return _render_trainees()


@bp.post("/trainees/<int:trainee_id>/supervisor")
def assign_supervisor(trainee_id: int):
    return _assign_supervisor(user_or_404(trainee_id, Role.TRAINEE))


@bp.post("/coaches/<int:coach_id>/supervisor")
def assign_coach_supervisor(coach_id: int):
    return _assign_supervisor(user_or_404(coach_id, Role.COACH))


def _assign_supervisor(account: User):
    """A trainee's or a coach's supervisor, from the form of their row."""
    supervisors = accounts.users_with_role(Role.SUPERVISOR)
    form = AssignSupervisorForm.for_account(account, supervisors)
    if not form.validate_on_submit():
        return _render_trainees(supervisors, {account.id: form}, 422)
    supervisor = form.chosen(supervisors)
    if supervisor != account.supervisor:
        accounts.assign_supervisor(account, supervisor)
        db.session.commit()
        name = account.pseudonym
        if supervisor is None:
            message = _("%(name)s heeft nu geen supervisor.", name=name)
        elif account.has_role(Role.TRAINEE):
            message = _(
                "%(supervisor)s leest nu de oefenantwoorden van %(name)s.",
                supervisor=supervisor.pseudonym,
                name=name,
            )
        else:
            message = _(
                "%(supervisor)s is nu de supervisor van %(name)s, en leest de trends van "
                "%(name)s zodra die ze deelt.",
                supervisor=supervisor.pseudonym,
                name=name,
            )
        flash(message, "success")
    return redirect(url_for("admin.trainees"))


def _render_trainees(supervisors=None, forms: dict | None = None, status=200):
    """The trainees and coaches with their supervisors; ``forms`` holds the rows' forms
    that carry errors (by account id)."""
    if supervisors is None:
        supervisors = accounts.users_with_role(Role.SUPERVISOR)
    forms = forms or {}

    def rows(role: Role) -> list:
        return [
            (a, forms.get(a.id) or AssignSupervisorForm.for_account(a, supervisors, formdata=None))
            for a in accounts.users_with_role(role)
        ]

    return render_template(
        "admin/trainees.html",
        rows=rows(Role.TRAINEE),
        coach_rows=rows(Role.COACH),
        supervisors=supervisors,
    ), status


@bp.route("/mail", methods=["GET", "POST"])
def mail_status():
    """The mail settings (no password), a test mail, the mails that failed and the
    letters past their due time across all coaches."""
    form = TestMailForm()
    settings = mail.MailSettings.from_config(current_app.config)
    answer = problem = None
    if form.validate_on_submit() and settings is not None:
        message = mail.message(
            settings,
            form.address.data,
            _("Testmail van Journey"),
            _("Dit is een testmail van Journey. Komt hij aan, dan kan Journey berichten mailen."),
            now(),
        )
        try:
            answer = mail.send(settings, message)
        except mail.MailError as error:
            problem = str(error)
        security_event("test_mail", ok=problem is None)
    status = 422 if form.errors or problem else 200
    return render_template(
        "admin/mail.html",
        settings=settings,
        base_url=current_app.config.get("BASE_URL"),
        form=form,
        answer=answer,
        problem=problem,
        failed=notices.troubled(page_arg()),
        overdue=inbox.overdue(now()),
        now=now(),
        kind_labels={str(k): v for k, v in notices.KIND_LABELS.items()},
    ), status


@bp.get("/access-log")
def access_log_search():
    """Search the access log by the name of the reader or of whose writing was read."""
    term = request.args.get("q", "")
    page = page_arg()
    rows, more = access_log.search(term, page)
    return render_template(
        "admin/access_log.html",
        rows=access_log.grouped(rows),
        role_names=ROLE_NAMES,
        term=term,
        page=page,
        more=more,
    )


# --- intervision groups ---------------------------------------------------------------


@bp.get("/intervision")
def intervision_groups():
    return _render_groups(GroupForm(formdata=None))


def _render_groups(form: GroupForm, status: int = 200):
    page = render_template("admin/intervision.html", groups=intervision.groups(), form=form)
    return page, status


@bp.post("/intervision")
def create_intervision_group():
    form = GroupForm()
    if not form.validate_on_submit():
        return _render_groups(form, 422)
    group = intervision.create_group(form.name.data, form.case_days.data, now())
    db.session.commit()
    flash(
        _("De groep %(name)s is gemaakt. Voeg er nu coaches aan toe.", name=group.name), "success"
    )
    return redirect(url_for("admin.intervision_group", group_id=group.id))


@bp.get("/intervision/<int:group_id>")
def intervision_group(group_id: int):
    group = access.group_or_404(group_id)
    form = GroupForm(formdata=None, data={"name": group.name, "case_days": group.case_days})
    return _render_group(group, form)


def _render_group(group, form=None, member_form=None, status: int = 200):
    candidates = intervision.candidates(group)
    page = render_template(
        "admin/intervision_group.html",
        group=group,
        members=intervision.members_of(group),
        form=form
        or GroupForm(formdata=None, data={"name": group.name, "case_days": group.case_days}),
        member_form=member_form or MemberForm.for_group(candidates, formdata=None),
        action_form=ActionForm(),
    )
    return page, status


@bp.post("/intervision/<int:group_id>")
def change_intervision_group(group_id: int):
    group = access.group_or_404(group_id)
    form = GroupForm()
    if not form.validate_on_submit():
        return _render_group(group, form=form, status=422)
    intervision.change_group(group, form.name.data, form.case_days.data)
    db.session.commit()
    flash(_("De groep is bewaard."), "success")
    return redirect(url_for("admin.intervision_group", group_id=group.id))


@bp.post("/intervision/<int:group_id>/members")
def add_intervision_member(group_id: int):
    group = access.group_or_404(group_id)
    candidates = intervision.candidates(group)
    form = MemberForm.for_group(candidates)
    coach = form.chosen(candidates) if form.validate_on_submit() else None
    if coach is None:
        if not form.errors:
            form.coach.errors.append(_("Kies een coach."))
        return _render_group(group, member_form=form, status=422)
    intervision.add_member(group, coach)
    db.session.commit()
    flash(_("%(name)s zit nu in de groep.", name=coach.pseudonym), "success")
    return redirect(url_for("admin.intervision_group", group_id=group.id))


@bp.post("/intervision/<int:group_id>/members/<int:coach_id>/remove")
def remove_intervision_member(group_id: int, coach_id: int):
    group = access.group_or_404(group_id)
    if ActionForm().validate_on_submit():
        intervision.remove_member(group, coach_id)
        db.session.commit()
        flash(_("De coach zit niet meer in de groep."), "success")
    return redirect(url_for("admin.intervision_group", group_id=group.id))


@bp.post("/intervision/<int:group_id>/delete")
def delete_intervision_group(group_id: int):
    group = access.group_or_404(group_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.intervision_group", group_id=group.id))
    name = group.name
    intervision.delete_group(group)
    db.session.commit()
    flash(_("De groep %(name)s en haar casussen zijn verwijderd.", name=name), "success")
    return redirect(url_for("admin.intervision_groups"))
