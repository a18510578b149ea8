"""A coach's own trends: per month (in the coach's time zone) the feedback sent, the share
honouring each check of the second reader, response times and the coachees' reactions per
kind of comment; private unless the coach shares it with their supervisor (and the admins).

A controlled clock and a set of feedback across three months, one of them sent on the
last evening of February in UTC, which is already March in Amsterdam.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask.cli import ScriptInfo

from journey import accounts, inbox, reactions, second_reader, trends, verdicts
from journey.cli import cli
from journey.demo import COACH, REACTION_LINE
from journey.extensions import db
from journey.models import Feedback, FeedbackVerdict, Letter, Reaction, Role, User

from .conftest import Actor, a_place_letter, login, text_of

pytestmark = pytest.mark.usefixtures("quick_password_hashes")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
COMMENT = "Je schrijft dat het in je hoofd niet rustig is."


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def people(make_user):
    carla = make_user("Supervisor Carla", Role.SUPERVISOR)
    anna = make_user("Coach Anna", Role.COACH, time_zone="Europe/Amsterdam", supervisor=carla)
    bram = make_user("Coach Bram", Role.COACH)
    return {
        "anna": anna,
        "bram": bram,
        "carla": carla,
        "siem": make_user("Supervisor Siem", Role.SUPERVISOR),
        "mila": make_user("Mila", coach=anna),
        "noor": make_user("Noor", coach=bram),
        "admin": make_user("Beheerder Bo", Role.ADMIN),
    }


def answered(app, clock, frame, coachee, coach, letter_at, hours: float) -> tuple[int, str]:
    """A letter of ``coachee`` sent at ``letter_at`` (due 48 hours later), answered by
    ``coach`` ``hours`` later with a comment on its answer: (feedback id, comment key)."""
    clock.now = letter_at
    letter_id = a_place_letter(app, coachee, clock)
    clock.now = letter_at + timedelta(hours=hours)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        feedback = inbox.feedback_draft(letter, db.session.get(User, coach.id), frame, clock())
        key = f"c-{letter.visit.answers[0].question_id}"
        texts = {f"s-{s.id}": "Wat mooi dat je dit schrijft." for s in frame.sections}
        inbox.send_feedback(feedback, {**texts, key: COMMENT}, frame, clock())
        db.session.commit()
        return feedback.id, key


def set_verdicts(app, feedback_id: int, ok: dict[str, bool | None], default: bool = True) -> None:
    """The kept verdicts of one feedback: ``ok`` for the checks named, ``default`` else."""
    with app.app_context():
        db.session.execute(
            sa.delete(FeedbackVerdict).where(FeedbackVerdict.feedback_id == feedback_id)
        )
        for check in second_reader.CHECKS:
            value = ok.get(check, default)
            db.session.add(FeedbackVerdict(feedback_id=feedback_id, check_id=check, ok=value))
        db.session.commit()


def reaction(app, feedback_id: int, key: str, kind: str, comment_kinds: list[str]) -> None:
    """The coachee reacts to ``key``; the comment is taken to be of ``comment_kinds``."""
    with app.app_context():
        feedback = db.session.get(Feedback, feedback_id)
        made = reactions.react(feedback, key, kind, "", NOW)
        made.comment_kinds = comment_kinds
        db.session.commit()


@pytest.fixture
def history(app, clock, frame, people):
    """Anna's feedback over three months (and one from last year, and Bram's), with kept
    verdicts and reactions set by hand: the ids by name."""
    mila, anna = people["mila"], people["anna"]
    f = {}
    f["old"] = answered(app, clock, frame, mila, anna, utc(2025, 3, 15, 9), 5)  # 13 months ago
    # January: answered at 23:59 in Amsterdam on the 31st
    f["jan"] = answered(app, clock, frame, mila, anna, utc(2026, 1, 31, 12, 59), 10)
    f["feb1"] = answered(app, clock, frame, mila, anna, utc(2026, 2, 10, 8), 20)
    f["feb2"] = answered(app, clock, frame, mila, anna, utc(2026, 2, 12, 8), 60)  # late
    # sent 28 February 23:30 UTC: 1 March 00:30 in Amsterdam, so March
    f["mar1"] = answered(app, clock, frame, mila, anna, utc(2026, 2, 27, 23, 30), 24)
    f["mar2"] = answered(app, clock, frame, mila, anna, utc(2026, 3, 5, 9), 30)
    f["mar3"] = answered(app, clock, frame, mila, anna, utc(2026, 3, 10, 9), 50)  # late
    f["bram"] = answered(app, clock, frame, people["noor"], people["bram"], utc(2026, 3, 6), 1)
    clock.now = NOW
    set_verdicts(app, f["jan"][0], {})
    set_verdicts(app, f["feb1"][0], {"first_person": False})
    set_verdicts(app, f["feb2"][0], {"opens_positive": True}, default=False)
    set_verdicts(app, f["mar1"][0], {})
    set_verdicts(app, f["mar2"][0], {"first_person": False})
    set_verdicts(app, f["mar3"][0], {"quotes_coachee": None})  # no verdict on this one
    set_verdicts(app, f["bram"][0], {}, default=False)
    reaction(app, *f["mar1"], "touches", ["empathy", "question"])
    reaction(app, *f["mar2"], "misses", ["advice"])
    reaction(app, f["mar2"][0], "end", "touches", [])
    reaction(app, *f["feb1"], "touches", [])  # a comment of no recognisable kind
    reaction(app, *f["mar3"], "misses", ["empathy"])
    reaction(app, *f["bram"], "misses", ["empathy"])
    return f


def anna_trends(app, people) -> trends.Trends:
    with app.app_context():
        return trends.build(db.session.get(User, people["anna"].id), NOW, AMSTERDAM)


def signed_in(app, actor: Actor):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.0.{actor.id // 250}.{actor.id % 250}"  # own throttle
    assert login(client, actor).status_code == 302
    return client


def test_the_monthly_figures_are_a_hand_count(app, people, history):
    found = anna_trends(app, people)
    jan, feb, mar = found.months
    assert [m.start.isoformat() for m in found.months] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert (jan.letters, feb.letters, mar.letters, found.total.letters) == (1, 2, 3, 6)
    share = trends.Share
    assert jan.checks["first_person"] == share(1, 1)
    assert feb.checks["first_person"] == share(0, 2)
    assert feb.checks["opens_positive"] == share(2, 2)
    assert feb.checks["closes_positive"] == share(1, 2)
    assert mar.checks["first_person"] == share(2, 3) and mar.checks["first_person"].percent == 67
    assert mar.checks["quotes_coachee"] == share(2, 2)  # one gave no verdict
    assert found.total.checks["first_person"] == share(3, 6)
    assert found.total.checks["opens_positive"] == share(6, 6)
    assert set(mar.checks) == set(second_reader.CHECKS)  # every check, the new ones too


def test_response_times_per_month(app, people, history):
    jan, feb, mar = anna_trends(app, people).months
    assert (jan.median, jan.on_time) == (timedelta(hours=10), trends.Share(1, 1))
    assert (feb.median, feb.on_time) == (timedelta(hours=40), trends.Share(1, 2))
    assert (mar.median, mar.on_time) == (timedelta(hours=30), trends.Share(2, 3))
    total = anna_trends(app, people).total
    assert total.median == timedelta(hours=27) and total.on_time == trends.Share(4, 6)


def test_reactions_per_kind_of_comment(app, people, history):
    found = anna_trends(app, people)
    jan, feb, mar = found.months
    tally = trends.Tally
    assert found.kinds == (*second_reader.COMMENT_KINDS, "letter", "other")
    assert not any(jan.reactions.values())
    assert {k: v for k, v in feb.reactions.items() if v} == {"other": tally(1, 0)}
    assert {k: v for k, v in mar.reactions.items() if v} == {
        "empathy": tally(1, 1),
        "question": tally(1, 0),
        "advice": tally(0, 1),
        "letter": tally(1, 0),
    }
    assert found.total.reactions["empathy"] == tally(1, 1)  # Bram's is Bram's
    assert found.total.reactions["other"] == tally(1, 0)


def test_the_page_shows_the_figures_in_the_coachs_own_time_zone(app, people, history):
    anna = signed_in(app, people["anna"])
    page = text_of(anna.get("/trends/").get_data(as_text=True))
    assert "Mijn trends" in page
    assert "jan 2026 1 10 uur 100% 1 van 1" in page
    assert "feb 2026 2 40 uur 50% 1 van 2" in page
    assert "mrt 2026 3 30 uur 67% 2 van 3" in page
    assert "Geen ‘ik’ 100% 1 van 1 0% 0 van 2 67% 2 van 3 50% 3 van 6" in page
    assert "Stelt een vraag – – 1 raakt · 0 mist 1 raakt · 0 mist" in page
    assert "De brief als geheel – – 1 raakt · 0 mist 1 raakt · 0 mist" in page
    assert "mrt 2025" not in page and "apr 2025" not in page  # nothing before the window
    with app.app_context():  # Anna lives in New York now: 1 March 00:30 in Amsterdam is
        db.session.get(User, people["anna"].id).time_zone = "America/New_York"  # February
        db.session.commit()
    page = text_of(anna.get("/trends/").get_data(as_text=True))
    assert "feb 2026 3 " in page and "mrt 2026 2 " in page


def test_the_window_starts_at_local_midnight_of_the_first_month(app):
    assert trends.window_start(NOW, AMSTERDAM) == utc(2025, 3, 31, 22)  # 1 April, summer time
    assert trends.window_start(NOW, AMSTERDAM, months=3) == utc(2025, 12, 31, 23)
    assert trends.month_of(utc(2026, 2, 28, 23, 30), AMSTERDAM).isoformat() == "2026-03-01"
    assert trends.month_of(utc(2026, 2, 28, 23, 30), ZoneInfo("UTC")).isoformat() == "2026-02-01"


def test_monthly_is_a_pure_function_of_its_facts():
    facts = [
        trends.FeedbackFacts(utc(2026, 3, 1, 10), utc(2026, 3, 1, 8), utc(2026, 3, 3), {"a": True}),
        trends.FeedbackFacts(
            utc(2026, 3, 5, 10), utc(2026, 3, 1, 10), utc(2026, 3, 3), {"a": False}
        ),
        trends.FeedbackFacts(utc(2024, 3, 5, 10), utc(2024, 3, 1, 10), None, {"a": False}),
    ]
    reacted = [trends.ReactionFacts(utc(2026, 3, 1, 10), "misses", ("x", "gone"))]
    months, total = trends.monthly(facts, reacted, AMSTERDAM, NOW, ["a", "b"], ["x"])
    [march] = months
    assert march.letters == 2 and march.checks == {"a": trends.Share(1, 2), "b": trends.Share()}
    assert march.median == timedelta(hours=49) and march.on_time == trends.Share(1, 2)
    assert march.reactions == {"x": trends.Tally(0, 1)} and total.letters == 2
    assert trends.Share().percent is None and trends.Share(1, 3).percent == 33


def test_verdicts_are_kept_when_feedback_is_sent(app, people, clock, frame):
    feedback_id, _key = answered(app, clock, frame, people["mila"], people["anna"], NOW, 3)
    with app.app_context():
        feedback = db.session.get(Feedback, feedback_id)
        kept = dict(
            db.session.execute(
                sa.select(FeedbackVerdict.check_id, FeedbackVerdict.ok).where(
                    FeedbackVerdict.feedback_id == feedback_id
                )
            ).all()
        )
        read = {f.id: f.ok for f in inbox.second_reading(feedback.letter, frame)}
    assert kept == read and set(kept) == set(second_reader.CHECKS)


def test_missing_verdicts_are_filled_once_when_the_page_is_built(
    app, people, history, count_queries, monkeypatch, frame
):
    """Older feedback without verdicts, and a check added later, are read on the page."""
    jan, mar1 = history["jan"][0], history["mar1"][0]
    with app.app_context():
        db.session.execute(sa.delete(FeedbackVerdict).where(FeedbackVerdict.feedback_id == jan))
        db.session.execute(
            sa.delete(FeedbackVerdict).where(
                FeedbackVerdict.feedback_id == mar1, FeedbackVerdict.check_id == "empathy"
            )
        )
        db.session.commit()
        expected = {f.id: f.ok for f in verdicts.reading(db.session.get(Feedback, jan), frame)}
    anna = signed_in(app, people["anna"])
    monkeypatch.setattr(trends, "FILL_BATCH", 1)  # one at a time: the page says so
    first = anna.get("/trends/").get_data(as_text=True)
    assert "leest oudere feedback nog na" in first
    anna.get("/trends/")
    settled = anna.get("/trends/").get_data(as_text=True)
    assert "leest oudere feedback nog na" not in settled
    with app.app_context():
        rows = db.session.execute(
            sa.select(FeedbackVerdict.feedback_id, FeedbackVerdict.check_id, FeedbackVerdict.ok)
        )
        kept = {(f, c): ok for f, c, ok in rows}
        old = db.session.scalar(
            sa.select(sa.func.count()).where(FeedbackVerdict.feedback_id == history["old"][0])
        )
    assert {c: kept[(jan, c)] for c in second_reader.CHECKS} == expected
    assert (mar1, "empathy") in kept and kept[(mar1, "first_person")] is True  # kept as set
    assert old == len(second_reader.CHECKS)  # out of the window: left alone
    _, reads = count_queries(anna.get, "/trends/")
    _, again = count_queries(anna.get, "/trends/")
    assert reads == again  # nothing left to fill: the page only reads


def test_missing_kinds_of_reacted_comments_are_filled(app, people, history):
    feedback_id, key = history["mar2"]
    with app.app_context():
        db.session.execute(
            sa.update(Reaction).where(Reaction.key == key).values(comment_kinds=None)
        )
        db.session.commit()
    signed_in(app, people["anna"]).get("/trends/")
    with app.app_context():
        kinds = db.session.scalars(
            sa.select(Reaction.comment_kinds).where(
                Reaction.feedback_id == feedback_id, Reaction.key == key
            )
        ).one()
        assert kinds == list(second_reader.comment_kinds(COMMENT, "Bij de zee voel ik me thuis."))


def test_the_page_is_the_coachs_alone_until_shared(app, people, history):
    anna_id = people["anna"].id
    pages = {
        who: signed_in(app, people[who])
        for who in ("anna", "bram", "carla", "siem", "mila", "admin")
    }

    def statuses() -> dict[str, int]:
        return {who: client.get(f"/trends/{anna_id}").status_code for who, client in pages.items()}

    assert statuses() == dict(anna=200, bram=404, carla=404, siem=404, mila=404, admin=404)
    assert pages["anna"].get("/trends/").status_code == 200
    for who in ("carla", "mila", "admin"):
        assert pages[who].get("/trends/").status_code == 404  # only a coach has their own
    admin_page = pages["admin"].get("/admin/").get_data(as_text=True)
    assert f"/trends/{anna_id}" not in admin_page
    assert pages["carla"].get("/trends/999999").status_code == 404

    shared = pages["anna"].post("/trends/sharing", data={"share": "1"})
    assert shared.status_code == 302
    assert "Supervisor Carla, je supervisor, en de beheerders" in pages["anna"].get(
        "/trends/"
    ).get_data(as_text=True)
    assert statuses() == dict(anna=200, bram=404, carla=200, siem=404, mila=404, admin=200)
    page = text_of(pages["carla"].get(f"/trends/{anna_id}").get_data(as_text=True))
    assert "Trends van Coach Anna" in page and "mrt 2026 3 30 uur 67% 2 van 3" in page
    assert "Deel mijn trends" not in page and "Mila" not in page  # figures, no names
    assert f"/trends/{anna_id}" in pages["carla"].get("/practice/review").get_data(as_text=True)
    assert f"/trends/{anna_id}" in pages["admin"].get("/admin/").get_data(as_text=True)
    assert pages["carla"].get(f"/trends/{people['bram'].id}").status_code == 404  # not hers

    assert pages["anna"].post("/trends/sharing", data={"share": "0"}).status_code == 302
    assert statuses() == dict(anna=200, bram=404, carla=404, siem=404, mila=404, admin=404)


def test_a_new_supervisor_reads_the_trends_only_once_the_coach_shares_again(app, people):
    anna, anna_id = signed_in(app, people["anna"]), people["anna"].id
    assert anna.post("/trends/sharing", data={"share": "1"}).status_code == 302
    admin, siem = signed_in(app, people["admin"]), signed_in(app, people["siem"])
    field = f"coach-{anna_id}-supervisor"
    moved = admin.post(f"/admin/coaches/{anna_id}/supervisor", data={field: str(people["siem"].id)})
    assert moved.status_code == 302
    assert siem.get(f"/trends/{anna_id}").status_code == 404  # Anna shared with Carla
    assert admin.get(f"/trends/{anna_id}").status_code == 404
    assert "Deel mijn trends met mijn supervisor" in anna.get("/trends/").get_data(as_text=True)
    assert anna.post("/trends/sharing", data={"share": "1"}).status_code == 302
    assert siem.get(f"/trends/{anna_id}").status_code == 200


def test_sharing_needs_the_pages_csrf_token(app, people):
    anna = signed_in(app, people["anna"])
    assert anna.post("/trends/sharing", data={"share": "1"}, csrf=False).status_code == 400
    with app.app_context():
        assert db.session.get(User, people["anna"].id).trends_shared_at is None


def test_the_admin_gives_a_coach_a_supervisor(app, people):
    admin = signed_in(app, people["admin"])
    bram, carla = people["bram"], people["carla"]
    page = admin.get("/admin/trainees").get_data(as_text=True)
    assert f'action="/admin/coaches/{bram.id}/supervisor"' in page
    field = f"coach-{bram.id}-supervisor"
    done = admin.post(f"/admin/coaches/{bram.id}/supervisor", data={field: str(carla.id)})
    assert done.status_code == 302
    assert "Supervisor Carla is nu de supervisor van Coach Bram" in admin.get(
        "/admin/trainees"
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, bram.id).supervisor_id == carla.id
    refused = admin.post(f"/admin/coaches/{bram.id}/supervisor", data={field: "999"})
    assert refused.status_code == 422
    not_a_coach = admin.post(f"/admin/coaches/{people['mila'].id}/supervisor", data={})
    assert not_a_coach.status_code == 404
    carla_client = signed_in(app, carla)
    review = carla_client.get("/practice/review").get_data(as_text=True)
    assert "Coach Bram" not in review  # a coach is no trainee of hers, and shares nothing


def test_a_coach_without_feedback_sees_a_friendly_page(app, people):
    page = signed_in(app, people["bram"]).get("/trends/").get_data(as_text=True)
    assert "nog geen feedback verstuurd" in page


def test_the_inbox_links_to_the_trends(app, people):
    assert 'href="/trends/"' in signed_in(app, people["anna"]).get("/inbox/").get_data(as_text=True)


def test_the_page_needs_as_many_queries_for_little_or_much_feedback(
    app, people, history, clock, frame, count_queries
):
    anna = signed_in(app, people["anna"])
    anna.get("/trends/")
    _, little = count_queries(anna.get, "/trends/")
    for day in range(1, 9):
        answered(app, clock, frame, people["mila"], people["anna"], utc(2026, 3, 10 + day), 3)
    clock.now = NOW + timedelta(days=1)
    anna = signed_in(app, people["anna"])  # a day later: a new session
    anna.get("/trends/")
    _, much = count_queries(anna.get, "/trends/")
    assert much == little


def test_the_demo_coach_sees_the_demo_reaction_on_the_letter_and_in_her_trends(app, clock):
    clock.now = datetime.now(UTC)  # the demo's letters are written at the real time
    CliRunner().invoke(cli, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    secret = accounts.new_totp_secret()
    with app.app_context():
        anna = accounts.find_by_pseudonym(COACH.pseudonym)
        accounts.enable_two_factor(anna, secret)
        db.session.commit()
        [kept] = db.session.scalars(sa.select(Reaction)).all()
        letter_id = kept.feedback.letter_id
        assert kept.kind == "touches" and kept.line == REACTION_LINE
        kept_verdicts = db.session.scalar(sa.select(sa.func.count(FeedbackVerdict.check_id)))
        assert kept_verdicts == len(second_reader.CHECKS)
        actor = Actor(anna.id, anna.pseudonym, Role.COACH, COACH.password, secret)
    client = app.test_client()
    assert login(client, actor).status_code == 302
    letter = text_of(client.get(f"/inbox/letters/{letter_id}").get_data(as_text=True))
    assert f"Reiziger gaf aan: Dit raakt me “{REACTION_LINE}”" in letter
    page = text_of(client.get("/trends/").get_data(as_text=True))
    assert "1 raakt · 0 mist" in page
