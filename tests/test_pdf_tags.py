"""The dossier's PDF is tagged for accessibility: a structure tree, marked content, the
document's language and its title."""

from __future__ import annotations

import io

import pypdf

from journey.pdf import render_pdf

HTML = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Dossier van Reiziger</title></head>
<body><h1>Dossier van Reiziger</h1><p>Een antwoord bij de haven.</p></body></html>"""


def _catalog(data: bytes) -> dict:
    return pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]


def test_pdf_is_tagged_with_language_and_title(app):
    data = render_pdf(HTML.format(lang="nl"), app.static_folder)
    catalog = _catalog(data)
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert catalog["/Lang"] == "nl"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Dossier van Reiziger"


def test_pdf_language_follows_the_html(app):
    assert _catalog(render_pdf(HTML.format(lang="en"), app.static_folder))["/Lang"] == "en"
