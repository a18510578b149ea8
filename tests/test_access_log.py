"""The access log as people read it: Dutch labels, the letter or export read, repeats together."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from journey import access_log
from journey.extensions import db
from journey.models import AccessLog, Role

from .conftest import a_place_letter, login, text_of


def test_the_coachee_reads_who_read_what_in_plain_dutch(app, client, make_user, coach, clock):
    coachee = make_user("Mila", coach=coach)
    clock.advance(days=1)
    letter_id = a_place_letter(app, coachee, clock)
    login(client, coach)
    for _ in range(4):
        clock.advance(minutes=3)
        assert client.get(f"/inbox/letters/{letter_id}").status_code == 200
    clock.advance(minutes=3)
    assert client.get(f"/dossier/{coachee.id}/export.pdf").status_code == 200
    client.post("/logout")

    login(client, coachee)
    page = client.get("/privacy/").get_data(as_text=True)
    said = text_of(page)
    assert f"{coach.pseudonym} (coach)" in said
    assert re.search(r"je brief van \d{1,2} \w+ \d{4} 4 keer, sinds", said), said
    assert "je dossier als PDF" in said and "één keer" in said
    # no internal codes
    assert "dossier-pdf" not in said and "letter" not in said and f"#{letter_id}" not in said


def test_the_admin_log_names_the_letter_and_groups_repeats(app, client, make_user, coach, clock):
    coachee = make_user("Mila", coach=coach)
    letter_id = a_place_letter(app, coachee, clock)
    login(client, coach)
    client.get(f"/inbox/letters/{letter_id}")
    client.get(f"/inbox/letters/{letter_id}")
    client.get(f"/dossier/{coachee.id}")
    client.post("/logout")
    admin = make_user("Beheer", Role.ADMIN)
    login(client, admin)
    said = text_of(client.get("/admin/access-log").get_data(as_text=True))
    assert re.search(r"de brief van \d{1,2} \w+ \d{4} 2 keer, sinds", said), said
    assert "het dossier één keer" in said
    assert "dossier-page" not in said and f"#{letter_id}" not in said


def test_only_reads_one_after_another_are_taken_together(app, make_user, coach, clock):
    coachee = make_user("Mila", coach=coach)
    other = make_user("Noor", Role.COACH)
    start = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    who = [coach, coach, other, coach, coach, coach]
    with app.app_context():
        for minutes, reader in enumerate(who):
            db.session.add(
                AccessLog(
                    at=start + timedelta(minutes=minutes),
                    actor_id=reader.id,
                    actor_name=reader.pseudonym,
                    actor_role="coach",
                    subject_id=coachee.id,
                    subject_name="Mila",
                    what="dossier-page",
                )
            )
        db.session.commit()
        rows, more = access_log.search("Mila")
        runs = access_log.grouped(rows)
    assert not more
    assert [(run.first.actor_name, run.count) for run in runs] == [
        (coach.pseudonym, 3),
        (other.pseudonym, 1),
        (coach.pseudonym, 2),
    ]
    assert runs[0].at == start + timedelta(minutes=5)
    assert runs[0].earliest_at == start + timedelta(minutes=3)
