"""The step `make run`, `make test` and CI share to get the Debian packages Journey needs:
it installs what is missing as root, and otherwise names the exact command to run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from journey.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / ".ci" / "system-packages"
PDF_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"]
TEST_PACKAGES = [*PDF_PACKAGES, "chromium", "redis-server", "wrk", "nginx-light", "systemd"]


def fake_command(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A machine with none of the packages, faked by commands earlier on the PATH; the
    fake apt-get writes what it was asked to ``apt.log``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    fake_command(bin_dir, "dpkg-query", "exit 1")  # nothing installed
    fake_command(bin_dir, "apt-get", f'echo "$@" >> {log}')
    fake_command(bin_dir, "redis-cli", "exit 0")  # Redis answers
    return bin_dir, log


def run(mode: str, bin_dir: Path, uid: int):
    fake_command(bin_dir, "id", f"echo {uid}")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    command = ["bash", str(SCRIPT), mode]  # noqa: S607 (bash from the PATH, like make)
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603


def test_without_root_it_stops_with_the_exact_command(machine):
    bin_dir, log = machine
    result = run("test", bin_dir, uid=1000)
    assert result.returncode == 1
    command = "apt-get update && apt-get install -y --no-install-recommends " + " ".join(
        TEST_PACKAGES
    )
    assert f"sudo sh -c '{command}'" in result.stderr
    assert not log.exists()


def test_as_root_it_installs_what_is_missing(machine):
    bin_dir, log = machine
    assert run("run", bin_dir, uid=0).returncode == 0
    installs = [line for line in log.read_text().splitlines() if "install" in line]
    assert installs == ["install -y -qq --no-install-recommends " + " ".join(PDF_PACKAGES)]


def test_make_run_and_make_test_take_the_step_first():
    for target, mode in (("run", "system-run"), ("test", "system-test")):
        plan = subprocess.run(  # noqa: S603
            ["make", "-n", target],  # noqa: S607 (make from the PATH, as the README says)
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        steps = [line for line in plan if "system-packages" in line]
        assert steps and steps[0].endswith(f"system-packages {mode.removeprefix('system-')}")
        assert plan.index(steps[0]) < min(
            i for i, line in enumerate(plan) if "journey" in line or "pytest" in line
        )
