"""Reading and checking the YAML data files (worlds, and later frames and samples).

Every problem names the file, the line and what is wrong, in the form
``worlds/places.yaml:42: place 'topjob': question 3 has no text``. Checks collect
all problems of a file instead of stopping at the first, so an author can fix
them in one go.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# libyaml's parser where PyYAML has it (its wheels do): the same safe loading, several
# times faster than the pure-Python one, which every app start would otherwise pay for.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, at a line (1-based)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DataFileError(Exception):
    """A data file could not be used; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_name(path: str | os.PathLike[str]) -> str:
    """The path as a person would type it: relative to the working folder when inside it."""
    path = os.fspath(path)
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith("..") else relative


@dataclass
class Document:
    """A parsed YAML file: its plain data and the line of every node in it."""

    name: str
    data: Any
    value_lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_, *, key: bool = False) -> int:
        """The line of the value (or, with ``key``, of the key) at ``path``.

        Falls back to the nearest enclosing node that has a line.
        """
        if key and path in self.key_lines:
            return self.key_lines[path]
        while path:
            if path in self.value_lines:
                return self.value_lines[path]
            path = path[:-1]
        return self.value_lines.get((), 1)


def read_yaml(path: str | os.PathLike[str]) -> Document:
    """Read ``path`` as safe YAML and index the lines of its nodes.

    Raises DataFileError when the file cannot be read, is not UTF-8, is empty,
    is not valid YAML, or repeats a key within one mapping.
    """
    return parse_yaml(read_text(path), display_name(path))


