"""The second reader's word lists: plain text files a coach trainer can extend.

Each list is a file ``words/<name>.txt`` in this package, read with
``importlib.resources``: one word or phrase per line, lowercase, ``#`` starts a
comment. A trainer can add words without touching Python in two ways: edit the
file in the installed package, or put a file of the same name in the folder
named by ``JOURNEY_SECOND_READER_WORDS``; its lines are added to the package's.

Patterns built from a list are made once and kept (``derived``); ``reload``
reads every list again and forgets what was built from them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

EXTRA_FOLDER = "JOURNEY_SECOND_READER_WORDS"

T = TypeVar("T")
_derived: list = []


def names() -> list[str]:
    """The names of every list the package holds."""
    folder = resources.files(__package__) / "words"
    return sorted(f.name.removesuffix(".txt") for f in folder.iterdir() if f.name.endswith(".txt"))


@cache
def entries(name: str) -> tuple[str, ...]:
    """The words and phrases of list ``name``, in file order, the trainer's own after the
    package's; a list the package does not hold raises ``FileNotFoundError``."""
    text = (resources.files(__package__) / "words" / f"{name}.txt").read_text("utf-8")
    extra = os.environ.get(EXTRA_FOLDER)
    if extra and (Path(extra) / f"{name}.txt").is_file():
        text += "\n" + (Path(extra) / f"{name}.txt").read_text("utf-8")
    found = (" ".join(line.split("#", 1)[0].split()) for line in text.splitlines())
    return tuple(dict.fromkeys(entry for entry in found if entry))


@cache
def wordset(name: str) -> frozenset[str]:
    """The entries of list ``name`` as a set."""
    return frozenset(entries(name))


def derived(build: Callable[[], T]) -> Callable[[], T]:
    """Keep what ``build`` makes from the lists until ``reload``."""
    kept = cache(build)
    _derived.append(kept)
    return kept


def reload() -> None:
    """Read every list again (after a file changed) and rebuild what depends on them."""
    entries.cache_clear()
    wordset.cache_clear()
    for kept in _derived:
        kept.cache_clear()
