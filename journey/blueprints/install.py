"""Installable as a web app: the manifest, the service worker and its offline page.

The service worker keeps only what is the same for everyone: Journey's static files
(their addresses are versioned, so a cached copy never goes stale) and a small offline
page without any written text. Pages, answers and everything else always come from the
network and are never stored: a page with someone's words never lands in a cache.

The three answers are stateless (no session, no user, no cookie) and revalidated on
every use (``no-cache``), so that a new release reaches the browser at once.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..extensions import limiter
from ..web import stateless

bp = Blueprint("install", __name__)

THEME_COLOUR = "#2f4a5a"  # --deep in static/css/journey.css
BACKGROUND_COLOUR = "#f7f3ec"  # --cream
ICONS = (
    ("icons/journey.svg", "image/svg+xml", "any"),
    ("icons/journey-192.png", "image/png", "192x192"),
    ("icons/journey-512.png", "image/png", "512x512"),
)
SHELL = (  # static files every page uses: cached when the worker installs
    "css/journey.css",
    "js/journey.js",
    "js/session.js",
    "js/install.js",
    "favicon.svg",
    "icons/journey.svg",
)


def _fresh(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
@limiter.exempt
@stateless
def manifest() -> Any:
    locale = get_locale()
    body = {
        "name": "Journey",
        "short_name": "Journey",
        "description": _("Schrijven in je eigen tempo, met een coach die schriftelijk antwoordt."),
        "lang": str(locale).replace("_", "-") if locale else "nl",
        "start_url": url_for("journey.home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": url_for("static", filename=path), "type": kind, "sizes": sizes}
            for path, kind, sizes in ICONS
        ],
    }
    text = json.dumps(body, ensure_ascii=False, indent=2)
    return _fresh(Response(text, content_type="application/manifest+json; charset=utf-8"))


@bp.route("/service-worker.js")
@limiter.exempt
@stateless
def service_worker() -> Any:
    shell = [url_for("static", filename=path) for path in SHELL]
    offline = url_for("install.offline")
    version = hashlib.sha256(repr((shell, offline)).encode()).hexdigest()[:12]
    script = render_template(
        "install/service-worker.js",
        cache_name=f"journey-{version}",
        shell_urls=json.dumps([*shell, offline]),
        offline=json.dumps(offline),
        static_prefix=json.dumps(url_for("static", filename="")),
    )
    response = Response(script, content_type="text/javascript; charset=utf-8")
    response.headers["Service-Worker-Allowed"] = "/"
    return _fresh(response)


@bp.route("/offline")
@limiter.exempt
@stateless
def offline() -> Any:
    return _fresh(Response(render_template("install/offline.html")))
