"""Feedback frames from YAML: valid files load; faults name file, line and problem."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journey.cli import cli
from journey.config import PROJECT_ROOT
from journey.frames import Section, load_frames
from journey.yamlfile import DataFileError

from .test_worlds import line_of

VALID = """\
frames:
  - id: cirkel
    name: De cirkel
    description: Begint en eindigt positief.
    sections:
      - id: openen
        title: Positief benoemen
        guidance: Wat waardeer je?
        positive: true
      - id: kern
        title: De kern
        guidance: Wat is de kern?
        positive: false
      - id: extra
        title: Een uitnodiging
        guidance: Mag leeg blijven.
        positive: false
        required: false
      - id: afsluiten
        title: Positief afsluiten
        guidance: Sluit warm af.
        positive: true
"""


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def problems_of(tmp_path, content: str) -> list[str]:
    (tmp_path / "frames.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_frames("frames.yaml")
    return [str(p) for p in caught.value.problems]


def test_valid_frames_load_in_order(tmp_path):
    (tmp_path / "frames.yaml").write_text(VALID, encoding="utf-8")
    frames = load_frames("frames.yaml")
    frame = frames.default
    assert frame.id == "cirkel" and frames.frame("cirkel") is frame and frames.frame("x") is None
    assert [s.id for s in frame.sections] == ["openen", "kern", "extra", "afsluiten"]
    assert frame.section("openen") == Section(
        "openen", "Positief benoemen", "Wat waardeer je?", True
    )
    assert frame.section("extra").required is False


def test_default_frames_begin_and_end_with_positive_naming():
    frames = load_frames(PROJECT_ROOT / "worlds" / "frames.yaml")
    for frame in frames.frames:
        assert frame.sections[0].positive and frame.sections[-1].positive
        assert all(s.guidance for s in frame.sections)


def test_a_frame_must_end_with_positive_naming(tmp_path):
    content = VALID.replace(
        "        guidance: Sluit warm af.\n        positive: true",
        "        guidance: Sluit warm af.\n        positive: false",
    )
    [problem] = problems_of(tmp_path, content)
    assert problem == (
        f"frames.yaml:{line_of(content, '- id: afsluiten')}: frame 'cirkel': a frame must end "
        "with positive naming; section 'afsluiten' needs positive: true"
    )


def test_a_frame_must_begin_with_positive_naming(tmp_path):
    content = VALID.replace(
        "        guidance: Wat waardeer je?\n        positive: true",
        "        guidance: Wat waardeer je?\n        positive: false",
    )
    [problem] = problems_of(tmp_path, content)
    assert "frame 'cirkel': a frame must begin with positive naming" in problem


@pytest.mark.parametrize(
    ("old", "new", "message", "needle"),
    [
        ("        title: De kern\n", "", "frame 'cirkel': section 2 has no title", "- id: kern"),
        (
            "        positive: false\n        required: false",
            "        positive: nee\n        required: false",
            "frame 'cirkel': section 3: positive must be true or false, not 'nee'",
            "positive: nee",
        ),
        (
            "        title: De kern",
            "        titel: De kern",
            "frame 'cirkel': section 2: unknown key 'titel' (did you mean 'title'?)",
            "titel:",
        ),
        (
            "      - id: extra",
            "      - id: kern",
            "frame 'cirkel': duplicate section id 'kern'",
            "- id: kern",
        ),
        ("    name: De cirkel\n", "", "frame 'cirkel' has no name", "- id: cirkel"),
    ],
)
def test_bad_frames_are_named_with_file_and_line(tmp_path, old, new, message, needle):
    content = VALID.replace(old, new)
    problems = problems_of(tmp_path, content)
    occurrence = 2 if "duplicate" in message else 1
    assert any(
        p.startswith(f"frames.yaml:{line_of(content, needle, occurrence)}: {message}")
        for p in problems
    ), problems


def test_empty_and_broken_frames_files(tmp_path):
    assert problems_of(tmp_path, "") == ["frames.yaml:1: the file is empty"]
    assert problems_of(tmp_path, "frames: []\n") == ["frames.yaml:1: frames file has no frames"]
    [problem] = problems_of(tmp_path, "frames:\n  - id: [x\n")
    assert problem.startswith("frames.yaml:") and "YAML syntax error" in problem


def test_check_world_checks_frames_files_too(tmp_path):
    (tmp_path / "frames.yaml").write_text(
        VALID.replace("title: De kern", "title: ''"), encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["check-world", "frames.yaml", str(PROJECT_ROOT / "worlds" / "frames.yaml")]
    )
    assert result.exit_code == 1
    assert (
        f"frames.yaml:{line_of(VALID, 'title: De kern')}: frame 'cirkel': section 2 has no title"
        in result.output
    )


def test_app_refuses_to_start_on_broken_frames(tmp_path):
    from journey import create_app

    (tmp_path / "frames.yaml").write_text("frames: 3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="frames must be a list"):
        create_app({"FRAMES": "frames.yaml"})
