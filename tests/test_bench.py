"""``make bench`` keeps working: its quick mode runs here, a second or so per page.

The bench (tests/bench) starts Journey and a bare Flask endpoint under gunicorn, seeds
the database and drives every page with wrk; it fails by itself when any answer is not
200 (an error page or a redirect to the login is not a page). Here it runs as
``python -m tests.bench --quick`` on SQLite and, when ``TEST_DATABASE_URL`` is set, on
a database of its own on that PostgreSQL server. Its floors are only printed: this
checks that it measures, not how fast this machine is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from journey.config import PROJECT_ROOT

from .conftest import BACKENDS

PAGES = [
    "static file",
    "map",
    "place",
    "autosave POST",
    "letter",
    "dossier",
    "dossier (coach)",
    "inbox",
    "caseload",
]
SIZES = [5, 500]
ROW = re.compile(r"^\| (?P<page>[^|]+?) +\| +(?P<size>[\d,-]+) \| +(?P<rps>[\d.]+) \|")
TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_quick_bench_measures_every_page(backend: str):
    assert shutil.which("wrk"), "wrk is missing: run `bash .ci/system-packages test`"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JOURNEY_")}
    finished = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [sys.executable, "-m", "tests.bench", "--quick", "--duration", "1", "--backend", backend],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output[-6000:]
    assert "BENCH FAILED" not in output

    table = output.split(f"\n{TITLES[backend]}\n", 1)[1]
    rows = {}
    for line in table.splitlines():
        found = ROW.match(line)
        if found:
            rows[(found["page"], found["size"].replace(",", ""))] = float(found["rps"])
    assert rows.get(("bare endpoint", "-"), 0) > 0, table
    for page in PAGES:
        for size in SIZES:
            assert rows.get((page, str(size)), 0) > 0, f"{page} at {size} letters:\n{table}"
    assert re.search(r"dossier PDF of \d+ letters: [\d.]+ s", table), table
    assert f"Floors, {TITLES[backend]}:" in output
