"""The world loader: valid worlds become immutable objects; every fault names file and line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from journey.config import PROJECT_ROOT
from journey.worlds import Position, Question, load_world
from journey.yamlfile import DataFileError

STATIC = str(PROJECT_ROOT / "static")

VALID = """\
title: Proefwereld
language: nl
introduction: |
  Welkom in de proefwereld.

  Kies een plek.
places:
  - id: haven
    name: Haven
    teaser: Waar de boten rusten.
    introduction: Je komt aan bij het water.
    symbol: symbols/veilige-haven.svg
    position: {x: 10, y: 80}
    questions:
      - id: thuis
        text: Waar voel je je thuis?
        hint: Een plek, een mens of een moment.
      - id: rust
        text: Wat geeft je rust?
      - id: samen
        text: Met wie deel je dat?
  - id: topjob
    name: Topjob
    teaser: Een vlag op de top.
    introduction: Het pad gaat omhoog.
    symbol: symbols/topjob.svg
    position: {x: 60.5, y: 15}
    questions:
      - id: trots
        text: Waar ben je trots op?
      - id: droom
        text: Welk werk zou je graag doen?
      - id: nodig
        text: Wat heb je daarvoor nodig?
"""


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """Run in the temporary folder, so messages name ``world.yaml`` as a person typed it."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, content: str | bytes, name: str = "world.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def line_of(content: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [n for n, line in enumerate(content.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def problems_of(tmp_path: Path, content: str | bytes) -> list[str]:
    path = write(tmp_path, content)
    with pytest.raises(DataFileError) as caught:
        load_world(path, static_dir=STATIC)
    return [str(p) for p in caught.value.problems]


def test_valid_world_loads_into_immutable_objects(tmp_path):
    world = load_world(write(tmp_path, VALID), static_dir=STATIC)

    assert world.title == "Proefwereld"
    assert world.language == "nl"
    assert world.introduction == "Welkom in de proefwereld.\n\nKies een plek."
    assert [p.id for p in world.places] == ["haven", "topjob"]
    haven = world.place("haven")
    assert haven.name == "Haven"
    assert haven.symbol == "symbols/veilige-haven.svg"
    assert haven.position == Position(10.0, 80.0)
    assert haven.questions[0] == Question(
        "thuis", "Waar voel je je thuis?", "Een plek, een mens of een moment."
    )
    assert haven.question("rust").hint is None
    assert world.place("topjob").position == Position(60.5, 15.0)
    assert world.place("nergens") is None
    assert isinstance(haven.questions, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        haven.name = "Anders"


def test_default_world_is_valid_and_rich():
    world = load_world(PROJECT_ROOT / "worlds" / "places.yaml", static_dir=STATIC)
    names = {place.name for place in world.places}
    assert len(world.places) >= 12
    assert {"Domein van verlangen", "Veilige haven", "Topjob", "Humor", "Onzekerheid"} <= names
    assert all(3 <= len(place.questions) <= 6 for place in world.places)
    assert world.language == "nl"


def test_yaml_syntax_error_names_line(tmp_path):
    content = VALID.replace("    name: Topjob", "    name: [Topjob")
    [problem] = problems_of(tmp_path, content)
    file, line, message = problem.split(":", 2)
    assert file == "world.yaml"
    assert message.startswith(" YAML syntax error: ")
    assert line_of(content, "name: [Topjob") <= int(line) <= line_of(content, "name: [Topjob") + 2


def test_yaml_syntax_error_at_the_end_names_the_last_line(tmp_path):
    # The parser notices an unclosed bracket only at the end of the text: the problem is
    # named on the file's last line, never on a line the file does not have.
    for content in (VALID + "extra: [open", VALID + "extra: [open\n"):
        [problem] = problems_of(tmp_path, content)
        file, line, message = problem.split(":", 2)
        assert (file, int(line)) == ("world.yaml", len(content.splitlines())), problem
        assert message.startswith(" YAML syntax error: ")


def test_unknown_key_names_its_line_and_suggests(tmp_path):
    content = VALID.replace("    teaser: Een vlag op de top.", "    teasr: Een vlag op de top.")
    problems = problems_of(tmp_path, content)
    line = line_of(content, "teasr:")
    assert any(
        p.startswith(
            f"world.yaml:{line}: place 'topjob': unknown key 'teasr' (did you mean 'teaser'?)"
        )
        for p in problems
    ), problems
    assert any("place 'topjob' has no teaser" in p for p in problems)


def test_missing_question_text_is_named_like_the_issue_says(tmp_path):
    content = VALID.replace("        text: Wat heb je daarvoor nodig?\n", "")
    [problem] = problems_of(tmp_path, content)
    line = line_of(content, "- id: nodig")
    assert problem.endswith(f"world.yaml:{line}: place 'topjob': question 3 has no text")


@pytest.mark.parametrize("field", ["name", "introduction", "symbol", "position"])
def test_missing_place_field(tmp_path, field):
    lines = [line for line in VALID.splitlines() if not line.startswith(f"    {field}: ")]
    content = "\n".join(lines[: line_of(VALID, "- id: topjob")]) + "\n"
    content += "\n".join(lines[line_of(VALID, "- id: topjob") :]) + "\n"
    problems = problems_of(tmp_path, content)
    assert f"world.yaml:{line_of(content, '- id: haven')}: place 'haven' has no {field}" in problems


def test_duplicate_place_id(tmp_path):
    content = VALID.replace("  - id: topjob", "  - id: haven")
    [problem] = problems_of(tmp_path, content)
    first, second = line_of(content, "- id: haven"), line_of(content, "- id: haven", 2)
    assert (
        problem == f"world.yaml:{second}: duplicate place id 'haven' (first used on line {first})"
    )


def test_duplicate_question_id(tmp_path):
    content = VALID.replace("      - id: samen", "      - id: rust")
    [problem] = problems_of(tmp_path, content)
    first, second = line_of(content, "- id: rust"), line_of(content, "- id: rust", 2)
    assert problem == (
        f"world.yaml:{second}: place 'haven': question 3: "
        f"duplicate question id 'rust' (first used on line {first})"
    )


def test_empty_question_list(tmp_path):
    start = VALID.index("    questions:", VALID.index("- id: topjob"))
    content = VALID[:start] + "    questions: []\n"
    [problem] = problems_of(tmp_path, content)
    assert (
        problem
        == f"world.yaml:{line_of(content, 'questions: []')}: place 'topjob' has no questions"
    )


def test_too_few_questions(tmp_path):
    content = VALID.replace("      - id: samen\n        text: Met wie deel je dat?\n", "")
    [problem] = problems_of(tmp_path, content)
    assert "place 'haven' has 2 question(s); it needs 3 to 6" in problem


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ("{x: 120, y: 80}", "place 'haven': position x 120 is off the map (0 to 100)"),
        ("{x: 10, y: -5}", "place 'haven': position y -5 is off the map (0 to 100)"),
        ("{x: links, y: 80}", "place 'haven': position: x must be a number, not a str"),
        ("{x: 10}", "place 'haven': position has no y"),
    ],
)
def test_position_off_the_map_or_malformed(tmp_path, position, message):
    content = VALID.replace("{x: 10, y: 80}", position)
    [problem] = problems_of(tmp_path, content)
    assert problem == f"world.yaml:{line_of(content, position)}: {message}"


@pytest.mark.parametrize(
    ("value", "kind"),
    [("42", "the number 42"), ("yes", "the yes/no value true"), ("[a, b]", "a list")],
)
def test_text_that_is_not_a_string(tmp_path, value, kind):
    content = VALID.replace("    name: Haven", f"    name: {value}")
    [problem] = problems_of(tmp_path, content)
    line = line_of(content, f"name: {value}")
    assert problem.startswith(f"world.yaml:{line}: place 'haven': name must be text, not {kind}")


def test_file_that_is_not_utf8(tmp_path):
    content = VALID.replace("Waar de boten rusten.", "Waar de boten rusten, caf\u00e9.")
    [problem] = problems_of(tmp_path, content.encode("latin-1"))
    line = line_of(content, "caf\u00e9")
    assert problem == f"world.yaml:{line}: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"


@pytest.mark.parametrize("content", ["", "   \n\n", "# alleen commentaar\n"])
def test_empty_file(tmp_path, content):
    [problem] = problems_of(tmp_path, content)
    assert problem.startswith("world.yaml:1: the file is empty")


def test_repeated_key_in_one_mapping(tmp_path):
    content = VALID.replace("    name: Haven\n", "    name: Haven\n    name: Havenhoofd\n")
    [problem] = problems_of(tmp_path, content)
    first = line_of(content, "name: Haven")
    assert problem == (
        f"world.yaml:{first + 1}: key 'name' appears twice in one mapping (first on line {first})"
    )


def test_missing_symbol_file_and_bad_ids(tmp_path):
    content = VALID.replace("symbols/topjob.svg", "symbols/bestaat-niet.svg")
    content = content.replace("- id: droom", "- id: Droom Baan")
    problems = problems_of(tmp_path, content)
    assert (
        f"world.yaml:{line_of(content, 'bestaat-niet')}: place 'topjob': "
        "symbol 'symbols/bestaat-niet.svg' does not exist in static/"
    ) in problems
    assert any("id 'Droom Baan' may hold only lowercase letters" in p for p in problems)


def test_all_problems_are_reported_at_once(tmp_path):
    content = VALID.replace("{x: 10, y: 80}", "{x: 10, y: 180}").replace(
        "    name: Topjob", "    name: 7"
    )
    assert len(problems_of(tmp_path, content)) == 2


def test_not_a_mapping_at_the_top(tmp_path):
    [problem] = problems_of(tmp_path, "- een\n- lijst\n")
    assert problem == "world.yaml:1: world must be a mapping of keys and values, not a list"
