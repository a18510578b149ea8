"""Throttles behind a proxy and across workers: login per visitor address (ProxyFix by
setting), registration per address, exports per person and one at a time; production
insists on a shared storage and sends HSTS."""

from __future__ import annotations

import pytest

from journey.config import apply_environment
from journey.extensions import limiter

from .conftest import PASSWORD, login, production_config


def wrong_logins(client, count: int, address: str) -> list[int]:
    """Send ``count`` wrong passwords as if from ``address`` (behind the proxy)."""
    headers = {"X-Forwarded-For": address}
    return [
        client.post(
            "/login", data={"pseudonym": "Niemand", "password": "fout"}, headers=headers
        ).status_code
        for _ in range(count)
    ]


def test_behind_a_proxy_each_visitor_has_a_login_throttle_of_their_own(
    database_url, clock, another_app
):
    app = another_app({"DATABASE_URL": database_url, "CLOCK": clock, "PROXIES": 1})
    client = app.test_client()
    assert wrong_logins(client, 10, "203.0.113.7") == [422] * 10
    assert wrong_logins(client, 1, "203.0.113.7") == [429]
    assert wrong_logins(client, 1, "198.51.100.9") == [422]  # someone else behind nginx


def test_without_the_setting_a_forwarded_address_is_not_believed(app, client):
    statuses = [wrong_logins(client, 1, f"203.0.113.{n}")[0] for n in range(11)]
    assert statuses == [422] * 10 + [429]  # one address: the proxy's (or a liar's)


def register(client, pseudonym: str, address: str):
    data = {"pseudonym": pseudonym, "password": PASSWORD, "confirm": PASSWORD}
    return client.post("/register", data=data, environ_base={"REMOTE_ADDR": address})


def test_registration_is_throttled_per_address(app, quick_password_hashes):
    statuses = []
    for n in range(11):
        client = app.test_client()  # a new visitor each time, from one address
        statuses.append(register(client, f"Reiziger {n}", "192.0.2.1").status_code)
    assert statuses == [302] * 10 + [429]
    refused = register(app.test_client(), "Laat", "192.0.2.1").get_data(as_text=True)
    assert "al veel accounts aangemaakt" in refused and 'value="Laat"' in refused
    assert register(app.test_client(), "Ander adres", "192.0.2.2").status_code == 302


@pytest.fixture
def coachee(make_user, client):
    person = make_user("Reiziger")
    login(client, person)
    return person


def test_exports_are_throttled_per_person(app, client, coachee):
    app.config["EXPORT_RATE_LIMIT"] = "3 per hour"
    statuses = [client.get("/dossier/export.json").status_code for _ in range(3)]
    statuses.append(client.get("/dossier/export.md").status_code)
    assert statuses == [200, 200, 200, 429]


def test_one_person_makes_one_export_at_a_time(app, client, coachee):
    key = f"{app.config['RATELIMIT_KEY_PREFIX']}/export-running/{coachee.id}"
    with app.app_context():
        limiter.storage.incr(key, 60)  # an export of theirs is being made right now
    for url in ("/dossier/export.pdf", "/privacy/archive.zip"):
        response = client.get(url)
        assert response.status_code == 429
        assert "vorige download wordt nog gemaakt" in response.get_data(as_text=True)
    with app.app_context():
        limiter.storage.clear(key)  # it is done
    assert client.get("/dossier/export.json").status_code == 200
    assert client.get("/dossier/export.json").status_code == 200  # and its lock went too


def test_production_refuses_a_throttle_storage_of_its_own_per_worker(database_url):
    config = production_config(database_url, RATELIMIT_STORAGE_URI="memory://", IDLE_MINUTES=60)
    with pytest.raises(RuntimeError, match="JOURNEY_RATELIMIT_STORAGE_URI"):
        apply_environment(config)


def test_production_pages_tell_browsers_to_use_https_only(database_url, app, another_app):
    production = another_app(production_config(database_url))
    response = production.test_client().get("/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers
