"""Static files: answered before Flask sees the request, compressed, cached for a year.

WhiteNoise serves ``/static/...`` in front of the app: no session is opened, no user
is loaded, no cookie is set. Every address the app writes for a static file carries
the first characters of the file's SHA-256 (``?v=…``), so a browser may keep a file
for a year (``immutable``): a changed file gets a new address.

WhiteNoise serves a ``.gz`` next to a file to browsers that accept gzip. The app
never writes into ``static/``: at start-up it copies the folder, with gzipped copies,
to ``instance/static-<digest>`` (the digest of all versions, so that workers starting
together share one finished copy and a new release gets a folder of its own).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

ONE_YEAR = 365 * 24 * 60 * 60
VERSION_LENGTH = 12


def versions(folder: Path) -> dict[str, str]:
    """``{"css/journey.css": "3f2a…"}``: the version of every file under ``folder``."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_LENGTH]
        found[path.relative_to(folder).as_posix()] = digest
    return found


def served_copy(source: Path, instance: Path, known: dict[str, str]) -> Path:
    """The folder WhiteNoise serves: a copy of ``source`` with gzipped files, made once
    per set of versions (atomically: a half-made copy is never served)."""
    digest = hashlib.sha256(repr(sorted(known.items())).encode()).hexdigest()[:VERSION_LENGTH]
    target = instance / f"static-{digest}"
    if target.is_dir():
        return target
    instance.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="static-building-", dir=instance))
    try:
        shutil.copytree(source, building, dirs_exist_ok=True)
        compressor = Compressor(use_brotli=False, quiet=True)
        for root, _dirs, files in os.walk(building):
            for name in files:
                if compressor.should_compress(name):
                    compressor.compress(os.path.join(root, name))
        os.rename(building, target)  # another worker may have been first: then use its copy
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    for old in instance.glob("static-*"):
        if old != target and not old.name.startswith("static-building-"):
            shutil.rmtree(old, ignore_errors=True)
    return target


def _headers(headers: Any, _path: str, _url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    """Serve ``app``'s static folder through WhiteNoise and version its addresses."""
    source = Path(app.static_folder or "static")
    known = versions(source)
    root = served_copy(source, Path(app.instance_path), known)
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(root),
        prefix=app.static_url_path,
        max_age=ONE_YEAR,
        immutable_file_test=lambda _path, _url: True,  # every address the app writes is versioned
        add_headers_function=_headers,
        allow_all_origins=False,
    )

    @app.url_defaults
    def _version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in known:
            values.setdefault("v", known[values["filename"]])
