"""The ``journey`` command: a Flask CLI group (run, db, demo, check-world, review-feedback, ...)."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from . import config, create_app, library
from .crypto import EncryptionKeyError
from .datafiles import check_data_files
from .extensions import db
from .frames import load_frames
from .samples import sample_files
from .second_reader import review
from .yamlfile import DataFileError


def _create_app() -> Flask:
    try:
        return create_app()
    except DataFileError as error:
        click.echo("Journey cannot start: a data file has problems.", err=True)
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    except (EncryptionKeyError, RuntimeError) as error:
        click.echo(f"Journey cannot start: {error}", err=True)
        sys.exit(1)


cli = FlaskGroup(create_app=_create_app, help="Journey: written e-coaching.")


@cli.command("check-world")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
def check_world(paths: tuple[str, ...]) -> None:
    """Check world, frames, sample and library files (default: the configured ones) and
    report every problem. Sample exemplars are checked against the configured default
    frame; a sample named on the command line is checked against the frames.yaml of its
    own world folder (the folder above its samples/ folder) when there is one; library
    texts (*.md) against the places.yaml above their folder."""
    frames_path = os.environ.get("JOURNEY_FRAMES", config.Defaults.FRAMES)
    samples_folder = os.environ.get("JOURNEY_SAMPLES", config.Defaults.SAMPLES)
    world_path = os.environ.get("JOURNEY_WORLD", config.Defaults.WORLD)
    library_folder = os.environ.get("JOURNEY_LIBRARY") or library.folder_of(world_path)
    texts = sorted(Path(library_folder).glob("*.md"))
    targets = paths or (
        world_path,
        frames_path,
        *map(str, sample_files(samples_folder)),
        *map(str, texts),
    )
    try:
        frame = load_frames(frames_path).default
    except DataFileError:
        frame = None  # its problems are reported when it is checked itself
    static_dir = str(config.PROJECT_ROOT / "static")
    problems = check_data_files(
        targets, static_dir=static_dir, frame=frame, frames_beside=bool(paths), world=world_path
    )
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(targets)} file(s) OK.")


@cli.command("review-feedback")
@click.argument("feedback_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--coachee",
    "coachee_file",
    type=click.Path(exists=True, dir_okay=False),
    help=(
        "The coachee's text the feedback answers (adds the quoting and language-level checks, "
        "and lets the address-form check compare with the coachee's own je or u)."
    ),
)
def review_feedback(feedback_file: str, coachee_file: str | None) -> None:
    """Check a coach's feedback on the mindful-analysis tips and print the findings as JSON."""
    feedback = _read_text(feedback_file)
    coachee = _read_text(coachee_file) if coachee_file else None
    checks = [finding.as_dict() for finding in review(feedback, coachee)]
    click.echo(json.dumps({"checks": checks}, ensure_ascii=False, indent=2))


def _read_text(path: str) -> str:
    """The UTF-8 text of ``path``; a ClickException (exit code 1) names the file otherwise."""
    try:
        with open(path, encoding="utf-8-sig") as file:
            return file.read()
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{path} is not UTF-8 text (byte {error.start}): save it as UTF-8 and try again."
        ) from error
    except OSError as error:
        raise click.ClickException(f"{path} cannot be read: {error.strerror or error}.") from error


DEMO_REFUSED = (
    "journey demo refuses to run when JOURNEY_ENV=production: it creates accounts, an "
    "admin among them, whose passwords are published. Create staff accounts as an admin "
    "under Beheer instead."
)


@cli.command("demo")
def demo() -> None:
    """Create the demo accounts (once) and print their logins (never in production)."""
    from .demo import load_demo

    if os.environ.get("JOURNEY_ENV") == config.PRODUCTION:
        _refuse(DEMO_REFUSED)  # before the app: even a production app that cannot start
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    if app.config["ENV_NAME"] == config.PRODUCTION:
        _refuse(DEMO_REFUSED)
    with app.app_context():
        frames = app.extensions["journey.frames"]
        promise = int(app.config["DEFAULT_PROMISE_HOURS"])
        world = app.extensions["journey.world"]
        loaded = load_demo(datetime.now(UTC), world, frames.default, promise)
        db.session.commit()
    click.echo("Demo accounts (pseudonym / password):")
    for account, created in loaded:
        state = "created" if created else "exists"
        click.echo(f"  {account.role:<10} {account.pseudonym:<18} {account.password:<22} ({state})")


@cli.command("create-admin")
@click.argument("pseudonym")
@click.password_option(
    help="The password (asked twice when not given; prefer the prompt: a shell keeps history)."
)
@with_appcontext
def create_admin(pseudonym: str, password: str) -> None:
    """Create an admin account: the first one of a new installation. The admin sets up
    two-factor login at the first login, then adds staff and assigns coaches."""
    from .accounts import AccountProblem, create_account
    from .logs import security_event
    from .models import Role

    try:
        user = create_account(pseudonym, password, Role.ADMIN, datetime.now(UTC))
    except AccountProblem as problem:
        reasons = {
            "pseudonym_taken": "that pseudonym is taken; choose another",
            "too_short": "the password is too short (at least 12 characters)",
            "too_long": "the password is too long",
            "common": "the password is too common; choose one of your own",
            "like_pseudonym": "the password is too much like the pseudonym",
            "guessable": "the password is too easy to guess; make it longer or less predictable",
        }
        _refuse(f"No account created: {reasons.get(problem.kind, problem.kind)}.")
    db.session.commit()
    security_event("staff_account_created", user=None, subject_id=user.id, role=Role.ADMIN)
    click.echo(f"Admin {user.pseudonym} created. Log in and set up two-factor login.")


def _refuse(message: str) -> None:
    """Say why a command does not run, on stderr, and exit with status 1."""
    click.echo(message, err=True)
    sys.exit(1)


GUNICORN_CONFIG = config.PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
WSGI_APP = "journey.wsgi:app"


@cli.command(
    "serve",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve(gunicorn_args: tuple[str, ...]) -> None:
    """Serve Journey with gunicorn (production), configured by deploy/gunicorn.conf.py.

    JOURNEY_BIND (default 127.0.0.1:8000), JOURNEY_WORKERS (the most workers) and
    JOURNEY_LOG_FORMAT set it up; other arguments go to gunicorn as they are
    (`journey serve --workers 3`, `journey serve --help` for gunicorn's options).
    The configuration is checked first: Journey refuses to start as it would in a
    worker, with the reason.
    """
    if not any(arg in ("-h", "--help", "-v", "--version") for arg in gunicorn_args):
        click.get_current_context().ensure_object(ScriptInfo).load_app()  # exits on problems
    os.execv(sys.executable, gunicorn_command(gunicorn_args))  # noqa: S606


def gunicorn_command(extra: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The command ``journey serve`` runs: this Python's gunicorn, Journey's settings,
    the extra arguments, the app."""
    return [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), *extra, WSGI_APP]


from .crypto import rotate_key_command  # noqa: E402

cli.add_command(rotate_key_command)

from .backup import backup_command, restore_command  # noqa: E402

cli.add_command(backup_command)
cli.add_command(restore_command)

from .worker import check_mail_command, tick_command, worker_command  # noqa: E402

cli.add_command(worker_command)
cli.add_command(tick_command)
cli.add_command(check_mail_command)
