"""Checking any of Journey's YAML data files: each kind is known by its top-level key."""

from __future__ import annotations

import os
from collections.abc import Iterable

import yaml

from .frames import Frame, load_frames
from .samples import load_samples
from .worlds import load_world
from .yamlfile import DataFileError, Problem


def _kind(path: str | os.PathLike[str]) -> str:
    """``frames`` or ``sample`` for a file whose top level has that key; else ``world``."""
    try:
        with open(path, "rb") as stream:
            data = yaml.safe_load(stream)
    except (OSError, yaml.YAMLError):
        return "world"  # the world loader reports the problem with file and line
    if isinstance(data, dict):
        return next((kind for kind in ("frames", "sample") if kind in data), "world")
    return "world"


def check_data_files(
    paths: Iterable[str | os.PathLike[str]],
    *,
    static_dir: str | None = None,
    frame: Frame | None = None,
) -> list[Problem]:
    """Every problem in the given world, frames and sample files; [] when all are valid.

    Sample exemplars are checked against ``frame`` (the frame trainees answer in).
    """
    problems: list[Problem] = []
    samples = []
    for path in paths:
        try:
            kind = _kind(path)
            if kind == "sample":
                samples.append(path)
            elif kind == "frames":
                load_frames(path)
            else:
                load_world(path, static_dir=static_dir)
        except DataFileError as error:
            problems.extend(error.problems)
    try:
        load_samples(samples, frame)
    except DataFileError as error:
        problems.extend(error.problems)
    return problems
