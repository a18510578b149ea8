"""Addresses, translations and dates worked out once (journey/templating.py): what pages
show must stay exactly what Flask, Flask-Babel and Babel would have given."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale

from journey import templating
from journey.timezones import zone


def test_remembered_addresses_are_flasks_own(app):
    with app.test_request_context("/"):
        for endpoint, values in [
            ("static", {"filename": "css/journey.css"}),
            ("journey.place", {"place_id": "veilige-haven"}),
            ("journey.letter", {"letter_id": 7}),
            ("inbox.index", {"page": 2}),
        ]:
            expected = url_for(endpoint, **values)
            assert templating.cached_url_for(endpoint, **values) == expected
            assert templating.cached_url_for(endpoint, **values) == expected  # from the cache
    # The static file's address carries its version, as Flask's url_for gives it.
    with app.test_request_context("/"):
        assert "?v=" in templating.cached_url_for("static", filename="css/journey.css")


def test_addresses_follow_the_script_root_of_each_request(app):
    """Behind a proxy under /journey the same page has another address: the cache keys on
    the request's script root, so one mounting never hands its address to another."""
    with app.test_request_context("/"):
        at_root = templating.cached_url_for("journey.place", place_id="humor")
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/journey"}):
        mounted = templating.cached_url_for("journey.place", place_id="humor")
    assert at_root == "/places/humor"
    assert mounted == "/journey/places/humor"


def test_options_and_relative_endpoints_are_built_each_time(app):
    with app.test_request_context("/"):
        external = templating.cached_url_for("journey.place", place_id="humor", _external=True)
        assert external == "http://localhost/places/humor"
        listed = templating.cached_url_for("inbox.index", tags=["a", "b"])
        assert listed == url_for("inbox.index", tags=["a", "b"])


def test_the_address_cache_stays_bounded(app, monkeypatch):
    monkeypatch.setattr(templating, "ADDRESSES", 5)
    with app.test_request_context("/"):
        for number in range(1, 40):
            assert templating.cached_url_for("journey.letter", letter_id=number) == (
                f"/letters/{number}"
            )
        assert len(app.extensions["journey.addresses"]) <= 5


def test_templates_use_the_remembering_url_for(app):
    with app.test_request_context("/"):
        page = render_template_string("{{ url_for('journey.place', place_id='humor') }}")
    assert page == "/places/humor"
    assert app.jinja_env.globals["url_for"] is templating.cached_url_for


@pytest.mark.parametrize(
    ("moment", "where", "expected"),
    [
        # Summer time ends in Amsterdam on 25 October 2026 at 03:00 local (01:00 UTC).
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Europe/Amsterdam", "25-10 02:30"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Europe/Amsterdam", "25-10 02:30"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "America/New_York", "24-10 21:30"),
        # Just before and after midnight UTC: the local day is the next one in Amsterdam.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Europe/Amsterdam", "01-01 00:30"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "UTC", "31-12 23:30"),
    ],
)
def test_formatted_dates_keep_their_zone(app, moment, where, expected):
    """The kept text of a date belongs to its moment, zone and language: the same moment
    in two zones, and two moments that read alike across the clock change, stay apart."""
    with app.test_request_context("/"):
        assert templating.format_moment(moment, "dd-MM HH:mm", zone(where)) == expected
        assert templating.format_moment(moment, "dd-MM HH:mm", zone(where)) == expected


def test_formatted_dates_follow_the_language(app):
    moment = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    with app.test_request_context("/"):
        dutch = templating.format_moment(moment, "EEEE d MMMM", zone("Europe/Amsterdam"))
        with force_locale("en"):
            english = templating.format_moment(moment, "EEEE d MMMM", zone("Europe/Amsterdam"))
    assert dutch == "maandag 2 maart"
    assert english == "Monday 2 March"


def test_translations_are_looked_up_again_when_the_locale_changes(app, monkeypatch):
    """Within force_locale (a mail in its reader's language) templates must not reuse the
    request's catalogue."""
    asked = []
    real = templating.get_translations

    def counting():
        asked.append(True)
        return real()

    monkeypatch.setattr(templating, "get_translations", counting)
    with app.test_request_context("/"):
        for _ in range(5):
            render_template_string("{{ _('Kaart') }}")
        assert len(asked) == 1  # once for the request
        with force_locale("en"):
            render_template_string("{{ _('Kaart') }}")
        assert len(asked) == 2
        render_template_string("{{ _('Kaart %(n)s', n=3) }}")
        assert len(asked) == 3  # back in the request's own locale


def test_gettext_in_templates_formats_and_escapes_as_before(app):
    with app.test_request_context("/"):
        page = render_template_string(
            "{{ _('Hallo %(name)s', name=who) }}|"
            "{{ ngettext('%(num)d brief', '%(num)d brieven', 3) }}",
            who="<b>Ans</b>",
        )
    assert page == "Hallo &lt;b&gt;Ans&lt;/b&gt;|3 brieven"
