"""PDF documents (the dossier) made with WeasyPrint, which may read only Journey's own
static files: no network, no other file on the server, whatever a template or a
written text points to."""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname


def render_pdf(html: str, static_folder: str) -> bytes:
    """The tagged PDF of ``html`` (PDF/UA-1: a structure tree for screen readers, the
    document's language and title from the html); relative addresses are files below
    ``static_folder``."""
    import weasyprint  # imported here: it is large, and only PDF exports need it

    fetcher = static_files_only(static_folder)
    document = weasyprint.HTML(string=html, base_url=static_folder + "/", url_fetcher=fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def static_files_only(root: str):
    """WeasyPrint's URL fetcher, limited to ``data:`` addresses and files below ``root``.

    Anything else (http, https, ftp, a file elsewhere) raises ValueError: WeasyPrint
    leaves that resource out and goes on."""
    return _fetcher_class()(root)


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class StaticFilesOnly(URLFetcher):
        def __init__(self, root: str) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.root = Path(root).resolve()

        def fetch(self, url: str, headers=None):
            if url.lower().startswith("file:"):
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if not path.is_relative_to(self.root):
                    raise ValueError(f"not a static file of Journey: {url}")
            return super().fetch(url, headers)

    return StaticFilesOnly
