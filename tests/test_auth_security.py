"""Safe signing in: argon2id, the password policy, lockout, throttling (Redis), two-factor
codes, sessions that end on logout, when idle and when old, and a safe production config."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import redis
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from journey import accounts, create_app, visits
from journey.blueprints.auth import SETUP_KEY
from journey.config import (
    DEVELOPMENT_SECRET_KEY,
    SECRETS_REQUIRED_IN_PRODUCTION,
    apply_environment,
    check_secrets,
)
from journey.extensions import db, limiter
from journey.models import Role, User

from .conftest import PASSWORD, Actor, Client, login

REDIS_URL = "redis://127.0.0.1:6379"
COMMON = "Dit wachtwoord staat op een lijst van veelgebruikte wachtwoorden."
REFUSED = "Deze schuilnaam en dit wachtwoord horen niet bij elkaar"


def register(client, **fields):
    data = {"pseudonym": "Zeemeeuw", "password": PASSWORD, "confirm": PASSWORD, **fields}
    return client.post("/register", data=data)


def refusal(response) -> str:
    """The error text shown under the password field."""
    page = response.get_data(as_text=True)
    start = page.index('<p class="error" role="alert">')
    return page[start : page.index("</p>", start)]


@pytest.fixture
def worker(app, database_url, clock):
    """Make another app on the test's database, as another gunicorn worker or server:
    ``worker(**config)`` returns its client. CSRF and two-factor are on, as by default."""
    made = []

    def make(**config):
        worker_app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "DATABASE_URL": database_url,
                "CLOCK": clock,
                **config,
            }
        )
        worker_app.test_client_class = Client
        made.append(worker_app)
        return worker_app.test_client()

    yield make
    for worker_app in made:
        with worker_app.app_context():
            db.session.remove()
            db.engine.dispose()


def stored(app, user: Actor, *names: str):
    """What the database holds now in the columns ``names`` of ``user``'s account: one
    value for one name, else a tuple (plain values, read in a context of their own)."""
    with app.app_context():
        account = db.session.get(User, user.id)
        values = tuple(getattr(account, name) for name in names)
    return values[0] if len(values) == 1 else values


def change(app, user: Actor, **columns) -> None:
    with app.app_context():
        stored = db.session.get(User, user.id)
        for name, value in columns.items():
            setattr(stored, name, value)
        db.session.commit()


def password_step(client, user: Actor, **query):
    """Only the first step of logging in: the pseudonym and password."""
    data = {"pseudonym": user.pseudonym, "password": user.password}
    return client.post("/login", data=data, query_string=query)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def set_up_two_factor(client, clock) -> str:
    """Go through the setup page with the right code; returns the secret."""
    assert client.get("/account/two-factor").status_code == 200
    with client.session_transaction() as session:
        secret = session[SETUP_KEY]
    response = client.post("/account/two-factor", data={"code": code_at(secret, clock())})
    assert response.status_code == 302
    return secret


# --- passwords ---------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2id(app, client):
    assert register(client).status_code == 302
    with app.app_context():
        user = db.session.scalars(db.select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert accounts.verify_password(user.password_hash, PASSWORD) == (True, False)


def test_a_legacy_scrypt_hash_still_works_and_is_upgraded_at_login(app, client, make_user):
    user = make_user("Reiziger")
    change(app, user, password_hash=generate_password_hash(PASSWORD, method="scrypt"))
    assert login(client, user, "niet-het-goede-wachtwoord").status_code == 422
    assert stored(app, user, "password_hash").startswith("scrypt:")
    assert login(client, user).status_code == 302
    assert stored(app, user, "password_hash").startswith("$argon2id$")
    client.post("/logout")
    assert login(client, user).status_code == 302


def test_a_weaker_argon2_hash_is_made_anew_at_login(app, client, make_user):
    user = make_user("Reiziger")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    change(app, user, password_hash=weak)
    assert login(client, user).status_code == 302
    renewed = stored(app, user, "password_hash")
    assert renewed != weak and renewed.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(renewed)


@pytest.mark.parametrize("password", ["wachtwoord123456", "welkomwelkom", "QWERTY123456"])
def test_a_common_password_is_refused_and_the_pseudonym_stays(app, client, password):
    response = register(client, password=password, confirm=password, email="z@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert COMMON in page and "Kies iets dat alleen jij bedenkt." in page
    assert 'value="Zeemeeuw"' in page and 'value="z@example.org"' in page
    assert password not in page
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []


def test_a_password_with_the_pseudonym_in_it_is_refused(client):
    response = register(client, password="Zeemeeuw-2026!", confirm="Zeemeeuw-2026!")
    assert response.status_code == 422
    assert "lijkt te veel op je schuilnaam" in response.get_data(as_text=True)


def test_the_password_policy():
    assert accounts.password_problem("kort") == "too_short"
    assert accounts.password_problem("x" * 257) == "too_long"
    assert accounts.password_problem("  Wachtwoord123 ") == "common"
    assert accounts.password_problem("een-lange-zin-over-de-zee") is None
    assert accounts.password_problem("ketel-zomer-vlinder") is None  # no composition rules
    assert accounts.password_problem("aaaaaaaaaaaa") == "guessable"  # but not guessable
    assert accounts.password_problem("123456789012") == "guessable"
    assert accounts.password_problem("bij-zeemeeuw-thuis", "Zeemeeuw") == "like_pseudonym"
    assert len(accounts.common_passwords()) > 19_000
    assert {"welkom01", "wachtwoord"} <= accounts.common_passwords()


# --- lockout -----------------------------------------------------------------------


def test_five_failures_lock_the_account_for_fifteen_minutes(app, client, make_user, clock):
    user = make_user("Reiziger")
    unknown = client.post("/login", data={"pseudonym": "Niemand", "password": PASSWORD})
    for _ in range(accounts.MAX_FAILED_LOGINS):
        wrong = login(client, user, "niet-het-goede-wachtwoord")
        assert wrong.status_code == 422
    locked = login(client, user)  # the right password, but locked
    assert locked.status_code == 422
    assert REFUSED in refusal(locked)
    # the same words as for a pseudonym that does not exist: nothing is given away
    assert refusal(locked) == refusal(unknown) == refusal(wrong)
    assert 'value="Reiziger"' in locked.get_data(as_text=True)
    clock.advance(minutes=14)
    assert login(client, user).status_code == 422
    clock.advance(minutes=2)
    assert login(client, user).status_code == 302
    assert stored(app, user, "failed_logins", "locked_until") == (0, None)


def test_a_successful_login_resets_the_count(client, make_user):
    user = make_user("Reiziger")
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        login(client, user, "niet-het-goede-wachtwoord")
    assert login(client, user).status_code == 302
    client.post("/logout")
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        login(client, user, "niet-het-goede-wachtwoord")
    assert login(client, user).status_code == 302


# --- throttling with Redis, shared by app servers ------------------------------------


@pytest.fixture
def redis_worker(worker):
    """``redis_worker()``: a worker whose login limit (3 a minute) is kept in the machine's
    Redis. Keys are told apart by a made-up client address per test (Flask-Limiter keeps
    the key prefix of the first app in the process) and removed afterwards."""
    address = f"127.{uuid.uuid4().int % 250 + 1}.{uuid.uuid4().int % 250}.7"
    prefix = f"journey-test-{uuid.uuid4().hex}"

    def make():
        client = worker(
            RATELIMIT_STORAGE_URI=REDIS_URL,
            RATELIMIT_KEY_PREFIX=prefix,
            LOGIN_RATE_LIMIT="3 per minute",
        )
        client.environ_base["REMOTE_ADDR"] = address
        return client

    make.address = address
    yield make
    with redis.Redis.from_url(REDIS_URL) as connection:
        for pattern in (f"*{address}*", f"*{prefix}*"):
            for key in connection.scan_iter(match=pattern):
                connection.delete(key)


def test_login_attempts_are_throttled_in_redis_across_workers(redis_worker, make_user):
    user = make_user("Reiziger")
    first = redis_worker()
    for _ in range(3):
        assert login(first, user, "niet-het-goede-wachtwoord").status_code == 422
    with redis.Redis.from_url(REDIS_URL) as connection:
        assert list(connection.scan_iter(match=f"*{redis_worker.address}*"))
    second = redis_worker()  # another worker, with a storage object of its own
    response = login(second, user)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Je hebt het te vaak kort na elkaar geprobeerd" in page
    assert 'value="Reiziger"' in page
    assert "Retry-After" in response.headers
    code_step = second.post("/login/code", data={"code": "123456"})
    assert code_step.status_code == 429  # password and code share the limit
    assert "Even wachten" in code_step.get_data(as_text=True)
    assert second.get("/login").status_code == 200  # only attempts count


# --- two-factor login ------------------------------------------------------------------


def test_a_coach_must_set_up_two_factor_before_anything_else(app, client, make_user, clock):
    coach = make_user("Coach Anna", Role.COACH, two_factor=False)
    assert login(client, coach).headers["Location"] == "/account/two-factor"
    assert client.get("/inbox/").headers["Location"] == "/account/two-factor"
    assert client.get("/account").headers["Location"] == "/account/two-factor"
    autosave = client.post("/inbox/letters/1/feedback/x", json={"text": "x"})
    assert autosave.status_code == 403 and autosave.json["error"] == "two_factor_setup"
    page = client.get("/account/two-factor").get_data(as_text=True)
    with client.session_transaction() as session:
        secret = session[SETUP_KEY]
    assert 'src="data:image/svg+xml' in page and "<script" not in page.split("<main", 1)[1]
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert wrong.status_code == 422 and "Deze code klopt niet" in wrong.get_data(as_text=True)
    right = client.post("/account/two-factor", data={"code": code_at(secret, clock())})
    assert right.status_code == 302
    assert stored(app, coach, "totp_secret") == secret
    assert client.get("/inbox/").status_code == 200


def test_with_two_factor_the_password_alone_does_not_log_in(client, make_user, clock):
    coach = make_user("Coach Anna", Role.COACH)
    secret = coach.totp_secret
    assert password_step(client, coach, next="/inbox/").headers["Location"] == "/login/code"
    assert client.get("/inbox/").headers["Location"].startswith("/login")  # not logged in
    wrong = client.post("/login/code", data={"code": "000000"})
    assert wrong.status_code == 422 and "Deze code klopt niet" in wrong.get_data(as_text=True)
    # one step (30 s) either side is accepted: a phone's clock may be a little off
    code = code_at(secret, clock() - timedelta(seconds=30))
    assert client.post("/login/code", data={"code": code}).headers["Location"] == "/inbox/"
    assert client.get("/inbox/").status_code == 200


def test_a_code_works_only_once_on_every_worker(app, client, worker, make_user, clock):
    """Each worker keeps its throttle counts in memory (the default storage): the code is
    still refused on the second, because the step it used is stored with the account."""
    coach = make_user("Coach Anna", Role.COACH)
    secret = coach.totp_secret
    code = code_at(secret, clock())
    password_step(client, coach)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    assert (
        stored(app, coach, "totp_last_step")
        == int(clock().timestamp()) // accounts.TOTP_STEP_SECONDS
    )
    counts_so_far = limiter.storage
    # Another gunicorn worker, made only now: the one Limiter of this process takes the
    # new app's fresh memory:// storage, so nothing counted during the first login is
    # seen there, just as in another process.
    other = worker()
    assert other.application.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert limiter.storage is not counts_so_far
    password_step(other, coach)
    replayed = other.post("/login/code", data={"code": code})
    assert replayed.status_code == 422 and "Deze code klopt niet" in replayed.get_data(as_text=True)
    earlier = code_at(secret, clock() - timedelta(seconds=30))  # older than the one used
    assert other.post("/login/code", data={"code": earlier}).status_code == 422
    clock.advance(seconds=30)
    assert other.post("/login/code", data={"code": code_at(secret, clock())}).status_code == 302


def test_the_code_step_expires_and_wrong_codes_lock(app, client, make_user, clock):
    coach = make_user("Coach Anna", Role.COACH)
    secret = coach.totp_secret
    password_step(client, coach)
    clock.advance(minutes=6)
    late = client.post("/login/code", data={"code": code_at(secret, clock())})
    assert late.headers["Location"] == "/login"
    assert client.get("/inbox/").headers["Location"].startswith("/login")
    password_step(client, coach)
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 422
    locked = client.post("/login/code", data={"code": "000000"}, follow_redirects=True)
    assert "Te veel verkeerde codes" in locked.get_data(as_text=True)
    assert password_step(client, coach).status_code == 422  # locked: not even the code step
    assert stored(app, coach, "locked_until") == clock() + accounts.LOCK_TIME


def test_two_factor_is_optional_for_a_coachee(app, client, make_user, clock):
    coachee = make_user("Reiziger")
    assert login(client, coachee).headers["Location"] == "/"
    assert client.get("/map").status_code == 200
    assert "Aanzetten" in client.get("/account").get_data(as_text=True)
    secret = set_up_two_factor(client, clock)
    client.post("/logout")
    assert password_step(client, coachee).headers["Location"] == "/login/code"
    clock.advance(seconds=30)
    assert client.post("/login/code", data={"code": code_at(secret, clock())}).status_code == 302
    wrong = client.post("/account/two-factor/off", data={"password": "niet-het-goede"})
    assert wrong.status_code == 422 and "Dit wachtwoord klopt niet" in wrong.get_data(as_text=True)
    assert stored(app, coachee, "totp_secret") == secret
    assert client.post("/account/two-factor/off", data={"password": PASSWORD}).status_code == 302
    assert stored(app, coachee, "totp_secret") is None


def test_staff_cannot_turn_two_factor_off(app, client, make_user):
    admin = make_user("Beheerder", Role.ADMIN)
    login(client, admin)
    assert "Voor jouw rol is dit verplicht." in client.get("/account").get_data(as_text=True)
    client.post("/account/two-factor/off", data={"password": PASSWORD})
    assert stored(app, admin, "totp_secret") == admin.totp_secret


def test_totp_steps_either_side():
    secret = pyotp.random_base32()
    now = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)
    step = int(now.timestamp()) // 30
    for offset in (-1, 0, 1):
        code = pyotp.TOTP(secret).at(now + timedelta(seconds=30 * offset))
        assert accounts.totp_step(secret, code[:3] + " " + code[3:], now) == step + offset
    too_old = pyotp.TOTP(secret).at(now - timedelta(seconds=60))
    assert accounts.totp_step(secret, too_old, now) is None
    assert accounts.totp_step(secret, "12345", now) is None


# --- sessions -------------------------------------------------------------------------


def test_a_cookie_from_before_logout_is_refused(app, client, make_user):
    user = make_user("Reiziger")
    login(client, user)
    old_cookie = client.get_cookie("session").value
    assert client.get("/map").status_code == 200
    client.post("/logout")
    client.set_cookie("session", old_cookie)
    response = client.get("/map")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert stored(app, user, "session_epoch") == 1


def test_logging_out_ends_the_session_on_another_device_at_its_next_request(app, client, make_user):
    user = make_user("Reiziger")
    phone = app.test_client()
    login(client, user)
    login(phone, user)
    for _ in range(3):  # both in use, request after request
        assert client.get("/map").status_code == 200
        assert phone.get("/letters").status_code == 200
    client.post("/logout")
    for url in ("/letters", "/map", "/dossier"):  # not only the phone's first request
        assert phone.get(url).headers["Location"].startswith("/login")


def test_the_session_cookie_is_httponly_and_samesite(client, make_user):
    cookie = login(client, make_user("Reiziger")).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_an_idle_session_ends_after_an_hour_and_every_request_slides_it(
    client, make_user, clock, app
):
    coachee = make_user("Reiziger")
    with app.app_context():
        visit = visits.visit_place(db.session.get(User, coachee.id), "veilige-haven", clock())
        db.session.commit()
        visit_id = visit.id
    question = app.extensions["journey.world"].place("veilige-haven").questions[0]
    autosave_url = f"/visits/{visit_id}/drafts/q-{question.id}"
    login(client, coachee)
    for _ in range(3):  # three hours, never idle for an hour
        clock.advance(minutes=59)
        assert client.get("/map").status_code == 200
    clock.advance(minutes=59)
    assert client.post("/session/keep-alive", json={}).status_code == 200
    clock.advance(minutes=59)
    assert client.post(autosave_url, json={"text": "Hoi", "version": 0}).status_code == 200
    clock.advance(minutes=61)
    response = client.get("/map")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je deed een tijd niets en bent daarom uitgelogd." in login_page
    login(client, coachee)
    clock.advance(minutes=61)
    autosave = client.post(autosave_url, json={"text": "Hoi!", "version": 1})
    assert autosave.status_code == 401 and autosave.json["error"] == "login"
    assert client.post("/session/keep-alive", json={}).status_code == 401


def test_a_session_ends_after_twelve_hours_whatever_happens(client, make_user, clock):
    login(client, make_user("Reiziger"))
    for _ in range(14):  # 11 h 40 min
        clock.advance(minutes=50)
        assert client.get("/map").status_code == 200
    clock.advance(minutes=30)
    assert client.get("/map").status_code == 302


def test_pages_of_logged_in_users_carry_the_idle_warning(client, make_user):
    anonymous = client.get("/login").get_data(as_text=True)
    assert "data-idle-seconds" not in anonymous
    login(client, make_user("Reiziger"))
    page = client.get("/map").get_data(as_text=True)
    assert 'data-idle-seconds="3600"' in page and 'data-idle-warning-seconds="300"' in page
    assert 'data-keep-alive-url="/session/keep-alive"' in page
    assert "Je wordt over 5 minuten uitgelogd omdat je even niets deed." in page
    assert "Ingelogd blijven" in page and "js/session.js" in page


def test_keep_alive_without_a_session_answers_401_json(client):
    response = client.post("/session/keep-alive", json={})
    assert response.status_code == 401 and response.json["error"] == "login"


# --- production configuration ------------------------------------------------------------


@pytest.mark.parametrize("secret_key", [DEVELOPMENT_SECRET_KEY, ""])
def test_production_refuses_the_development_secret_key(database_url, secret_key):
    config = {"ENV_NAME": "production", "SECRET_KEY": secret_key, "DATABASE_URL": database_url}
    config["RATELIMIT_STORAGE_URI"] = REDIS_URL
    with pytest.raises(RuntimeError, match="JOURNEY_SECRET_KEY"):
        create_app(config)


def test_journey_env_production_is_read_from_the_environment(database_url, monkeypatch):
    monkeypatch.setenv("JOURNEY_ENV", "production")
    monkeypatch.delenv("JOURNEY_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="JOURNEY_SECRET_KEY"):
        create_app({"DATABASE_URL": database_url})


def test_production_makes_cookies_secure():
    config = {key: f"a-real-{key.lower()}" for key, _ in SECRETS_REQUIRED_IN_PRODUCTION}
    config |= {"ENV_NAME": "production", "IDLE_MINUTES": 30, "RATELIMIT_STORAGE_URI": REDIS_URL}
    apply_environment(config)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=30)


def test_check_secrets_names_the_variable():
    required = [("SECRET_KEY", "dev"), ("OTHER_KEY", "dev-other")]
    check_secrets({"SECRET_KEY": "s3cret", "OTHER_KEY": "also"}, required)
    with pytest.raises(RuntimeError, match="JOURNEY_OTHER_KEY"):
        check_secrets({"SECRET_KEY": "s3cret", "OTHER_KEY": "dev-other"}, required)
    with pytest.raises(RuntimeError, match="JOURNEY_OTHER_KEY"):
        check_secrets({"SECRET_KEY": "s3cret"}, required)
