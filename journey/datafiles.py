"""Checking any of Journey's data files: a library text by its .md name, the YAML files by
their top-level key."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import yaml

from .frames import Frame, load_frames
from .library import load_texts
from .samples import load_samples
from .worlds import load_world
from .yamlfile import DataFileError, Problem, display_name

FRAMES_FILE = "frames.yaml"  # a world folder's frames, beside its samples/ folder
WORLD_FILE = "places.yaml"  # a world folder's world, beside its library/ folder


def _kind(path: str | os.PathLike[str]) -> str:
    """``library`` for a Markdown file; ``frames`` or ``sample`` for a file whose top level
    has that key; else ``world``."""
    if Path(path).suffix == ".md":
        return "library"
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
    frames_beside: bool = False,
    world: str | os.PathLike[str] | None = None,
) -> list[Problem]:
    """Every problem in the given world, frames and sample files; [] when all are valid.

    Sample exemplars are checked against ``frame`` (the frame trainees answer in). With
    ``frames_beside``, a sample in a world's ``samples/`` folder is checked against the
    default frame of that world's own ``frames.yaml`` when there is one (so that
    ``worlds/en/samples/*.yaml`` is held to ``worlds/en/frames.yaml``). The texts of a
    library (``*.md``) are checked together per folder, against the ``places.yaml``
    beside that folder, else against ``world``.
    """
    problems: list[Problem] = []
    samples: list[str | os.PathLike[str]] = []
    texts: dict[Path, list[Path]] = {}
    for path in paths:
        try:
            kind = _kind(path)
            if kind == "library":
                texts.setdefault(Path(path).resolve().parent, []).append(Path(path))
            elif kind == "sample":
                samples.append(path)
            elif kind == "frames":
                load_frames(path)
            else:
                load_world(path, static_dir=static_dir)
        except DataFileError as error:
            problems.extend(error.problems)
    groups: dict[Path | None, list[str | os.PathLike[str]]] = {}
    for path in samples:
        beside = Path(path).resolve().parent.parent / FRAMES_FILE
        groups.setdefault(beside if frames_beside and beside.is_file() else None, []).append(path)
    for frames_path, paths_of_group in groups.items():
        group_frame = frame
        if frames_path is not None:
            try:
                group_frame = load_frames(frames_path).default
            except DataFileError:
                group_frame = None  # its problems are reported when it is checked itself
        try:
            load_samples(paths_of_group, group_frame)
        except DataFileError as error:
            problems.extend(error.problems)
    for folder, paths_of_folder in texts.items():
        problems.extend(_library_problems(folder, paths_of_folder, world, static_dir))
    return problems


def _library_problems(
    folder: Path, paths: list[Path], world: str | os.PathLike[str] | None, static_dir: str | None
) -> list[Problem]:
    """The problems of these texts of one library folder, checked against the world file
    beside the folder (``places.yaml``), else ``world``."""
    beside = folder.parent / WORLD_FILE
    world_path = beside if beside.is_file() else world
    if world_path is None:
        return [Problem(display_name(paths[0]), 1, f"no world file {beside} to check it against")]
    try:
        load_texts(sorted(paths), load_world(world_path, static_dir=static_dir))
    except DataFileError as error:
        return error.problems
    return []
