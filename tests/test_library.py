"""The library: texts beside the world, checked like worlds (file:line), shown at places,
read by coachees (and noted), rendered safely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from journey import create_app
from journey.cli import cli
from journey.config import PROJECT_ROOT
from journey.extensions import db
from journey.library import folder_of, load_library
from journey.models import LibraryRead, Role
from journey.worlds import load_world
from journey.yamlfile import DataFileError

from .conftest import login

WORLD = load_world(PROJECT_ROOT / "worlds" / "places.yaml")
SHIPPED = PROJECT_ROOT / "worlds" / "library"

GOOD = """\
---
id: {id}
title: {title}
summary: Een korte samenvatting.
places: [grens]
minutes: 3
---
Een alinea over grenzen.

En een [link naar een plek](place:humor).
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataFileError) as caught:
        load_library(folder, WORLD)
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_library_loads_each_text_reachable_from_a_place():
    library = load_library(SHIPPED, WORLD)
    assert len(library.texts) >= 12
    for text in library.texts:
        assert text.places, text.id
        for place_id in text.places:
            assert text in library.for_place(place_id), (text.id, place_id)
        assert len(re.sub(r"<[^>]+>", "", text.html).split()) >= 250, text.id  # real substance
    # every place of the default world has something to read
    assert all(library.for_place(place.id) for place in WORLD.places)


def test_a_good_text_renders_markdown_and_links_to_places_and_texts(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="a", title="Alfa"))
    write(tmp_path, "b.md", GOOD.format(id="b", title="Beta") + "\nZie [Alfa](text:a).\n")
    library = load_library(tmp_path, WORLD)
    assert [t.id for t in library.texts] == ["a", "b"]
    beta = library.text("b")
    assert beta.title == "Beta" and beta.minutes == 3 and beta.places == ("grens",)
    assert '<a href="../places/humor" rel="noopener noreferrer">link naar een plek</a>' in beta.html
    assert '<a href="a" rel="noopener noreferrer">Alfa</a>' in beta.html
    assert library.for_place("grens") == library.texts and library.for_place("humor") == ()
    assert library.text("c") is None


@pytest.mark.parametrize(
    ("name", "content", "line", "fragment"),
    [
        ("no-header.md", "Alleen tekst.\n", 1, "header between two '---' lines"),
        ("open.md", "---\nid: x\ntitle: X\n", 1, "no closing '---'"),
        ("yaml.md", "---\nid: x\ntitle: [X\n---\nTekst.\n", 3, "YAML syntax error"),
        (
            "unknown-key.md",
            GOOD.format(id="x", title="X").replace("minutes: 3", "minutes: 3\nauthor: Ik"),
            7,
            "unknown key 'author'",
        ),
        ("no-title.md", GOOD.format(id="x", title="X").replace("title: X\n", ""), 2, "no title"),
        ("empty-title.md", GOOD.format(id="x", title="''"), 3, "no title"),
        (
            "place.md",
            GOOD.format(id="x", title="X").replace("[grens]", "[grens, nergens]"),
            5,
            "unknown place 'nergens'",
        ),
        (
            "place-link.md",
            GOOD.format(id="x", title="X").replace("place:humor", "place:maan"),
            10,
            "link to unknown place 'maan'",
        ),
        (
            "text-link.md",
            GOOD.format(id="x", title="X") + "\nMeer in [dit](text:bestaat-niet).\n",
            12,
            "link to unknown text 'bestaat-niet'",
        ),
        ("bad-id.md", GOOD.format(id="Met Spatie", title="X"), 2, "id 'Met Spatie'"),
        (
            "minutes.md",
            GOOD.format(id="x", title="X").replace("minutes: 3", "minutes: veel"),
            6,
            "minutes must be a number",
        ),
        ("no-body.md", GOOD.format(id="x", title="X").split("Een alinea")[0], 7, "no body"),
    ],
)
def test_a_bad_text_names_file_line_and_problem(tmp_path, name, content, line, fragment):
    write(tmp_path, name, content)
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path / name}:{line}: "), problem
    assert fragment in problem


def test_a_text_that_is_not_utf8_names_its_line(tmp_path):
    content = GOOD.format(id="x", title="X").encode("utf-8").replace(b"grenzen", b"gr\xe9nzen")
    write(tmp_path, "latin.md", content)
    [problem] = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path / 'latin.md'}:8: ") and "not UTF-8" in problem


