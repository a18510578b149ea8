"""The coachee's own book: passages marked in the dossier, gathered into chapters they
name and order; exported as PDF, EPUB and JSON; shared with their coach if they wish.

The book stays the coachee's after their trajectory closed: they can read, export and
go on shaping it (nothing in it reaches the coach unless they share it).
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import access_log, database
from .. import book as domain
from ..book import Book, build_book
from ..extensions import db
from ..forms import ActionForm, strip
from ..logs import security_event
from ..models import Role, User
from ..pdf import render_pdf
from ..throttles import export_throttle, one_export_at_a_time
from ..web import (
    MAX_ID,
    datetime_filter,
    local_today,
    now,
    page_language,
    role_required,
)

bp = Blueprint("book", __name__)

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "epub": "application/epub+zip",
    "json": "application/json",
}
STEPS = {"up": -1, "down": 1}


class MarkForm(FlaskForm):
    """A passage of one text of the dossier, to keep in the book."""

    source = HiddenField()
    letter = HiddenField()
    key = HiddenField()
    page = HiddenField()
    text = TextAreaField(_l("Wat wil je bewaren? Haal weg wat je niet nodig hebt."))


class ChapterForm(FlaskForm):
    title = StringField(
        _l("Titel van het hoofdstuk"),
        filters=[strip],
        validators=[
            DataRequired(_l("Geef je hoofdstuk een titel.")),
            Length(
                max=domain.MAX_TITLE_LENGTH,
                message=_l("Een titel heeft hoogstens %(max)d tekens."),
            ),
        ],
    )
    text = TextAreaField(
        _l("Je eigen tekst bij dit hoofdstuk (mag leeg blijven)"),
        validators=[
            Length(
                max=domain.MAX_TEXT_LENGTH,
                message=_l("Deze tekst heeft hoogstens %(max)d tekens."),
            )
        ],
    )


class PlaceForm(FlaskForm):
    chapter = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


PASSAGE_PROBLEMS = {
    "empty": _l("Er staat niets in het veld. Kies de woorden die je wilt bewaren."),
    "not_in_source": _l(
        "Deze woorden staan niet zo in de tekst. Bewaar een stuk dat letterlijk in de "
        "tekst staat: haal alleen weg wat je niet nodig hebt, en verander verder niets."
    ),
}


@bp.app_context_processor
def _names() -> dict:
    return {
        "book_title": domain.book_title,
        "chapter_title": domain.chapter_title,
        "passage_credit": domain.passage_credit,
    }


# The coachee's book


@bp.route("/book")
@role_required(Role.COACHEE)
def index():
    return _render_book(ChapterForm(formdata=None))


def _render_book(chapter_form: ChapterForm, status: int = 200):
    book = build_book(current_user)
    return (
        render_template(
            "book/index.html",
            book=book,
            chapter_form=chapter_form,
            action_form=ActionForm(),
            has_coach=current_user.coach_id is not None,
        ),
        status,
    )


@bp.post("/book/passages")
@role_required(Role.COACHEE)
def mark():
    """Keep a passage of the dossier (sent from the dossier page) in the book; a refused
    one is shown again, with its text, as typed."""
    form = MarkForm()
    letter_id = form.letter.data if (form.letter.data or "").isdigit() else ""
    source = None
    if letter_id and int(letter_id) <= MAX_ID:
        source = domain.find_source(
            current_user, form.source.data or "", int(letter_id), form.key.data or ""
        )
    if source is None:
        abort(404)
    if form.validate_on_submit():
        try:
            domain.mark(current_user, source, form.text.data or "", now())
        except domain.PassageProblem as problem:
            form.text.errors.append(str(PASSAGE_PROBLEMS[problem.kind]))
        else:
            db.session.commit()
            flash(_("Bewaard in je boek, bij Verzameld."), "success")
            page = form.page.data if (form.page.data or "").isdigit() else None
            return redirect(url_for("dossier.own", page=page if page != "1" else None))
    return render_template("book/mark.html", form=form, source=source), 422


@bp.post("/book/chapters")
@role_required(Role.COACHEE)
def add_chapter():
    form = ChapterForm()
    if form.validate_on_submit():
        chapter = domain.add_chapter(current_user, form.title.data, now())
        db.session.commit()
        flash(_("Je nieuwe hoofdstuk staat achteraan in je boek."), "success")
        return redirect(url_for("book.index", _anchor=f"hoofdstuk-{chapter.id}"))
    return _render_book(form, 422)


@bp.route("/book/chapters/<int:chapter_id>", methods=["GET", "POST"])
@role_required(Role.COACHEE)
def edit_chapter(chapter_id: int):
    """A chapter's title and the coachee's own text."""
    chapter = _own_chapter(chapter_id)
    form = ChapterForm(obj=chapter)
    if form.validate_on_submit():
        domain.edit_chapter(chapter, form.title.data, form.text.data or "", now())
        db.session.commit()
        flash(_("Je hoofdstuk is bewaard."), "success")
        return redirect(url_for("book.index", _anchor=f"hoofdstuk-{chapter.id}"))
    status = 422 if form.errors else 200
    return render_template("book/chapter.html", form=form, chapter=chapter), status


@bp.post("/book/chapters/<int:chapter_id>/move")
@role_required(Role.COACHEE)
def move_chapter(chapter_id: int):
    chapter = _own_chapter(chapter_id)
    step = STEPS.get(request.form.get("direction", ""))
    if ActionForm().validate_on_submit() and step:
        domain.move_chapter(current_user, chapter, step)
        db.session.commit()
    return redirect(url_for("book.index", _anchor=f"hoofdstuk-{chapter.id}"))


@bp.post("/book/chapters/<int:chapter_id>/delete")
@role_required(Role.COACHEE)
def delete_chapter(chapter_id: int):
    chapter = _own_chapter(chapter_id)
    if ActionForm().validate_on_submit():
        domain.delete_chapter(current_user, chapter)
        db.session.commit()
        flash(_("Het hoofdstuk is weg; de passages erin staan weer bij Verzameld."), "success")
    return redirect(url_for("book.index"))


@bp.post("/book/passages/<int:passage_id>/place")
@role_required(Role.COACHEE)
def place_passage(passage_id: int):
    """Put a passage in a chapter (last), or back among the gathered ones."""
    passage = _own_passage(passage_id)
    form = PlaceForm()
    if form.validate_on_submit():
        chapter = _own_chapter(form.chapter.data) if form.chapter.data else None
        domain.place_passage(current_user, passage, chapter)
        db.session.commit()
        flash(_("De passage is verplaatst."), "success")
    return redirect(url_for("book.index", _anchor=f"passage-{passage.id}"))


@bp.post("/book/passages/<int:passage_id>/move")
@role_required(Role.COACHEE)
def move_passage(passage_id: int):
    passage = _own_passage(passage_id)
    step = STEPS.get(request.form.get("direction", ""))
    if ActionForm().validate_on_submit() and step:
        domain.move_passage(current_user, passage, step)
        db.session.commit()
    return redirect(url_for("book.index", _anchor=f"passage-{passage.id}"))


@bp.post("/book/passages/<int:passage_id>/delete")
@role_required(Role.COACHEE)
def remove_passage(passage_id: int):
    passage = _own_passage(passage_id)
    if ActionForm().validate_on_submit():
        domain.remove_passage(passage)
        db.session.commit()
        flash(_("De passage is uit je boek gehaald. In je dossier staat ze nog."), "success")
    return redirect(url_for("book.index"))


@bp.post("/book/sharing")
@role_required(Role.COACHEE)
def sharing():
    """Share the book with the coach (``share=1``), or stop sharing it."""
    if ActionForm().validate_on_submit():
        if request.form.get("share") == "1" and current_user.coach_id is not None:
            domain.share(current_user, now())
            flash(_("Je coach kan je boek nu lezen (niet veranderen)."), "success")
        else:
            domain.unshare(current_user)
            flash(_("Je boek is weer alleen van jou."), "success")
        db.session.commit()
    return redirect(url_for("book.index"))


@bp.route("/book/export.<fmt>")
@role_required(Role.COACHEE)
@export_throttle
@one_export_at_a_time
def export(fmt: str):
    if fmt not in MEDIA_TYPES:
        abort(404)
    book = build_book(current_user)
    writers = {"pdf": pdf_of, "epub": epub_of, "json": domain.to_json}
    response = Response(writers[fmt](book), content_type=MEDIA_TYPES[fmt])
    filename = domain.export_name(book, local_today(), fmt)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    security_event("book_export", format=fmt, subject_id=current_user.id)
    return response


# The coach reads a shared book


@bp.route("/inbox/coachees/<int:coachee_id>/book")
@role_required(Role.COACH)
def coachee_book(coachee_id: int):
    """A coachee's book, read by their own coach while the coachee shares it; else 404."""
    coachee = db.session.get(User, coachee_id)
    if coachee is None or not domain.shared_with(coachee, current_user):
        abort(404)
    database.will_write()  # the read goes into the access log
    access_log.record(current_user, coachee, "book-page", now())
    db.session.commit()
    return render_template("book/read.html", book=build_book(coachee), coachee=coachee)


# Exports


def _date(value: datetime) -> str:
    return datetime_filter(value, "d MMMM y")


def pdf_of(book: Book) -> bytes:
    """The book as a tagged PDF, rendered from a print template; only local files are read."""
    html = render_template("book/print.html", book=book, made_at=now())
    return render_pdf(html, current_app.static_folder)


def epub_of(book: Book) -> bytes:
    return domain.to_epub(book, page_language().replace("_", "-"), now(), _date)


def _own_chapter(chapter_id: int):
    chapter = domain.own_chapter(current_user, chapter_id)
    if chapter is None:
        abort(404)
    return chapter


def _own_passage(passage_id: int):
    passage = domain.own_passage(current_user, passage_id)
    if passage is None:
        abort(404)
    return passage
