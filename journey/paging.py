"""Lists and counts that cost the same on a long history as on a short one.

A page is fetched with one row more than it shows, which says whether a next page
exists without counting the whole list. A count stops at ``COUNT_CAP``: a tab says
"100+" rather than make every visit count a hundred thousand rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_babel import format_number
from sqlalchemy import ColumnElement, Select, func, literal, select

from .extensions import db

T = TypeVar("T")

COUNT_CAP = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, its number (from 1), and whether more pages follow."""

    items: Sequence[T]
    number: int
    more: bool

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)


def page_of(query: Select, number: int, per_page: int) -> Page[Any]:
    """Page ``number`` of ``query`` (which must be ordered), in one statement."""
    offset = (max(number, 1) - 1) * per_page
    rows = list(db.session.scalars(query.limit(per_page + 1).offset(offset)).unique())
    return Page(rows[:per_page], max(number, 1), len(rows) > per_page)


def capped_count(table: Any, condition: ColumnElement[bool], cap: int = COUNT_CAP):
    """A scalar subquery: how many rows of ``table`` meet ``condition``, counting no
    further than ``cap`` (so its cost is bounded by ``cap`` rows read from an index)."""
    rows = select(literal(1).label("one")).select_from(table).where(condition).limit(cap)
    return select(func.count()).select_from(rows.subquery()).scalar_subquery()


def count_label(count: int, cap: int = COUNT_CAP) -> str:
    """A count as a tab or table shows it: the number, or "100+" when it reached the cap."""
    return f"{format_number(cap)}+" if count >= cap else format_number(count)
