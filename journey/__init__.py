"""Journey: self-hostable software for written e-coaching."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config, crypto, database, logs, realtime, static_files
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .frames import load_frames
from .library import folder_of, load_library
from .models import render_migration_item
from .samples import load_samples, sample_files
from .worlds import load_world


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Journey app: configuration, extensions, the world, blueprints.

    Raises DataFileError when the configured world file is invalid.
    """
    app = Flask(
        __name__,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
        instance_path=str(config.PROJECT_ROOT / "instance"),
    )
    app.config.from_object(config.Defaults)
    # An app's own copy: JOURNEY_SQLALCHEMY_ENGINE_OPTIONS__pool_size=2 writes into it.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(config.Defaults.SQLALCHEMY_ENGINE_OPTIONS)
    app.config.from_prefixed_env("JOURNEY")
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("CLOCK", lambda: datetime.now(UTC))
    config.apply_environment(app.config)  # raises RuntimeError on unsafe production config
    logs.configure_logging(app)  # once per process; RuntimeError on an unknown format
    app.config["SQLALCHEMY_DATABASE_URI"] = config.database_uri(
        app.config["DATABASE_URL"], app.instance_path
    )
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["PROXIES"]:
        proxies = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    app.extensions["journey.world"] = load_world(app.config["WORLD"], static_dir=app.static_folder)
    app.extensions["journey.frames"] = load_frames(app.config["FRAMES"])
    app.extensions["journey.library"] = load_library(
        app.config["LIBRARY"] or folder_of(app.config["WORLD"]), app.extensions["journey.world"]
    )
    app.extensions["journey.samples"] = load_samples(
        sample_files(app.config["SAMPLES"]), app.extensions["journey.frames"].default
    )

    crypto.init_app(app)
    realtime.init_app(app)
    database.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(__file__), "migrations"),
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    from .web import select_locale

    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    limiter.init_app(app)

    from . import web
    from .blueprints import (
        admin,
        agenda,
        auth,
        book,
        chats,
        dossier,
        health,
        inbox,
        install,
        intervision,
        journey,
        library,
        notices,
        practice,
        privacy,
        reactions,
        trends,
    )

    web.init_app(app)
    static_files.init_app(app)
    blueprints = (auth, journey, reactions, library, inbox, dossier, book, agenda, chats)
    blueprints += (practice, trends, intervision, privacy, admin, notices)
    for blueprint in blueprints:
        app.register_blueprint(blueprint.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(install.bp)
    return app
