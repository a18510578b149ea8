"""Rules for letters: due time and what may be sent. Plain values, no app."""

from datetime import UTC, datetime

import pytest

from journey.letters import LetterProblem, check_letter, due_at

SENT = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
LIMITS = {"max_answer_length": 10, "max_note_length": 5}


def test_due_time_is_sent_time_plus_promise():
    assert due_at(SENT, 48) == datetime(2026, 3, 4, 22, 30, tzinfo=UTC)
    assert due_at(SENT, 4) == datetime(2026, 3, 3, 2, 30, tzinfo=UTC)


def test_a_promise_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        due_at(SENT, 0)


def test_a_letter_with_one_answer_may_be_sent():
    assert check_letter({"a": "Ja.", "b": ""}, "", None, **LIMITS) == []


@pytest.mark.parametrize("answers", [{}, {"a": ""}, {"a": "  \n\t", "b": ""}])
def test_an_empty_letter_may_not_be_sent(answers):
    assert check_letter(answers, "kort", 5, **LIMITS) == [LetterProblem("empty")]


def test_too_long_answers_and_note_are_named_with_length_and_limit():
    problems = check_letter({"a": "x" * 11, "b": "x" * 10}, "y" * 6, None, **LIMITS)
    assert problems == [
        LetterProblem("answer_too_long", "a", 11, 10),
        LetterProblem("note_too_long", "note", 6, 5),
    ]


@pytest.mark.parametrize(
    ("mood", "ok"), [(None, True), (1, True), (10, True), (0, False), (11, False)]
)
def test_mood_is_one_to_ten_or_nothing(mood, ok):
    problems = check_letter({"a": "tekst"}, "", mood, **LIMITS)
    assert (problems == []) is ok
