"""The ``journey`` command: a Flask CLI group (run, db, demo, check-world, review-feedback, ...)."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from . import config, create_app
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
    """Check world, frames and sample files (default: the configured ones) and report every
    problem. Sample exemplars are checked against the configured default frame."""
    frames_path = os.environ.get("JOURNEY_FRAMES", config.Defaults.FRAMES)
    samples_folder = os.environ.get("JOURNEY_SAMPLES", config.Defaults.SAMPLES)
    world_path = os.environ.get("JOURNEY_WORLD", config.Defaults.WORLD)
    targets = paths or (world_path, frames_path, *map(str, sample_files(samples_folder)))
    try:
        frame = load_frames(frames_path).default
    except DataFileError:
        frame = None  # its problems are reported when it is checked itself
    static_dir = str(config.PROJECT_ROOT / "static")
    problems = check_data_files(targets, static_dir=static_dir, frame=frame)
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
    help="The coachee's text the feedback answers (adds the quoting and language-level checks).",
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


@cli.command("demo")
@with_appcontext
def demo() -> None:
    """Create the demo accounts (once) and print their logins."""
    from .demo import load_demo

    loaded = load_demo(datetime.now(UTC))
    db.session.commit()
    click.echo("Demo accounts (pseudonym / password):")
    for account, created in loaded:
        state = "created" if created else "exists"
        click.echo(f"  {account.role:<10} {account.pseudonym:<18} {account.password:<22} ({state})")


from .crypto import rotate_key_command  # noqa: E402

cli.add_command(rotate_key_command)

from .backup import backup_command, restore_command  # noqa: E402

cli.add_command(backup_command)
cli.add_command(restore_command)
