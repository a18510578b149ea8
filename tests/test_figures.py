"""Response figures: the pure summary, the queries behind it, and durations in words."""

from datetime import UTC, datetime, timedelta

import pytest

from journey.extensions import db
from journey.figures import ResponseFigures, duration, figures_by_coach, figures_for, summarise
from journey.models import Letter, LetterKind, Role

from .conftest import Actor

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROMISE = timedelta(hours=48)


def answered(hours: float, *, days_ago: float = 1, promise: timedelta = PROMISE):
    """Times of a letter answered ``days_ago`` days before NOW, ``hours`` after it was sent."""
    answered_at = NOW - timedelta(days=days_ago)
    sent_at = answered_at - timedelta(hours=hours)
    return (sent_at, sent_at + promise, answered_at)


def waiting(hours_ago: float, promise: timedelta = PROMISE):
    sent_at = NOW - timedelta(hours=hours_ago)
    return (sent_at, sent_at + promise, None)


def test_nothing_to_summarise_gives_no_figures():
    assert summarise([], NOW) == ResponseFigures(
        answered=0, median=None, within_promise=None, waiting=0, overdue=0
    )
    assert summarise([], NOW).within_promise_percent is None


def test_median_of_an_odd_number_of_answers_is_the_middle_one():
    figures = summarise([answered(30), answered(2), answered(10)], NOW)
    assert figures.answered == 3
    assert figures.median == timedelta(hours=10)


def test_median_of_an_even_number_of_answers_lies_between_the_middle_two():
    figures = summarise([answered(2), answered(10), answered(31), answered(70)], NOW)
    assert figures.median == timedelta(hours=20, minutes=30)


def test_share_within_promise_counts_answers_by_their_due_time():
    letters = [
        answered(4, promise=timedelta(hours=4)),  # exactly on time counts
        answered(5, promise=timedelta(hours=4)),  # an hour late
        answered(47),
        answered(49),
    ]
    figures = summarise(letters, NOW)
    assert figures.within_promise == 0.5
    assert figures.within_promise_percent == 50


def test_only_answers_of_the_last_30_days_count():
    letters = [answered(1, days_ago=31), answered(3, days_ago=30), answered(5, days_ago=29)]
    figures = summarise(letters, NOW)
    assert figures.answered == 2
    assert figures.median == timedelta(hours=4)
    assert summarise(letters, NOW, days=29).answered == 1


def test_waiting_letters_count_whenever_sent_and_are_overdue_after_their_due_time():
    letters = [waiting(1), waiting(47), waiting(49), waiting(24 * 40), answered(60)]
    figures = summarise(letters, NOW)
    assert (figures.waiting, figures.overdue) == (4, 2)
    assert figures.answered == 1 and figures.within_promise == 0


def test_waiting_letters_alone_have_no_response_time():
    figures = summarise([waiting(50)], NOW)
    assert (figures.answered, figures.median, figures.within_promise) == (0, None, None)
    assert (figures.waiting, figures.overdue) == (1, 1)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "–"),
        (timedelta(seconds=20), "minder dan een minuut"),
        (timedelta(minutes=1), "1 minuut"),
        (timedelta(minutes=45), "45 minuten"),
        (timedelta(hours=1), "1 uur"),
        (timedelta(hours=2, minutes=5), "2 uur 5 minuten"),
        (timedelta(hours=31, minutes=20), "31 uur"),
        (timedelta(hours=47, minutes=40), "2 dagen"),
        (timedelta(days=2, hours=4), "2 dagen 4 uur"),
        (timedelta(days=1, hours=23, minutes=29), "47 uur"),
        (timedelta(days=10, hours=1), "10 dagen 1 uur"),
    ],
)
def test_duration_in_dutch_words(app, value, words):
    with app.app_context():  # the app's translations, as on a page
        assert duration(value) == words


def test_duration_filter_is_registered(app):
    template = app.jinja_env.from_string("{{ value | duration }}")
    assert template.render(value=timedelta(hours=31)) == "31 uur"


# On the database -----------------------------------------------------------------


@pytest.fixture
def letters(app, make_user, clock):
    """Add letters to ``coach`` (an Actor; None: the pool) sent ``hours_ago`` and answered
    after ``took`` hours (None: waiting)."""
    coachee = make_user("Zeemeeuw")

    def add(coach: Actor | None, hours_ago: float, took: float | None, **attributes) -> None:
        sent_at = clock() - timedelta(hours=hours_ago)
        fields = {
            "sent_at": sent_at,
            "due_at": sent_at + PROMISE,
            "answered_at": None if took is None else sent_at + timedelta(hours=took),
            **attributes,
        }
        with app.app_context():
            letter = Letter(
                coachee_id=coachee.id,
                coach_id=coach.id if coach else None,
                kind=LetterKind.FREE,
                created_at=sent_at,
                **fields,
            )
            db.session.add(letter)
            db.session.commit()

    return add


def test_figures_for_counts_only_this_coachs_letters_to_answer(app, make_user, letters, clock):
    anna, bert = make_user("Coach Anna", Role.COACH), make_user("Coach Bert", Role.COACH)
    letters(anna, 100, 10)
    letters(anna, 80, 50)  # answered late
    letters(anna, 60, None)  # waiting, overdue
    letters(anna, 2, None)  # waiting
    letters(anna, 24 * 40, 2)  # answered 40 days ago: outside the window
    letters(anna, 3, None, from_coach=True, due_at=None)  # Anna's own free letter
    letters(anna, 3, None, sent_at=None, due_at=None)  # a draft: no due time yet
    letters(bert, 100, 1)
    letters(bert, 90, None)
    letters(None, 50, None)  # in the pool

    with app.app_context():
        figures = figures_for(anna.id, clock())
    assert figures == ResponseFigures(
        answered=2, median=timedelta(hours=30), within_promise=0.5, waiting=2, overdue=1
    )


def test_figures_by_coach_gives_every_coach_in_two_queries(
    app, make_user, letters, clock, count_queries
):
    anna, bert = make_user("Coach Anna", Role.COACH), make_user("Coach Bert", Role.COACH)
    quiet = make_user("Coach Cor", Role.COACH)
    letters(anna, 100, 10)
    letters(anna, 3, None, from_coach=True, due_at=None)
    letters(bert, 100, 1)
    letters(bert, 90, None)
    letters(None, 50, None)

    with app.app_context():
        figures, statements = count_queries(figures_by_coach, clock())
        anna_alone = figures_for(anna.id, clock())

    assert statements == 2
    assert figures[anna.id] == anna_alone
    assert figures[anna.id].answered == 1 and figures[anna.id].waiting == 0
    assert (figures[bert.id].answered, figures[bert.id].waiting, figures[bert.id].overdue) == (
        1,
        1,
        1,
    )
    assert (figures[None].waiting, figures[None].overdue) == (1, 1)  # the shared pool
    assert quiet.id not in figures
