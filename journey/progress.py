"""A goal and a progress scale: the coachee's goal in their own words, and with each
letter how far they are on their way to it, from 0 to 10.

Plain functions: the time is passed in. The organisation may switch goal and scale
off (``GOAL_AND_PROGRESS``); the views ask ``enabled(config)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from .extensions import db
from .models import Letter, User

GOAL_MAX_LENGTH = 1_000
# The trend compares the mean of the latest TREND_WINDOW values with the mean of as
# many before them; a difference under TREND_STEP is "flat".
TREND_WINDOW = 3
TREND_STEP = 0.5
UP, DOWN, FLAT = "up", "down", "flat"


def enabled(config: Mapping[str, Any]) -> bool:
    """Whether this organisation works with goals and the progress scale."""
    return bool(config.get("GOAL_AND_PROGRESS", True))


def goal_problem(text: str) -> str | None:
    """Why this goal cannot be kept (``too_long``), or None."""
    return "too_long" if len(text.strip()) > GOAL_MAX_LENGTH else None


def set_goal(coachee: User, text: str, now: datetime) -> None:
    """Keep the coachee's goal (an empty text takes it away). Check ``goal_problem`` first."""
    text = text.strip()
    if text == (coachee.goal or ""):
        return
    coachee.goal = text or None
    coachee.goal_set_at = now if text else None
    db.session.flush()


def measured(mood: int | None, progress: int | None) -> str:
    """The mood and progress given with a letter, in words ("stemming 5 van 10, op weg
    naar je doel 3 van 10"); "" when neither was given."""
    said = []
    if mood is not None:
        said.append(_("stemming %(mood)d van 10", mood=mood))
    if progress is not None:
        said.append(_("op weg naar je doel %(progress)d van 10", progress=progress))
    return ", ".join(said)


def trend(values: Sequence[int]) -> str | None:
    """``up``, ``down`` or ``flat`` for values in time order; None for fewer than two.

    The mean of the latest ``TREND_WINDOW`` values against the mean of up to as many
    before them (with fewer than twice the window, the values split in two halves)."""
    if len(values) < 2:
        return None
    size = min(TREND_WINDOW, len(values) // 2)
    recent, before = values[-size:], values[-2 * size : -size]
    difference = fmean(recent) - fmean(before)
    if difference >= TREND_STEP:
        return UP
    if difference <= -TREND_STEP:
        return DOWN
    return FLAT


@dataclass(frozen=True)
class Standing:
    """A coachee's latest progress value and its trend, for the coach's caseload."""

    last: int
    trend: str | None


def standings(coachee_ids: Sequence[int]) -> dict[int, Standing]:
    """The latest progress and trend of each of these coachees who gave one: one query
    (their latest ``2 * TREND_WINDOW`` values, by a window function)."""
    if not coachee_ids:
        return {}
    number = (
        func.row_number()
        .over(partition_by=Letter.coachee_id, order_by=(Letter.sent_at.desc(), Letter.id.desc()))
        .label("number")
    )
    latest = (
        select(Letter.coachee_id, Letter.progress, Letter.sent_at, Letter.id, number)
        .where(
            Letter.coachee_id.in_(coachee_ids),
            Letter.progress.is_not(None),
            Letter.sent_at.is_not(None),
            Letter.from_coach.is_(False),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(latest.c.coachee_id, latest.c.progress)
        .where(latest.c.number <= 2 * TREND_WINDOW)
        .order_by(latest.c.coachee_id, latest.c.sent_at, latest.c.id)
    )
    values: dict[int, list[int]] = {}
    for coachee_id, value in rows:
        values.setdefault(coachee_id, []).append(value)
    return {key: Standing(found[-1], trend(found)) for key, found in values.items()}