def read_text(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of the file at ``path`` (without a byte order mark); DataFileError
    naming the line of the first byte that is not UTF-8, or why it cannot be read."""
    name = display_name(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DataFileError([Problem(name, 1, f"cannot be read: {exc.strerror or exc}")]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        message = f"the file is not UTF-8 text (byte 0x{byte}); save it as UTF-8"
        raise DataFileError([Problem(name, line, message)]) from exc
    return text.removeprefix("\ufeff")


def parse_yaml(text: str, name: str, first_line: int = 1) -> Document:
    """Parse ``text`` (a file's contents, or a part of it that starts on ``first_line``)
    as safe YAML and index the lines of its nodes; DataFileError as read_yaml."""
    offset = first_line - 1

    def fail(line: int, message: str) -> DataFileError:
        return DataFileError([Problem(name, line + offset, message)])

    if not text.strip():
        raise fail(1, "the file is empty")
    loader = _Loader(text)
    try:
        root = loader.get_single_node()  # the nodes, with their lines
        data = None if root is None else loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # A problem found at the end of the text ("but got the end") is on its last line.
        line = min(mark.line + 1, len(text.splitlines())) if mark else 1
        detail = exc.problem or "invalid YAML"
        if exc.context:
            detail = f"{detail} ({exc.context})"
        raise fail(line, f"YAML syntax error: {detail}") from exc
    except yaml.YAMLError as exc:
        raise fail(1, f"YAML syntax error: {exc}") from exc
    finally:
        loader.dispose()
    if data is None or root is None:
        raise fail(1, "the file is empty (it holds only comments)")
    document = Document(name, data)
    duplicates: list[Problem] = []
    _index(root, (), document, duplicates, offset)
    if duplicates:
        raise DataFileError(duplicates)
    return document


def _index(
    node: yaml.Node, path: Path_, doc: Document, problems: list[Problem], offset: int = 0
) -> None:
    doc.value_lines.setdefault(path, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1 + offset
            if key == "<<":
                continue
            if key in seen:
                message = f"key '{key}' appears twice in one mapping (first on line {seen[key]})"
                problems.append(Problem(doc.name, line, message))
                continue
            seen[key] = line
            doc.key_lines[(*path, key)] = line
            _index(value_node, (*path, key), doc, problems, offset)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _index(item, (*path, position), doc, problems, offset)


def subject_for(raw: Any, noun: str, number: int) -> str:
    """How messages name an item of a list: by its id when it has one, else by position."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return f"{noun} '{raw['id'].strip()}'"
    return f"{noun} {number}"


def describe(value: Any) -> str:
    """A few words on what kind of YAML value this is, for error messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


class Checker:
    """Collects the problems found while checking one document.

    ``subject`` arguments say what is being checked, as the start of a message:
    ``"world"``, ``"place 'topjob'"``, ``"place 'topjob': question 3"``.
    """

    def __init__(self, document: Document):
        self.document = document
        self.problems: list[Problem] = []

    def problem(self, path: Path_, message: str, *, key: bool = False) -> None:
        line = self.document.line_of(path, key=key)
        self.problems.append(Problem(self.document.name, line, message))

    def mapping(
        self,
        value: Any,
        path: Path_,
        subject: str,
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> Mapping[str, Any] | None:
        """Check that ``value`` is a mapping with only known keys and all required ones."""
        if not isinstance(value, dict):
            self.problem(
                path, f"{subject} must be a mapping of keys and values, not {describe(value)}"
            )
            return None
        required = list(required)
        known = [*required, *optional]
        for key in value:
            if key not in known:
                hint = difflib.get_close_matches(str(key), known, n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                allowed = ", ".join(known)
                message = f"{subject}: unknown key '{key}'{suggestion}; known keys: {allowed}"
                self.problem((*path, key), message, key=True)
        for key in required:
            if key not in value:
                self.problem(path, f"{subject} has no {key}")
        return value

    def text(
        self,
        mapping: Mapping[str, Any],
        key: str,
        path: Path_,
        subject: str,
        *,
        required: bool = True,
        one_line: bool = False,
        max_length: int | None = None,
    ) -> str | None:
        """The stripped text at ``mapping[key]``, or None after recording a problem."""
        if key not in mapping:
            return None  # missing required keys were reported by mapping()
        value = mapping[key]
        where = (*path, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(where, f"{subject} has no {key}")
            return None
        if not isinstance(value, str):
            quote = " (put it in quotes)" if isinstance(value, bool | int | float) else ""
            self.problem(where, f"{subject}: {key} must be text, not {describe(value)}{quote}")
            return None
        value = value.strip()
        if one_line and "\n" in value:
            self.problem(where, f"{subject}: {key} must be a single line")
            return None
        if max_length is not None and len(value) > max_length:
            message = f"{subject}: {key} is {len(value)} characters long; at most {max_length}"
            self.problem(where, message)
            return None
        return value

    def identifier(self, mapping: Mapping[str, Any], path: Path_, subject: str) -> str | None:
        """The stable id at ``mapping["id"]``: lowercase letters, digits and single hyphens."""
        value = self.text(mapping, "id", path, subject, one_line=True)
        if value is not None and not IDENTIFIER.match(value):
            rule = "may hold only lowercase letters, digits and single hyphens"
            self.problem((*path, "id"), f"{subject}: id '{value}' {rule}")
            return None
        return value

    def number(
        self,
        mapping: Mapping[str, Any],
        key: str,
        path: Path_,
        subject: str,
        *,
        minimum: float,
        maximum: float,
        off_range: str,
    ) -> float | None:
        """The number at ``mapping[key]`` if it lies within [minimum, maximum]."""
        if key not in mapping:
            return None
        value = mapping[key]
        where = (*path, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(where, f"{subject}: {key} must be a number, not {describe(value)}")
            return None
        if not minimum <= value <= maximum:
            self.problem(where, f"{subject} {key} {value} {off_range} ({minimum:g} to {maximum:g})")
            return None
        return float(value)

    def items(
        self,
        mapping: Mapping[str, Any],
        key: str,
        path: Path_,
        subject: str,
        *,
        minimum: int,
        maximum: int | None = None,
        noun: str,
    ) -> list[Any]:
        """The list at ``mapping[key]``, checked for its length; [] after a problem."""
        if key not in mapping:
            return []
        value = mapping[key]
        where = (*path, key)
        if value is None or value == []:
            self.problem(where, f"{subject} has no {noun}s")
            return []
        if not isinstance(value, list):
            self.problem(where, f"{subject}: {key} must be a list, not {describe(value)}")
            return []
        count = len(value)
        if count < minimum or (maximum is not None and count > maximum):
            between = f"{minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
            self.problem(where, f"{subject} has {count} {noun}(s); it needs {between}")
        return value
