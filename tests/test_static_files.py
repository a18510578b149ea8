"""Static files: no session, no user, no cookie; compressed; cached for a year under
addresses that change with the file."""

from __future__ import annotations

import gzip
import re

import pytest

from journey import static_files
from journey.models import Role

from .conftest import login

pytestmark = pytest.mark.usefixtures("quick_password_hashes")


def static_addresses(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def test_pages_write_versioned_addresses_that_are_served_for_a_year(client):
    addresses = static_addresses(client.get("/login").get_data(as_text=True))
    assert addresses, "the login page links its style sheet and scripts"
    for address in addresses:
        assert re.search(r"\?v=[0-9a-f]{12}$", address), address
        with client.get(address) as response:
            assert response.status_code == 200
        caching = response.headers["Cache-Control"]
        max_age = int(re.search(r"max-age=(\d+)", caching).group(1))
        assert max_age >= 365 * 24 * 3600 and "immutable" in caching and "no-store" not in caching
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_static_file_loads_no_user_and_sets_no_cookie(app, client, make_user, count_queries):
    login(client, make_user("Reiziger", Role.COACHEE))
    page = client.get("/map").get_data(as_text=True)
    style = next(a for a in static_addresses(page) if ".css" in a)
    response, statements = count_queries(client.get, style)
    response.close()
    assert response.status_code == 200
    assert statements == 0
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] != "no-store"


def test_a_static_file_comes_gzipped_to_a_browser_that_accepts_it(client):
    address = next(a for a in static_addresses(client.get("/login").get_data(as_text=True)))
    with (
        client.get(address) as plain,
        client.get(address, headers={"Accept-Encoding": "gzip, deflate, br"}) as packed,
    ):
        plain_data, packed_data = plain.data, packed.data
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed_data) < len(plain_data)
    assert gzip.decompress(packed_data) == plain_data
    assert "Accept-Encoding" in packed.headers["Vary"]


def test_pages_with_written_texts_stay_out_of_every_cache(client, make_user):
    login(client, make_user("Reiziger", Role.COACHEE))
    assert client.get("/map").headers["Cache-Control"] == "no-store"


def test_a_changed_file_gets_a_new_address_and_a_copy_of_its_own(tmp_path):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    sheet = source / "css" / "site.css"
    sheet.write_text("body { color: black; }\n" * 50)
    before = static_files.versions(source)
    first = static_files.served_copy(source, tmp_path / "instance", before)
    assert (first / "css" / "site.css").read_text() == sheet.read_text()
    assert gzip.decompress((first / "css" / "site.css.gz").read_bytes()) == sheet.read_bytes()
    assert static_files.served_copy(source, tmp_path / "instance", before) == first

    sheet.write_text("body { color: navy; }\n" * 50)
    after = static_files.versions(source)
    assert after["css/site.css"] != before["css/site.css"]
    second = static_files.served_copy(source, tmp_path / "instance", after)
    assert second != first and not first.exists()
    assert "navy" in (second / "css" / "site.css").read_text()
    assert [p.name for p in (tmp_path / "instance").iterdir()] == [second.name]
