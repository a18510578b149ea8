"""What is stored and exported holds nothing to exploit: two-factor secrets encrypted
(also those from before), no live HTML or remote image in the Markdown export, no
guessable password by any way of setting one, no fetching from outside for a PDF."""

from __future__ import annotations

import html
import http.server
import threading

import flask_migrate
import pytest
from markdown_it import MarkdownIt
from sqlalchemy import text

from journey import accounts, create_app, crypto, inbox
from journey.extensions import db
from journey.models import Letter, Role, User
from journey.pdf import render_pdf, static_files_only

from .conftest import PASSWORD, a_place_letter, login

GUESSABLE = ("123456789012", "aaaaaaaaaaaa", "qwertyuiopas", "Reiziger2026!")
PAYLOADS = (
    '<img src="http://evil.example/seen.png">',
    "![x](http://evil.example/seen2.png)",
    "[klik][r]\n\n[r]: http://evil.example/ref",
    "<script>alert(1)</script>",
)


# --- two-factor secrets --------------------------------------------------------------


def test_a_secret_from_before_the_upgrade_is_encrypted_by_it(tmp_path):
    """An older database with a plain-text secret: the migration encrypts it, and the
    app reads it back."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade(revision="684424a099da")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (pseudonym, login_name, password_hash, role, created_at, "
                    "totp_secret, failed_logins, session_epoch) VALUES ('Coach', 'coach', 'x', "
                    "'coach', '2026-03-02 09:00:00', 'JBSWY3DPEHPK3PXP', 0, 0)"
                )
            )
        flask_migrate.upgrade()
        stored = db.session.execute(text("SELECT totp_secret FROM users")).scalar_one()
        assert "JBSWY3DPEHPK3PXP" not in stored
        assert crypto.keyring().decrypt(stored) == "JBSWY3DPEHPK3PXP"
        assert db.session.scalars(db.select(User)).one().totp_secret == "JBSWY3DPEHPK3PXP"
        db.session.remove()  # SQLite: the session's transaction holds the write lock
        flask_migrate.downgrade(revision="684424a099da")  # and back, readable again
        stored = db.session.execute(text("SELECT totp_secret FROM users")).scalar_one()
        assert stored == "JBSWY3DPEHPK3PXP"
        db.engine.dispose()


# --- the Markdown export -------------------------------------------------------------


def test_the_markdown_export_shows_written_html_and_links_as_text(
    app, client, make_user, coach, clock, frame
):
    coachee = make_user("Reiziger", coach=coach)
    written = "\n\n".join(PAYLOADS)
    letter_id = a_place_letter(app, coachee, clock, answer=written)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        feedback = inbox.feedback_draft(letter, db.session.get(User, coach.id), frame, clock())
        texts = {f"s-{s.id}": written for s in frame.sections}
        inbox.send_feedback(feedback, texts, frame, clock())
        db.session.commit()
    login(client, coachee)
    markdown = client.get("/dossier/export.md").get_data(as_text=True)
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)  # a viewer with HTML on
    assert "<img" not in rendered and "<script" not in rendered and "<a " not in rendered
    assert "evil.example" in rendered  # shown as text: nothing of what was written is lost
    assert html.unescape(rendered).count('<img src="http://evil.example/seen.png">') == (
        1 + len(frame.sections)
    )


# --- passwords -----------------------------------------------------------------------


@pytest.mark.parametrize("password", GUESSABLE)
def test_a_guessable_password_is_refused_at_registration(client, password):
    data = {"pseudonym": "Reiziger", "password": password, "confirm": password}
    response = client.post("/register", data=data)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    reasons = ("makkelijk te raden", "veelgebruikte wachtwoorden", "lijkt te veel op je schuilnaam")
    assert any(reason in page for reason in reasons)
    assert 'value="Reiziger"' in page  # what was typed stays


def test_an_admin_cannot_give_staff_a_guessable_password(app, client, make_user):
    login(client, make_user("Beheerder Bo", Role.ADMIN))
    data = {"pseudonym": "Coach Cas", "email": "", "role": "coach", "password": "qwertyuiopas"}
    response = client.post("/admin/staff/new", data=data)
    assert response.status_code == 422
    assert "makkelijk te raden" in html.unescape(response.get_data(as_text=True))
    data["password"] = "Coach Cas 2026"
    response = client.post("/admin/staff/new", data=data)
    assert response.status_code == 422
    assert "lijkt te veel op je schuilnaam" in html.unescape(response.get_data(as_text=True))
    data["password"] = PASSWORD
    assert client.post("/admin/staff/new", data=data).status_code == 200


def test_no_account_gets_a_guessable_password_by_any_way(app, clock):
    with app.app_context():
        for password in GUESSABLE:
            with pytest.raises(accounts.AccountProblem) as refused:
                accounts.create_account("Reiziger", password, Role.COACHEE, clock())
            assert refused.value.kind in ("common", "guessable", "like_pseudonym")
        assert accounts.password_problem("Anna2026!!", "Anna", "") is not None
        assert accounts.password_problem("ketel-zomer-vlinder-kaas") is None


# --- PDFs ----------------------------------------------------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (the handler's name is fixed)
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_pdf_reads_journeys_static_files_and_nothing_else(app, tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    try:
        page = (
            f'<link rel="stylesheet" href="file://{secret}">'
            f'<img src="http://127.0.0.1:{server.server_port}/spy.png">'
            f'<img src="file:///etc/hostname"><img src="favicon.svg"><p>Dossier</p>'
        )
        pdf = render_pdf(page, app.static_folder)
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF") and Recorder.hits == []
    fetcher = static_files_only(app.static_folder)
    for url in (f"file://{secret}", "file:///etc/hostname", "http://127.0.0.1:9/x.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch(f"file://{app.static_folder}/favicon.svg") is not None
