"""``make bench`` (``python -m tests.bench``): Journey's pages under load.

Starts Journey under gunicorn (2 sync workers) on SQLite and on PostgreSQL, and a
bare Flask endpoint (``tests/bench/bare.py``) served the same way in the same run.
Seeds a coach with 5, 5,000 and 100,000 waiting letters (and as many answered ones,
over a caseload of 40 coachees) and a coachee with a long history, each size in a database and
a gunicorn of its own, then drives each page with wrk at 16 connections: the map, a
place, an autosave POST, a letter, the dossier (the coachee's own and the coach's
view), the inbox, the caseload and a static file. Page by page, the bare endpoint is
measured first and then the page at every size, so that both comparisons are made
between runs a few seconds apart.

Prints per backend: req/s, p50 and p99 latency, each page's throughput as a share
of the bare endpoint's, and the cost of a request at the largest size against the
smallest (100k:5); then the floors, PASS or FAIL, and how long a dossier PDF of 200
letters takes. Exits 1 when a floor fails (unless ``--no-floors`` or ``--quick``),
2 when the bench itself cannot measure (a page answered anything but 200, a server
did not start).

``--quick`` is the few-seconds version ``make test`` runs (tests/test_bench.py):
2 s per page, sizes 5 and 500, SQLite (and PostgreSQL when TEST_DATABASE_URL or
``--postgres`` names a server), floors printed but not enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from journey.config import DEVELOPMENT_ENCRYPTION_KEY
from journey.extensions import db

from . import seed
from .load import (
    CONNECTIONS,
    THREADS,
    VISIT_FORM,
    WORKERS,
    BenchError,
    Browser,
    Result,
    Server,
    Target,
    check,
    run_wrk,
)

FULL_SIZES = (5, 5_000, 100_000)
QUICK_SIZES = (5, 500)
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1/postgres"
BARE = "bare endpoint"
AUTOSAVE = "autosave POST"
PAGE_SHARE = 0.15  # every page: at least this share of the bare endpoint's throughput
AUTOSAVE_SHARE = 0.25
P99_MS = 50
GROWTH = 1.2  # a request at 100,000 letters costs at most this much more than at 5
PDF_SECONDS = 5


@dataclass
class Run:
    """One backend's measurements: ``rows[(page, size)]``, and the bare endpoint's
    measurement before each page (``bare[page]``)."""

    backend: str
    rows: dict[tuple[str, int], Result] = field(default_factory=dict)
    bare: dict[str, Result] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    pdf_seconds: float | None = None
    pdf_letters: int = 0
    seed_seconds: dict[int, float] = field(default_factory=dict)


@dataclass
class Site:
    """One size: its own database, seeded, served by its own gunicorn."""

    size: int
    app: Flask
    seeded: seed.Seeded
    server: Server
    targets: list[Target] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    print(_machine(), flush=True)
    runs: list[Run] = []
    try:
        for backend in args.backends:
            runs.append(_bench(backend, args))
            _print_run(runs[-1])
    except BenchError as error:
        print(f"\nBENCH FAILED: {error}", file=sys.stderr, flush=True)
        return 2
    failed = False
    for run in runs:
        failed |= _print_floors(run)
    if failed and args.floors:
        print("\nA floor failed.", flush=True)
        return 1
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a few seconds per page (make test)")
    parser.add_argument("--duration", type=float, help="seconds per page (10; quick: 2)")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql", "both"),
        help="default: both (quick: sqlite, both when a PostgreSQL server is named)",
    )
    parser.add_argument(
        "--sizes", help="letters of each kind for the coach, comma-separated (5,5000,100000)"
    )
    parser.add_argument(
        "--postgres",
        help="a PostgreSQL server to create the bench's database on (default: "
        f"TEST_DATABASE_URL, else {DEFAULT_POSTGRES})",
    )
    parser.add_argument("--pdf-letters", type=int, help="letters in the PDF's dossier (200)")
    parser.add_argument(
        "--no-floors", dest="floors", action="store_false", help="exit 0 when a floor fails"
    )
    args = parser.parse_args(argv)
    args.postgres = args.postgres or os.environ.get("TEST_DATABASE_URL") or None
    if args.backend is None:
        args.backend = "both" if not args.quick or args.postgres else "sqlite"
    args.backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    args.postgres = args.postgres or DEFAULT_POSTGRES
    args.duration = args.duration or (2.0 if args.quick else 10.0)
    sizes = args.sizes.split(",") if args.sizes else (QUICK_SIZES if args.quick else FULL_SIZES)
    args.sizes = sorted({int(str(size).replace("_", "")) for size in sizes})
    args.pdf_letters = args.pdf_letters or (20 if args.quick else 200)
    if args.quick:
        args.floors = False
    return args


def _machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
    wrk_version = (wrk.stdout or wrk.stderr).split("\n")[0].split(" Copyright")[0]
    return (
        f"Journey bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n"
        f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {model}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {wrk_version}\n"
        f"load: wrk -t{THREADS} -c{CONNECTIONS}; servers: gunicorn -w {WORKERS} (sync workers)"
    )


@contextlib.contextmanager
def _database(backend: str, server_url: str, size: int) -> Iterator[str]:
    """A new, empty database: an SQLite file in a temporary folder, or a PostgreSQL
    database created on ``server_url``'s server (dropped again afterwards)."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="journey-bench-")
        try:
            yield f"sqlite:///{folder}/journey.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    name = f"journey_bench_{os.getpid()}_{size}"
    parts = urllib.parse.urlsplit(server_url.replace("postgresql+psycopg://", "postgresql://"))
    admin = parts._replace(scheme="postgresql").geturl()
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise BenchError(
            f"cannot create a PostgreSQL database on {admin}: {error}\n"
            "(name a server with --postgres or TEST_DATABASE_URL, or use --backend sqlite)"
        ) from error
    try:
        yield parts._replace(scheme="postgresql", path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _bench(backend: str, args: argparse.Namespace) -> Run:
    """Measure every page at every size on ``backend``.

    Each size has a database and a gunicorn of its own, all started before the first
    measurement; then page by page: the bare endpoint, and the page at each size, one
    after the other. So a page's sizes and its yardstick are measured within a minute
    of each other, and a change in the machine's load (other work on it) shifts them
    together rather than skewing the ratios.
    """
    run = Run(backend, sizes=list(args.sizes), pdf_letters=args.pdf_letters)
    keys = os.environ.get("JOURNEY_ENCRYPTION_KEYS", DEVELOPMENT_ENCRYPTION_KEY)
    workdir = Path(tempfile.mkdtemp(prefix=f"journey-bench-{backend}-"))
    sites: list[Site] = []
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        for size in args.sizes:
            print(f"\n== {backend}: seeding {size:,} letters ...", flush=True)
            url = stack.enter_context(_database(backend, args.postgres, size))
            app = seed.make_app(url, keys)
            stack.callback(_dispose, app)
            began = time.monotonic()
            seed.migrate(app)
            pdf_letters = args.pdf_letters if size == args.sizes[-1] else 1
            seeded = seed.seed_base(app, pdf_letters)
            seed.grow(app, seeded, size)
            run.seed_seconds[size] = time.monotonic() - began
            server = Server(
                "journey:create_app()", _env(url, keys), workdir / f"journey-{size}.log"
            )
            stack.callback(server.stop)
            sites.append(Site(size, app, seeded, server))
        bare = Server("tests.bench.bare:app", {}, workdir / "bare.log")
        stack.callback(bare.stop)
        site = None
        try:
            bare.wait_until_ready("/")
            check(bare.url, Target(BARE, "/"))
            for site in sites:
                site.server.wait_until_ready("/login")
                site.targets = _targets(site)
            site = None
            print(f"\n== {backend}: measuring, {args.duration:g} s per page and size", flush=True)
            for number in range(len(sites[0].targets)):
                page = sites[0].targets[number].name
                run.pages.append(page)
                run.bare[page] = run_wrk(bare.url, Target(BARE, "/"), args.duration, workdir)
                _say(BARE, 0, run.bare[page])
                for site in sites:
                    target = site.targets[number]
                    check(site.server.url, target)
                    result = run_wrk(site.server.url, target, args.duration, workdir)
                    run.rows[(page, site.size)] = result
                    _say(page, site.size, result)
                site = None
            site = sites[-1]
            run.pdf_seconds = _pdf_seconds(site)
            print(f"dossier PDF of {args.pdf_letters} letters: {run.pdf_seconds:.2f} s", flush=True)
        except BenchError as error:
            log = (
                f"\n--- gunicorn's log ({site.size:,} letters):\n{site.server.log()}"
                if site
                else ""
            )
            raise BenchError(f"{error}{log}") from None
    return run


def _env(url: str, keys: str) -> dict[str, str]:
    """The served app's settings: the seeded database and the same keys."""
    return {
        "JOURNEY_DATABASE_URL": url,
        "JOURNEY_SECRET_KEY": seed.SECRET_KEY,
        "JOURNEY_ENCRYPTION_KEYS": keys,
        # The bench measures pages, not the throttles (tests/test_throttles.py tests those):
        # at thousands of requests a second the login and export limits would answer 429.
        "JOURNEY_RATELIMIT_ENABLED": "false",
    }


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


def _targets(site: Site) -> list[Target]:
    """Log in as the coachee and the coach; the pages as they ask for them."""
    seeded = site.seeded
    coachee, coach = Browser(site.server.url), Browser(site.server.url)
    coachee.login(seed.COACHEE, seed.PASSWORD)
    coach.login(seed.COACH, seed.PASSWORD, seed.TOTP_SECRET)
    place = f"/places/{seeded.place_id}"
    found = VISIT_FORM.search(coachee.page(place))  # the first visit starts the visit
    if not found:
        raise BenchError("the place page has no form of an open visit")
    drafts = tuple(f"/visits/{found.group(1)}/drafts/q-{q}" for q in seeded.question_ids)
    coach.page("/inbox/")
    coachee_cookie, coach_cookie = coachee.cookie_header(), coach.cookie_header()
    return [
        Target("static file", "/static/css/journey.css"),
        Target("map", "/map", coachee_cookie),
        Target("place", place, coachee_cookie),
        Target(
            AUTOSAVE,
            drafts[0],
            coachee_cookie,
            coachee.csrf_token,
            json_text="Ik schrijf verder aan mijn antwoord, bewaard terwijl ik typ",
            json_fields=drafts,
        ),
        Target("letter", f"/letters/{seeded.letter_id}", coachee_cookie),
        Target("dossier", "/dossier", coachee_cookie),
        Target("dossier (coach)", f"/dossier/{seeded.coachee_id}", coach_cookie),
        Target("inbox", "/inbox/", coach_cookie),
        Target("caseload", "/inbox/coachees", coach_cookie),
    ]


def _pdf_seconds(site: Site) -> float:
    """How long one dossier PDF export takes, as its coachee (the writer) asks for it."""
    writer = Browser(site.server.url)
    writer.login(seed.WRITER, seed.PASSWORD)
    began = time.monotonic()
    with writer.opener.open(writer.base_url + "/dossier/export.pdf", timeout=120) as response:
        body = response.read()
        status, kind = response.status, response.headers.get("Content-Type", "")
    seconds = time.monotonic() - began
    if status != 200 or kind != "application/pdf" or not body.startswith(b"%PDF"):
        raise BenchError(f"the dossier PDF answered {status} {kind!r}, not a PDF")
    return seconds


def _say(name: str, size: int, result: Result) -> None:
    print(
        f"   {name:<16} {f'{size:,}' if size else '':>7} {result.rps:9.1f} req/s  "
        f"p50 {result.p50_ms:7.1f} ms  "
        f"p99 {result.p99_ms:7.1f} ms  ({result.requests} requests)",
        flush=True,
    )


def _size_label(size: int) -> str:
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def _print_run(run: Run) -> None:
    small, large = run.sizes[0], run.sizes[-1]
    ratio = f"{_size_label(large)}:{_size_label(small)}"
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[run.backend]
    print(f"\n{title}")
    header = (
        f"| {'page':<16} | {'letters':>7} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} "
        f"| {'% of bare':>9} | {ratio:>8} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    bare = sorted(run.bare.values(), key=lambda r: r.rps)
    middle = bare[len(bare) // 2]
    print(
        f"| {BARE:<16} | {'-':>7} | {middle.rps:8.1f} | {middle.p50_ms:7.1f} "
        f"| {middle.p99_ms:7.1f} | {100:>8.1f}% | {'':>8} |"
    )
    for page in run.pages:
        for size in run.sizes:
            result = run.rows[(page, size)]
            cost = ""
            if size == large and len(run.sizes) > 1:
                cost = f"{_growth(run, page):.2f}x"
            print(
                f"| {page:<16} | {size:>7,} | {result.rps:8.1f} | {result.p50_ms:7.1f} "
                f"| {result.p99_ms:7.1f} | {100 * _share(run, page, size):>8.1f}% | {cost:>8} |"
            )
    print(
        f"\nbare endpoint: the median of {len(bare)} runs, one before each page "
        f"({bare[0].rps:.0f} to {bare[-1].rps:.0f} req/s); each page's share is of the run "
        "just before it."
    )
    if run.pdf_seconds is not None:
        print(f"dossier PDF of {run.pdf_letters} letters: {run.pdf_seconds:.2f} s")
    print(
        "seeding (each size its own database): "
        + ", ".join(
            f"{size:,} letters {seconds:.1f} s" for size, seconds in run.seed_seconds.items()
        )
    )


def _share(run: Run, page: str, size: int) -> float:
    """The page's throughput as a share of the bare endpoint's, measured at the same size."""
    return run.rows[(page, size)].rps / run.bare[page].rps


def _growth(run: Run, page: str) -> float:
    """The cost of a request at the largest size against the smallest (rps small / large)."""
    return run.rows[(page, run.sizes[0])].rps / run.rows[(page, run.sizes[-1])].rps


def _print_floors(run: Run) -> bool:
    """Print every floor as PASS or FAIL; True when one failed."""
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[run.backend]
    print(f"\nFloors, {title}:")
    failed = False

    def verdict(ok: bool, text: str) -> None:
        nonlocal failed
        failed |= not ok
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")

    small, large = run.sizes[0], run.sizes[-1]
    for page in run.pages:
        floor = AUTOSAVE_SHARE if page == AUTOSAVE else PAGE_SHARE
        share = min(_share(run, page, s) for s in run.sizes)
        verdict(share >= floor, f"{page}: {100 * share:.1f}% of bare (floor {100 * floor:.0f}%)")
        p99 = max(run.rows[(page, s)].p99_ms for s in run.sizes)
        verdict(p99 < P99_MS, f"{page}: p99 {p99:.1f} ms (floor under {P99_MS} ms)")
        if len(run.sizes) > 1:
            growth = _growth(run, page)
            verdict(
                growth <= GROWTH,
                f"{page}: {growth:.2f}x at {large:,} letters against {small:,} (floor {GROWTH}x)",
            )
    if run.pdf_seconds is not None:
        verdict(
            run.pdf_seconds < PDF_SECONDS,
            f"dossier PDF of {run.pdf_letters} letters: {run.pdf_seconds:.2f} s "
            f"(floor under {PDF_SECONDS} s)",
        )
    return failed


if __name__ == "__main__":
    sys.exit(main())
