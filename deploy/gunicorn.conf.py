"""gunicorn settings for Journey; ``journey serve`` runs gunicorn with this file.

Environment:

- ``JOURNEY_BIND``: where to listen, default ``127.0.0.1:8000`` (nginx in front);
  several addresses may be given, separated by commas.
- ``JOURNEY_WORKERS``: the most worker processes. gunicorn starts 2 x cores + 1
  (the cores this process may use), but never more than this (default 8: each worker
  holds its own database connections).
- ``JOURNEY_THREADS``: threads per worker (default 8; see ``worker_class``).
- ``JOURNEY_LOG_FORMAT``: ``text`` (default) or ``json``, for gunicorn's own log and
  access log as for the app's (see journey/logs.py).

Options given to ``journey serve`` (``journey serve --workers 3``) override these.
"""

from __future__ import annotations

import os

from journey.logs import gunicorn_logging_config

DEFAULT_MAX_WORKERS = 8
DEFAULT_THREADS = 8


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _max_workers() -> int:
    value = os.environ.get("JOURNEY_WORKERS", "").strip() or str(DEFAULT_MAX_WORKERS)
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"JOURNEY_WORKERS must be a whole number of 1 or more, not {value!r}.")
    return int(value)


def _threads() -> int:
    value = os.environ.get("JOURNEY_THREADS", "").strip() or str(DEFAULT_THREADS)
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"JOURNEY_THREADS must be a whole number of 1 or more, not {value!r}.")
    return int(value)


bind = [address.strip() for address in os.environ.get("JOURNEY_BIND", "127.0.0.1:8000").split(",")]
workers = min(2 * _cores() + 1, _max_workers())
# Threaded workers: an open chat page holds one Server-Sent Events connection (up to
# JOURNEY_CHAT_STREAM_SECONDS, then the browser reconnects) and takes a thread, not a
# whole worker. JOURNEY_THREADS threads per worker (default 8).
worker_class = "gthread"
threads = _threads()
# The app is built in each worker, after the fork: no database connection or Redis
# client is shared between processes, and a restart of a worker loads the code anew.
preload_app = False
# A dossier PDF of a long trajectory takes seconds; beyond this a worker is stuck.
timeout = 60
graceful_timeout = 30  # on SIGTERM (systemctl stop/restart) running requests may finish
keepalive = 5  # seconds; nginx keeps connections to the app open
# A worker is replaced after this many requests (plus jitter), so that no slow leak of
# memory (PDF rendering) builds up.
max_requests = 1000
max_requests_jitter = 100
limit_request_line = 8190
proc_name = "journey"
# No control socket (gunicorn 24 and newer): systemd and signals manage the server, and
# the service may not write to its home folder.
control_socket_disable = True

# Logs: gunicorn's errors to stderr, the access log to stdout (journald keeps both),
# in the app's format. Behind nginx the visitor's address is in X-Forwarded-For.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
logconfig_dict = gunicorn_logging_config(os.environ.get("JOURNEY_LOG_FORMAT", "text"))