def test_two_texts_with_one_id_and_every_problem_at_once(tmp_path):
    write(tmp_path, "a.md", GOOD.format(id="zelfde", title="A"))
    write(tmp_path, "b.md", GOOD.format(id="zelfde", title="B"))
    write(tmp_path, "c.md", GOOD.format(id="c", title="C").replace("[grens]", "[maan]"))
    problems = problems_of(tmp_path)
    assert any("b.md:2: duplicate id 'zelfde'" in p and "a.md" in p for p in problems)
    assert any("c.md:5: " in p and "unknown place 'maan'" in p for p in problems)


def test_script_and_event_handlers_in_markdown_are_stripped(tmp_path):
    body = (
        "Hallo <script>alert(1)</script> wereld.\n\n"
        '<img src=x onerror="alert(2)">\n\n'
        '[klik](javascript:alert(3)) en <a href="#" onclick="alert(4)">hier</a>\n\n'
        '<p style="color:red">stijl</p> <iframe src="https://example.org"></iframe>\n'
    )
    write(tmp_path, "x.md", GOOD.format(id="x", title="X").split("Een alinea")[0] + body)
    html = load_library(tmp_path, WORLD).text("x").html
    for forbidden in (
        "<script",
        "alert(1)",
        "onerror",
        'href="javascript',
        "onclick",
        "style=",
        "iframe",
        "<img",
    ):
        assert forbidden not in html, forbidden
    assert "Hallo" in html and "wereld" in html and "hier" in html


def test_no_library_folder_is_an_empty_library(tmp_path):
    assert load_library(tmp_path / "nergens", WORLD).texts == ()


def test_a_broken_library_stops_start_up_and_check_world_names_it(tmp_path, monkeypatch):
    write(tmp_path, "x.md", GOOD.format(id="x", title="X").replace("[grens]", "[maan]"))
    with pytest.raises(DataFileError, match="x.md:5: .*unknown place 'maan'"):
        create_app({"TESTING": True, "LIBRARY": str(tmp_path)})
    result = CliRunner().invoke(cli, ["check-world", str(tmp_path / "x.md")])
    assert result.exit_code == 1 and "x.md:5: " in result.output
    # the texts of the shipped library are checked by default, and pass
    monkeypatch.delenv("JOURNEY_LIBRARY", raising=False)
    result = CliRunner().invoke(cli, ["check-world"])
    assert result.exit_code == 0, result.output
    assert folder_of(PROJECT_ROOT / "worlds" / "places.yaml") == SHIPPED


def test_a_place_shows_its_texts_and_the_coachee_sees_what_they_read(
    app, client, make_user, coach, clock
):
    coachee = make_user("Reiziger", coach=coach)
    library = app.extensions["journey.library"]
    [first, *_] = library.for_place("grens")
    login(client, coachee)
    place = client.get("/places/grens").get_data(as_text=True)
    assert "Lees meer" in place and first.title in place and "Gelezen op" not in place
    assert f'href="/library/{first.id}"' in place

    page = client.get(f"/library/{first.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert first.title in text and "Hoort bij" in text and 'href="/places/grens"' in text
    clock.advance(minutes=20)
    client.get(f"/library/{first.id}")  # a second read moves the last, keeps the first
    with app.app_context():
        [read] = db.session.scalars(sa.select(LibraryRead)).all()
        assert read.coachee_id == coachee.id and read.text_id == first.id
        assert read.last_read_at > read.first_read_at

    assert "Gelezen op" in client.get("/places/grens").get_data(as_text=True)
    listing = client.get("/library/").get_data(as_text=True)
    assert listing.count("Gelezen op") == 1 and all(t.title in listing for t in library.texts)
    assert client.get("/library/bestaat-niet").status_code == 404


def test_staff_read_the_library_without_a_read_being_noted(app, client, coach):
    login(client, coach)
    library = app.extensions["journey.library"]
    assert client.get("/library/").status_code == 200
    page = client.get(f"/library/{library.texts[0].id}")
    assert page.status_code == 200 and "Gelezen" not in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LibraryRead.id))) == 0


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get("/library/").status_code == 302
    assert client.get("/library/piekeren").headers["Location"].startswith("/login")


def test_reads_are_erased_with_the_coachee(app, client, make_user, coach, clock):
    from journey import data_rights
    from journey.models import User

    coachee = make_user("Lezer", Role.COACHEE, coach=coach)
    login(client, coachee)
    client.get("/library/piekeren")
    with app.app_context():
        data_rights.erase(db.session.get(User, coachee.id), clock())
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(LibraryRead.id))) == 0


def test_the_english_world_has_a_library_of_its_own():
    world = load_world(PROJECT_ROOT / "worlds" / "en" / "places.yaml")
    library = load_library(folder_of(PROJECT_ROOT / "worlds" / "en" / "places.yaml"), world)
    assert len(library.texts) >= 3
    assert all(world.place(place_id) for text in library.texts for place_id in text.places)
