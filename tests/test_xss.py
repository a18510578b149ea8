"""Whatever people type comes back inert: escaped on every page that shows it.

Each classic XSS payload goes through every field where someone types text
(registration and login, the coachee's answers, notes and free letters, the
coach's feedback, comments and letters, the admin's staff form, and a few query
strings), then every page that shows it is fetched. A payload must come back
only escaped: never raw, no ``<script>`` but the page's own ``<script src>``
tags, no event-handler attributes, no ``javascript:`` URLs, and ``{{ 7*7 }}``
stays text. Every response sends a Content-Security-Policy without
'unsafe-inline' for scripts; the dossier exports are attachments.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt
from markupsafe import escape
from sqlalchemy import select

from journey import accounts
from journey.extensions import db
from journey.models import Letter, LetterKind, Role, User, Visit

from .conftest import PASSWORD, Actor, login

PLACE, DRAFT_PLACE = "veilige-haven", "stille-vijver"
MD, JSON = "text/markdown", "application/json"


pytestmark = pytest.mark.usefixtures("quick_password_hashes")

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "<svg onload=alert(1)>",
    "' onmouseover='alert(1)' x='",
    '" autofocus onfocus="alert(1)" x="',
    "{{ 7*7 }}",
    "{% print(7*7) %}{{ config.SECRET_KEY }}${7*7}",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">klik</a>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # fullwidth < and >
    "&lt;script&gt;alert(1)&lt;/script&gt;",  # already encoded: must not be decoded
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="&#97;lert(1)">',
    "<details open ontoggle=alert(1)>",
    "<style>*{display:none}</style><base href=//evil.example/>",
    "]]><!--<script>alert(1)//--><?xml?>",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
FOREIGN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}


class Audit(HTMLParser):
    """What in a page could run: scripts, event handlers, javascript: URLs, foreign tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"a <script> that is not the page's own: {values}")
        if tag in FOREIGN_TAGS:
            self.problems.append(f"a <{tag}> tag")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler: <{tag} {name}={value!r}>")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>")
            url = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and url.startswith(("javascript:", "data:text/html")):
                self.problems.append(f"a script URL: <{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def script_policy(response) -> str:
    """The Content-Security-Policy's rule for scripts (script-src, else default-src)."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives.setdefault(name.lower(), value)
    return directives.get("script-src", directives.get("default-src", ""))


class Pages:
    """Checks every response of one payload and collects what is wrong, page by page."""

    def __init__(self, payload: str):
        self.payload = payload
        self.escaped = str(escape(payload))
        self.problems: list[str] = []

    def csp(self, label: str, response) -> None:
        policy = script_policy(response)
        if not policy:
            self.problems.append(f"{label}: no Content-Security-Policy for scripts")
        elif "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
            self.problems.append(f"{label}: scripts may run inline: {policy}")

    def page(self, label: str, response, *, shown: bool, status: int = 200) -> None:
        """An HTML page: ``shown`` when the payload must be on it (escaped)."""
        if response.status_code != status:
            self.problems.append(f"{label}: status {response.status_code}, not {status}")
            return
        self.csp(label, response)
        html = response.get_data(as_text=True)
        if self.escaped != self.payload and self.payload in html:
            self.problems.append(f"{label}: the payload is in the page unescaped")
        if shown and self.escaped not in html:
            self.problems.append(f"{label}: the payload is not shown (escaped)")
        audit = Audit()
        audit.feed(html)
        audit.close()
        self.problems += [f"{label}: {problem}" for problem in audit.problems]

    def download(self, label: str, response, media_type: str) -> str:
        """A dossier export: an attachment of its own type, never a page; returns its text."""
        if response.status_code != 200:
            self.problems.append(f"{label}: status {response.status_code}")
            return ""
        self.csp(label, response)
        if response.mimetype != media_type:
            self.problems.append(f"{label}: Content-Type {response.content_type}")
        if not response.headers.get("Content-Disposition", "").startswith("attachment"):
            self.problems.append(f"{label}: not an attachment")
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            self.problems.append(f"{label}: the browser may sniff it as HTML")
        text = response.get_data(as_text=True)
        if media_type == MD:  # as a Markdown viewer that renders HTML would show it
            rendered = MarkdownIt("commonmark", {"html": True}).render(text)
            audit = Audit()
            audit.feed(rendered)
            self.problems += [f"{label} (rendered): {problem}" for problem in audit.problems]
            shown = html.unescape(rendered)
        else:
            shown = json_texts(text)
        if self.payload not in shown:
            self.problems.append(f"{label}: the text was not exported as written")
        return text


def json_texts(text: str) -> str:
    """Every string in a JSON document, one per line."""
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(text))
    return "\n".join(found)


def registration(pseudonym: str, email: str = "", code: str = "") -> dict[str, str]:
    return {
        "pseudonym": pseudonym,
        "password": PASSWORD,
        "confirm": PASSWORD,
        "email": email,
        "invitation_code": code,
    }


def autosave(client, url: str, text: str) -> None:
    response = client.post(url, json={"text": text})
    assert response.status_code == 200, (url, response.status_code, response.get_json())


def switch_to(client, user: Actor) -> None:
    """Log out whoever is logged in, and log ``user`` in."""
    client.post("/logout")
    response = login(client, user)
    assert response.status_code == 302, f"could not log in as {user.pseudonym}"


def latest_id(app, query) -> int:
    """The id the query finds last (by id)."""
    with app.app_context():
        return db.session.scalars(query.order_by(query.selected_columns[0].desc())).first()


def only_id(app, query) -> int:
    """The id of the one row the query finds (an error when there is none, or more)."""
    with app.app_context():
        return db.session.scalars(query).one()


def open_visit(app, coachee: Actor, place_id: str) -> int:
    query = select(Visit.id).where(Visit.coachee_id == coachee.id, Visit.place_id == place_id)
    return latest_id(app, query)


def free_draft(app, coachee: Actor) -> int:
    query = select(Letter.id).where(
        Letter.coachee_id == coachee.id, Letter.kind == LetterKind.FREE, Letter.sent_at.is_(None)
    )
    return latest_id(app, query)


@dataclass
class Written:
    """What one payload went into: the coachee, their letters and the coach's letter (ids)."""

    coachee: Actor
    email_kept: bool
    questions: list[str]
    place_letter: int = 0
    free_letter: int = 0
    coach_letter: int = 0


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{n}" for n in range(len(PAYLOADS))])
def test_what_people_type_comes_back_inert(app, client, make_user, payload):
    coach = make_user("Coach Anna", Role.COACH)
    admin = make_user("Beheerder Bo", Role.ADMIN)
    check = Pages(payload)
    written = register(app, client, check, coach)
    coachee_writes(app, client, written, payload)
    switch_to(client, coach)
    coach_writes(app, client, written, payload)
    coach_reads(client, check, written)
    switch_to(client, written.coachee)
    coachee_reacts(client, check, written)
    coachee_reads(app, client, check, written)
    switch_to(client, coach)
    reacted = f"/inbox/letters/{written.place_letter}"
    check.page(f"coach {reacted} with reactions", client.get(reacted), shown=True)
    switch_to(client, admin)
    admin_writes_and_reads(app, client, check)
    assert not check.problems, f"payload {payload!r}:\n  " + "\n  ".join(check.problems)


def register(app, client, check: Pages, coach: Actor) -> Written:
    """Anonymous forms give back what was typed; the coachee registers, with the payload as
    e-mail address when it is taken for one."""
    with app.app_context():
        code = db.session.get(User, coach.id).invitation_code
    payload = check.payload
    asked = client.get("/register", query_string={"code": payload})
    check.page("/register?code=", asked, shown=True)
    check.page("/login?next=", client.get("/login", query_string={"next": payload}), shown=False)
    typed = client.post("/login", data={"pseudonym": payload, "password": "niet-het-wachtwoord"})
    check.page("login refused", typed, shown=True, status=422)
    refused = client.post("/register", data=registration(payload, code=code))
    check.page("registration with this pseudonym", refused, shown=True, status=422)
    for email in (payload, f"{payload}@example.org"):  # as typed, and shaped like an address
        response = client.post("/register", data=registration("Reiziger", email, code))
        if response.status_code == 302:
            break
        check.page(f"registration with e-mail {email!r}", response, shown=True, status=422)
    else:
        response = client.post("/register", data=registration("Reiziger", "", code))
    assert response.status_code == 302
    with app.app_context():
        user = accounts.find_by_pseudonym("Reiziger")
        coachee, email = Actor(user.id, user.pseudonym, Role(user.role)), user.email or ""
    return Written(coachee, payload in email, [])


def coachee_writes(app, client, written: Written, payload: str) -> None:
    """Autosaved answers and note left as drafts; a place letter and a free letter sent
    (autosaved first, then the form); a second free letter left as a draft."""
    world, coachee = app.extensions["journey.world"], written.coachee
    client.get(f"/places/{DRAFT_PLACE}")
    drafting = open_visit(app, coachee, DRAFT_PLACE)
    first = world.place(DRAFT_PLACE).questions[0].id
    autosave(client, f"/visits/{drafting}/drafts/q-{first}", payload)
    autosave(client, f"/visits/{drafting}/drafts/note", payload)
    written.questions = [q.id for q in world.place(PLACE).questions[:2]]
    client.get(f"/places/{PLACE}")
    visit = open_visit(app, coachee, PLACE)
    autosave(client, f"/visits/{visit}/drafts/q-{written.questions[0]}", payload)
    answers = {f"q-{q}": payload for q in written.questions}
    form = {"action": "send", "note": payload, "mood": "5", **answers}
    assert client.post(f"/visits/{visit}", data=form).status_code == 302
    with app.app_context():  # the visit's letter, as the send committed it
        written.place_letter = db.session.get(Visit, visit).letter.id
    client.get("/letters/new")
    free = written.free_letter = free_draft(app, coachee)
    autosave(client, f"/letters/{free}/drafts/body", payload)
    autosave(client, f"/letters/{free}/drafts/note", payload)
    form = {"action": "send", "body": payload, "note": payload}
    assert client.post(f"/letters/{free}", data=form).status_code == 302
    client.get("/letters/new")
    autosave(client, f"/letters/{free_draft(app, coachee)}/drafts/body", payload)


def coach_writes(app, client, written: Written, payload: str) -> None:
    """Feedback on the place letter (autosaved, then sent with comments on the answers),
    a feedback draft on the free letter, and a free letter to the coachee."""
    frame = app.extensions["journey.frames"].default
    first_section = f"s-{frame.sections[0].id}"
    place_letter, free = written.place_letter, written.free_letter
    autosave(client, f"/inbox/letters/{place_letter}/feedback/{first_section}", payload)
    sections = {f"s-{section.id}": payload for section in frame.sections}
    comments = {f"c-{q}": payload for q in written.questions}
    form = {"action": "send", **sections, **comments}
    sent = client.post(f"/inbox/letters/{place_letter}/feedback", data=form)
    assert sent.status_code == 302
    autosave(client, f"/inbox/letters/{free}/feedback/{first_section}", payload)
    url = f"/inbox/coachees/{written.coachee.id}/letter"
    assert client.post(url, data={"body": payload}).status_code == 302
    written.coach_letter = only_id(app, select(Letter.id).where(Letter.from_coach.is_(True)))


def coach_reads(client, check: Pages, written: Written) -> None:
    coachee_id, free_id = written.coachee.id, written.free_letter
    for url, shown in (
        ("/inbox/", False),
        ("/inbox/?filter=answered", False),
        (f"/inbox/letters/{written.place_letter}", True),
        (f"/inbox/letters/{free_id}", True),  # the letter, and the feedback draft in its field
        ("/inbox/coachees", False),
        (f"/inbox/coachees/{coachee_id}/letter", False),
        (f"/dossier/{coachee_id}", True),
    ):
        check.page(f"coach {url}", client.get(url), shown=shown)
    asked = client.get(f"/inbox/letters/{free_id}", query_string={"frame": check.payload})
    check.page("coach ?frame=", asked, shown=False)
    check.download("coach export.md", client.get(f"/dossier/{coachee_id}/export.md"), MD)
    check.download("coach export.json", client.get(f"/dossier/{coachee_id}/export.json"), JSON)


def coachee_reacts(client, check: Pages, written: Written) -> None:
    """A reaction with the payload as its line beside a comment and at the end; a refused
    one (no kind chosen) gives the line back as typed."""
    letter, payload = written.place_letter, check.payload
    for key in (f"c-{written.questions[0]}", "end"):
        url = f"/letters/{letter}/reactions/{key}"
        assert client.post(url, data={"kind": "touches", "line": payload}).status_code == 302
    refused = client.post(f"/letters/{letter}/reactions/end", data={"line": payload})
    check.page("coachee: a reaction without a kind", refused, shown=True, status=422)


def coachee_reads(app, client, check: Pages, written: Written) -> None:
    for url, shown in (
        (f"/letters/{written.place_letter}", True),  # answers, note, comments, feedback
        (f"/letters/{written.free_letter}", True),
        (f"/letters/{written.coach_letter}", True),
        ("/letters", False),
        (f"/places/{DRAFT_PLACE}", True),  # the drafts, back in their fields
        ("/letters/new", True),
        ("/map", False),
        ("/account", written.email_kept),
        ("/dossier", True),
    ):
        check.page(f"coachee {url}", client.get(url), shown=shown)
    if "privacy.index" in app.view_functions:
        check.page("coachee /privacy/", client.get("/privacy/"), shown=False)
    asked = client.get("/letters", query_string={"q": check.payload})
    check.page("coachee /letters?q=", asked, shown=False)
    check.download("coachee export.md", client.get("/dossier/export.md"), MD)
    check.download("coachee export.json", client.get("/dossier/export.json"), JSON)


def admin_writes_and_reads(app, client, check: Pages) -> None:
    """A staff account with the payload as pseudonym (refused) and as e-mail address."""
    payload = check.payload
    staff = {"role": Role.COACH.value, "password": PASSWORD}
    form = {"pseudonym": payload, "email": "nieuw@example.org", **staff}
    refused = client.post("/admin/staff/new", data=form)
    check.page("admin: staff with this pseudonym", refused, shown=True, status=422)
    for n, email in enumerate((payload, f"{payload}@example.org")):
        form = {"pseudonym": f"Coach Nieuw {n}", "email": email, **staff}
        created = client.post("/admin/staff/new", data=form)
        status = 200 if created.status_code == 200 else 422  # shown once on its page, or refused
        check.page(f"admin: staff with e-mail {email!r}", created, shown=True, status=status)
    for url in ("/admin/", "/admin/coachees", "/admin/codes"):
        check.page(f"admin {url}", client.get(url), shown=False)
    if "admin.access_log_search" in app.view_functions:
        searched = client.get("/admin/access-log", query_string={"q": payload})
        check.page("admin /admin/access-log?q=", searched, shown=True)


def test_pages_forbid_inline_scripts(client):
    """The header itself: scripts only from this site, never inline or eval'd."""
    for url in ("/", "/login", "/register", "/no-such-page"):
        policy = script_policy(client.get(url))
        assert policy and "'self'" in policy, (url, policy)
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, (url, policy)
        assert "*" not in policy.split() and "data:" not in policy.split(), (url, policy)
