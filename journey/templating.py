"""What makes a page cheap to render: addresses, translations and dates, worked out once.

A page calls ``url_for``, ``_()`` and the ``when`` filter dozens to hundreds of times
(the map builds 80 addresses, a dossier page formats a hundred dates). Each call goes
through Flask's, Flask-Babel's and Babel's general machinery, which together cost more
than the page's SQL. The answers depend only on their arguments and on things that do
not change while the app runs, so they are kept:

- **addresses**: ``url_for`` in templates remembers what it built for an endpoint and
  its arguments under the request's script root (the app's routes and the static
  files' versions are fixed once the app is built). Relative endpoints (``.name``),
  ``_external`` and the other ``_`` options, and arguments that cannot be a dictionary
  key go to Flask's ``url_for`` as before.
- **translations**: templates' ``_()`` and ``ngettext`` look up the request's Babel
  catalogue once per request and locale, instead of on every call.
- **dates**: the ``when`` filter's text for a moment, format, zone and locale is kept in
  a bounded cache (the same letters' dates come back on every page view).

The caches are bounded and hold no written text: addresses of pages and formatted
dates only.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale, get_translations

ADDRESSES = 4096  # distinct addresses kept per process (places, letters, static files)
DATES = 8192  # distinct formatted dates kept per process


def cached_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for templates, remembering what it built."""
    if endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, frozenset(values.items()))
        hash(key)
    except TypeError:  # an argument that cannot be a key (a list of values)
        return url_for(endpoint, **values)
    built: dict = current_app.extensions["journey.addresses"]
    address = built.get(key)
    if address is None:
        address = url_for(endpoint, **values)
        if len(built) >= ADDRESSES:
            built.clear()  # rare (more distinct addresses than kept); start again
        built[key] = address
    return address


def _translations() -> Any:
    """The request's Babel catalogue, looked up again only when the locale changes
    (Flask-Babel keeps the request's locale in ``g._flask_babel``; ``force_locale``
    swaps it for a while)."""
    kept = g.get("_journey_translations")
    if kept is not None and kept[0] is getattr(g.get("_flask_babel"), "babel_locale", None):
        return kept[1]
    translations = get_translations()  # sets g._flask_babel.babel_locale
    g._journey_translations = (getattr(g.get("_flask_babel"), "babel_locale", None), translations)
    return translations


# Raw lookups: Jinja's newstyle gettext wraps them (autoescaping, ``%(name)s`` values).
def gettext(string: str) -> str:
    return _translations().ugettext(string)


def ngettext(singular: str, plural: str, num: int) -> str:
    return _translations().ungettext(singular, plural, num)


def pgettext(context: str, string: str) -> str:
    return _translations().upgettext(context, string)


def npgettext(context: str, singular: str, plural: str, num: int) -> str:
    return _translations().unpgettext(context, singular, plural, num)


@functools.lru_cache(maxsize=DATES)
def _formatted(value: datetime, format: str, zone: Any, locale: Any) -> str:
    return format_datetime(value, format, tzinfo=zone, locale=locale)


def format_moment(value: datetime, format: str, zone: Any, locale: Any = None) -> str:
    """``value`` (aware) in ``zone`` and ``locale`` (default: the request's language), in
    Babel's ``format``."""
    return _formatted(value, format, zone, locale or get_locale())


def init_app(app: Flask) -> None:
    """Install the remembering ``url_for`` and the per-request translations in ``app``'s
    templates (after Flask-Babel's ``init_app``, whose callables these replace)."""
    app.extensions["journey.addresses"] = {}
    app.jinja_env.globals["url_for"] = cached_url_for
    app.jinja_env.install_gettext_callables(
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
