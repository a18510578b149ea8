"""The WSGI entry point for gunicorn and other WSGI servers: ``journey.wsgi:app``.

``journey serve`` runs gunicorn on it with ``deploy/gunicorn.conf.py``. Each worker
builds the app once at import; a configuration Journey refuses (see
``config.apply_environment``) stops the worker with the reason.
"""

from __future__ import annotations

from . import create_app

app = create_app()
