"""Installable as a web app: the manifest, its icons, the service worker and the
offline page; every page links the manifest."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

from journey.models import Role

from .conftest import login

pytestmark = pytest.mark.usefixtures("quick_password_hashes")

STATIC = Path(__file__).resolve().parent.parent / "static"


def _static_file(address: str) -> Path:
    return STATIC / address.removeprefix("/static/").split("?")[0]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert "no-store" not in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Journey" and manifest["short_name"] == "Journey"
    assert manifest["description"].startswith("Schrijven in je eigen tempo")
    assert manifest["lang"] == "nl"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    css = (STATIC / "css" / "journey.css").read_text()
    assert manifest["theme_color"] in css and manifest["background_color"] in css
    sizes = {icon["sizes"]: icon for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= set(sizes)
    for size in (192, 512):
        icon = sizes[f"{size}x{size}"]
        assert icon["type"] == "image/png"
        assert _png_size(_static_file(icon["src"])) == (size, size)
        assert client.get(icon["src"]).status_code == 200
    assert sizes["any"]["type"] == "image/svg+xml"
    assert _static_file(sizes["any"]["src"]).read_text().lstrip().startswith("<svg")


def test_the_service_worker_is_served_as_javascript_for_the_whole_app(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"  # an update reaches the browser
    assert "Set-Cookie" not in response.headers
    script = response.get_data(as_text=True)
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", script).group(1))
    assert "/offline" in shell
    for address in shell:
        if address.startswith("/static/"):
            assert re.search(r"\?v=[0-9a-f]{12}$", address), address
            assert client.get(address).status_code == 200
    assert "no-store" in script  # it checks every answer before it keeps one


def test_the_offline_page_holds_no_user_and_may_be_kept(client, make_user):
    response = client.get("/offline")  # as the worker fetches it: without cookies
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Set-Cookie" not in response.headers
    login(client, make_user("Reiziger", Role.COACHEE))
    response = client.get("/offline")
    assert response.headers["Cache-Control"] == "no-cache"
    page = response.get_data(as_text=True)
    assert "Geen verbinding" in page and "Reiziger" not in page and "csrf" not in page


def test_pages_link_the_manifest_and_register_the_worker(client, make_user):
    pages = [client.get("/login").get_data(as_text=True)]
    login(client, make_user("Reiziger", Role.COACHEE))
    pages.append(client.get("/map").get_data(as_text=True))
    for page in pages:
        head = page.split("</head>")[0]
        assert '<link rel="manifest" href="/manifest.webmanifest">' in head
        assert '<meta name="theme-color" content="#2f4a5a">' in head
        registers = r'src="/static/js/install\.js\?v=\w+" data-worker="/service-worker\.js"'
        assert re.search(registers, page)
