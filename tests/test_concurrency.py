"""Nothing is lost under load: many concurrent autosaves against real gunicorn workers.

The app runs in gunicorn (4 sync worker processes) on a free loopback port, on the
test database of the backend (SQLite file or PostgreSQL). Several coachees log in
and open a place; then threads save drafts at once, every thread its own answer,
each save longer than the one before. Every save must succeed, and afterwards every
answer must hold the last text sent for it, with one version per save. Then two
"tabs" per coachee save one answer at the same time: each save must get its own
version, and the answer must hold the text of the last one.

The test's own app (the ``app`` fixture, on the same database) writes the accounts
before gunicorn starts and reads the answers after it stopped, each time in an app
context of its own; while gunicorn writes, the test holds no app context, no
transaction and no open connection (on SQLite every transaction takes the write lock).
"""

from __future__ import annotations

import time

from journey.extensions import db
from journey.models import Answer, User, Visit

from .servers import Browser, Gunicorn, close_connections, run_together

WORKERS = 4
COACHEES = 4
THREADS_PER_COACHEE = 2  # each thread writes its own question of the coachee's visit
SAVES_PER_THREAD = 40
TABS = 2  # then two "tabs" of each coachee save one other answer at the same time
SAVES_PER_TAB = 20


def _text(pseudonym: str, question_id: str, number: int) -> str:
    """Save ``number`` of one answer: every save is longer than the one before."""
    return f"{pseudonym} over {question_id}, bewaring {number}: " + "verder schrijven " * number


def _stored_answers(app) -> dict[tuple[str, int, str], tuple[str, int]]:
    """(pseudonym, visit id, question id) -> (text, version): plain values, read through
    the app in an app context of their own."""
    with app.app_context():
        query = db.select(User.pseudonym, Visit.id, Answer).join(Visit.coachee).join(Visit.answers)
        return {
            (name, visit_id, answer.question_id): (answer.text, answer.version)
            for name, visit_id, answer in db.session.execute(query)
        }


def _failures(results: dict) -> list:
    return [
        (job, number, status, body)
        for job, answers in results.items()
        for number, (status, body) in enumerate(answers, start=1)
        if status != 200
    ]


def test_concurrent_autosaves_lose_nothing(app, make_user, world, tmp_path):
    place = next(p for p in world.places if len(p.questions) > THREADS_PER_COACHEE)
    questions = [q.id for q in place.questions[:THREADS_PER_COACHEE]]
    shared = place.questions[THREADS_PER_COACHEE].id  # written from two "tabs" at once
    names = [make_user(f"Belast {n}").pseudonym for n in range(COACHEES)]
    close_connections(app)

    server = Gunicorn(app, tmp_path / "gunicorn.log", workers=WORKERS)
    try:
        server.wait_until_ready()
        browsers, visits = {}, {}
        for name in names:
            browsers[name] = Browser(server.url)
            browsers[name].login(name)
            visits[name] = browsers[name].open_place(place.id)

        def write(name: str, question_id: str) -> list[tuple[int, dict]]:
            return [
                browsers[name].save_draft(visits[name], question_id, _text(name, question_id, n))
                for n in range(1, SAVES_PER_THREAD + 1)
            ]

        jobs = [(name, question_id) for name in names for question_id in questions]
        began = time.monotonic()
        results = run_together(jobs, write)
        elapsed = time.monotonic() - began

        def write_in_tab(name: str, tab: int) -> list[tuple[int, dict]]:
            return [
                browsers[name].save_draft(visits[name], shared, _text(name, f"tab {tab}", n))
                for n in range(1, SAVES_PER_TAB + 1)
            ]

        tabs = [(name, tab) for name in names for tab in range(TABS)]
        tab_results = run_together(tabs, write_in_tab)
    finally:
        server.stop()

    # Every thread wrote its own answer: each save counted, the last one kept.
    failures = _failures(results)
    assert not failures, f"{len(failures)} failed saves, first: {failures[:3]}\n{server.log()}"
    for job, answers in results.items():
        versions = [body["version"] for _status, body in answers]
        assert versions == list(range(1, SAVES_PER_THREAD + 1)), job
    stored = _stored_answers(app)
    for name, question_id in jobs:
        text, version = stored[(name, visits[name], question_id)]
        assert text == _text(name, question_id, SAVES_PER_THREAD), (name, question_id)
        assert version == SAVES_PER_THREAD, (name, question_id)
    saves = len(jobs) * SAVES_PER_THREAD
    print(f"{saves} concurrent autosaves in {elapsed:.1f} s")

    # Two tabs writing the same answer at once: every save succeeds and gets its own
    # version, and the answer holds the text of the save that got the last one.
    problems = [
        ("failed", job, number, status) for job, number, status, _ in _failures(tab_results)
    ]
    for name in names:
        sent = {
            body["version"]: _text(name, f"tab {tab}", number)
            for (who, tab), answers in tab_results.items()
            if who == name
            for number, (status, body) in enumerate(answers, start=1)
            if status == 200
        }
        text, version = stored.get((name, visits[name], shared), ("", 0))
        if sorted(sent) != list(range(1, TABS * SAVES_PER_TAB + 1)) or version != max(sent):
            problems.append(("lost", name, len(sent), version))
        elif text != sent[version]:
            problems.append(("wrong text", name, version))
    assert not problems, f"saves of one answer from two tabs went wrong: {problems[:4]}"
