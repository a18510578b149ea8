"""Checking any of Journey's YAML data files: each kind is known by its top-level key."""

from __future__ import annotations

import os
from collections.abc import Iterable

import yaml

from .frames import load_frames
from .worlds import load_world
from .yamlfile import DataFileError, Problem


def _kind(path: str | os.PathLike[str]) -> str:
    """``frames`` for a file whose top level has a ``frames`` key; else ``world``."""
    try:
        with open(path, "rb") as stream:
            data = yaml.safe_load(stream)
    except (OSError, yaml.YAMLError):
        return "world"  # the world loader reports the problem with file and line
    return "frames" if isinstance(data, dict) and "frames" in data else "world"


def check_data_files(
    paths: Iterable[str | os.PathLike[str]], *, static_dir: str | None = None
) -> list[Problem]:
    """Every problem in the given world and frames files; [] when all are valid."""
    problems: list[Problem] = []
    for path in paths:
        try:
            if _kind(path) == "frames":
                load_frames(path)
            else:
                load_world(path, static_dir=static_dir)
        except DataFileError as error:
            problems.extend(error.problems)
    return problems
