"""The ``journey`` command: a Flask CLI group (run, db, demo, check-world, ...)."""

from __future__ import annotations

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
    """Check world and frames files (default: the configured world) and report every problem."""
    targets = paths or (os.environ.get("JOURNEY_WORLD", config.Defaults.WORLD),)
    problems = check_data_files(targets, static_dir=str(config.PROJECT_ROOT / "static"))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(targets)} file(s) OK.")


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
