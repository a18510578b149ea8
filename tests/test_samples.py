"""Sample journeys: the shipped cases load, teach what they should, and a broken sample
file is named with its line and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from journey import create_app, second_reader
from journey.cli import cli
from journey.config import PROJECT_ROOT
from journey.frames import load_frames
from journey.samples import load_samples, sample_files
from journey.yamlfile import DataFileError

SAMPLES = PROJECT_ROOT / "worlds" / "samples"
FRAME = load_frames(PROJECT_ROOT / "worlds" / "frames.yaml").default

GOOD = """\
sample:
  id: proef
  title: "Een proefcasus"
  coachee: "Mira"
  theme: "Werk"
  difficulty: 2
  profile: Mira is 34 en twijfelt over haar werk.
  letters:
    - place: Topjob
      mood: 5
      answers:
        - question: Wat is je topjob?
          text: Iets met dieren, denk ik.
      feedback: Wat mooi dat je dit deelt.
    - place: Humor
      answers:
        - question: Waar lach je om?
          text: Om mijn kat, elke ochtend.
      note: Kort, sorry.
  exemplar:
    - section: openen
      text: Wat fijn dat je weer schrijft, Mira.
    - section: kern
      text: Je schrijft dat je lacht om je kat, "elke ochtend".
    - section: verdieping
      text: Wat maakt die ochtenden zo licht?
    - section: afsluiten
      text: Je schrijft kort en helder, en dat maakt je brief sterk.
  teaching_notes: Een korte brief vraagt een kort antwoord.
"""


@pytest.fixture(scope="module")
def shipped():
    return load_samples(sample_files(SAMPLES), FRAME)


def test_the_shipped_samples_load_and_vary(shipped):
    assert len(shipped) >= 8
    assert {s.difficulty for s in shipped} == {1, 2, 3}
    assert len({s.theme.casefold() for s in shipped}) >= 6
    assert len({letter.place for s in shipped for letter in s.letters}) >= 5
    for sample in shipped:
        assert sample.profile and sample.teaching_notes and sample.letter.answers
        assert [p.section for p in sample.exemplar][0] == FRAME.sections[0].id
        assert [p.section for p in sample.exemplar][-1] == FRAME.sections[-1].id


def test_every_exemplar_honours_the_tips_it_teaches(shipped):
    """The exemplars show the craft: the second reader finds nothing to point at."""
    for sample in shipped:
        texts = {f"s-{part.section}": part.text for part in sample.exemplar}
        findings = second_reader.review(FRAME.reading_text(texts), sample.coachee_text())
        missed = {f.id: f.evidence for f in findings if not f.ok}
        assert not missed, f"{sample.id}: {missed}"


def test_check_world_accepts_the_shipped_samples():
    files = [str(path) for path in sample_files(SAMPLES)]
    result = CliRunner().invoke(cli, ["check-world", *files])
    assert result.exit_code == 0, result.output


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("  teaching_notes:", "  teaching_note:"), 29, "unknown key 'teaching_note' (did you"),
        (("  difficulty: 2", "  difficulty: 5"), 6, "difficulty must be 1 (basis), 2"),
        (("      mood: 5", "      mood: 11"), 10, "mood 11 is not between 1 and 10"),
        (("      note: Kort, sorry.", "      feedback: Nee."), 19, "cannot have feedback"),
        (("    - section: kern", "    - section: kernpunt"), 23, "'kernpunt' is not a section"),
        (("    - section: afsluiten", "    - section: uitnodiging"), 21, "no section 'afsluiten'"),
        (("  id: proef", "  id: Proef"), 2, "id 'Proef' may hold only lowercase"),
        (('  title: "Een proefcasus"', "  title: [kapot"), 4, "YAML syntax error"),  # seen on 4
        (("          text: Om mijn kat, elke ochtend.", "          tekst: x"), 17, "no text"),
    ],
)
def test_a_broken_sample_names_file_line_and_problem(tmp_path, change, line, message):
    path = write(tmp_path, "kapot.yaml", GOOD.replace(*change))
    with pytest.raises(DataFileError) as caught:
        load_samples([path], FRAME)
    problems = [p for p in caught.value.problems if message in p.message]
    assert problems, [str(p) for p in caught.value.problems]
    assert problems[0].line == line
    assert problems[0].file.endswith("kapot.yaml")


def test_two_samples_with_one_id_are_refused(tmp_path):
    first, second = write(tmp_path, "a.yaml", GOOD), write(tmp_path, "b.yaml", GOOD)
    with pytest.raises(DataFileError) as caught:
        load_samples([first, second], FRAME)
    assert "duplicate sample id 'proef' (also in" in str(caught.value)


def test_check_world_reports_a_broken_sample(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    broken = GOOD.replace("  difficulty: 2", "  difficulty: twee")
    write(tmp_path, "kapot.yaml", broken.replace("section: kern", "section: kernpunt"))
    result = CliRunner().invoke(cli, ["check-world", "kapot.yaml"])
    assert result.exit_code == 1
    assert "kapot.yaml:6: sample 'proef': difficulty must be 1 (basis)" in result.output
    # exemplars are checked against the configured default frame
    assert "kapot.yaml:23: sample 'proef': exemplar section 'kernpunt'" in result.output


def test_check_world_without_paths_checks_the_configured_files(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check-world"])
    assert result.exit_code == 0, result.output
    texts = len(list((Path(SAMPLES).parent / "library").glob("*.md")))  # the library's
    assert f"{2 + len(sample_files(SAMPLES)) + texts} file(s) OK." in result.output


def test_the_app_refuses_to_start_on_a_broken_sample(tmp_path):
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    write(folder, "kapot.yaml", GOOD.replace("    - section: openen\n", "    - section: x\n"))
    with pytest.raises(DataFileError) as caught:
        create_app({"SAMPLES": str(folder), "DATABASE_URL": "sqlite://"})
    assert "kapot.yaml:21: sample 'proef': exemplar section 'x'" in str(caught.value)


def test_a_good_sample_reads_as_written(tmp_path):
    (sample,) = load_samples([write(tmp_path, "goed.yaml", GOOD)], FRAME)
    assert sample.letter.place == "Humor"
    assert sample.earlier_letters[0].feedback == "Wat mooi dat je dit deelt."
    assert sample.coachee_text() == "Om mijn kat, elke ochtend.\n\nKort, sorry."
    assert sample.exemplar_text("kern").startswith("Je schrijft")
    assert sample.exemplar_text("uitnodiging") == ""
