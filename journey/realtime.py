"""The doorbell of live chats: tells every open chat page, on any app server, that a chat
has something new.

The bell carries no text, only the chat's id: a page that hears it reads the new
messages from the database (``chats.after``), so nothing written passes through Redis
and a missed ring loses nothing. With ``JOURNEY_REALTIME_URL`` (or throttles counting
in Redis) the bell is Redis pub/sub, shared by every worker and server; without it, it
rings within one process (the development server), and pages on other processes still
find new messages at their next look (``CHECK_EVERY`` without a shared bell).

Pages listen through Server-Sent Events (``blueprints/chats.py``): each open page holds
one connection, so gunicorn must run threaded workers (``worker_class = "gthread"`` in
deploy/gunicorn.conf.py) for them not to take a whole worker each.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import defaultdict

import redis
from flask import Flask, current_app

CHANNEL = "journey:chat:{}"
REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://")


class LocalBell:
    """A bell within one process: a counter per chat and a condition to wait on."""

    shared = False

    def __init__(self) -> None:
        self._rung: dict[int, int] = defaultdict(int)
        self._condition = threading.Condition()

    def ring(self, chat_id: int) -> None:
        with self._condition:
            self._rung[chat_id] += 1
            self._condition.notify_all()

    def listen(self, chat_id: int) -> LocalListener:
        return LocalListener(self, chat_id)


class LocalListener:
    def __init__(self, bell: LocalBell, chat_id: int) -> None:
        self.bell, self.chat_id = bell, chat_id
        with bell._condition:
            self.seen = bell._rung[chat_id]

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a ring; True when it rang."""
        bell = self.bell
        with bell._condition:
            rang = bell._condition.wait_for(lambda: bell._rung[self.chat_id] != self.seen, timeout)
            self.seen = bell._rung[self.chat_id]
        return bool(rang)

    def close(self) -> None:
        pass


class RedisBell:
    """The bell as Redis pub/sub: heard by every worker and server that listens."""

    shared = True

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)

    def ring(self, chat_id: int) -> None:
        try:
            self.client.publish(CHANNEL.format(chat_id), "1")
        except redis.RedisError:
            current_app.logger.warning("realtime: Redis did not take a ring; pages look again")

    def listen(self, chat_id: int) -> RedisListener:
        return RedisListener(self.client, chat_id)


class RedisListener:
    def __init__(self, client: redis.Redis, chat_id: int) -> None:
        self.pubsub = client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(CHANNEL.format(chat_id))

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.pubsub.get_message(timeout=left)
            except redis.RedisError:
                time.sleep(min(left, 1.0))
                return False
            if message is not None:
                while self.pubsub.get_message(timeout=0) is not None:  # rings since: one look
                    pass
                return True
        return False

    def close(self) -> None:
        with contextlib.suppress(redis.RedisError):
            self.pubsub.close()


def url_of(config) -> str | None:
    """Where the bell rings: JOURNEY_REALTIME_URL, else the throttles' Redis, else nowhere
    shared (None)."""
    url = config.get("REALTIME_URL") or config.get("RATELIMIT_STORAGE_URI") or ""
    return url if str(url).startswith(REDIS_SCHEMES) else None


def init_app(app: Flask) -> None:
    url = url_of(app.config)
    app.extensions["journey.bell"] = RedisBell(url) if url else LocalBell()


def bell() -> LocalBell | RedisBell:
    return current_app.extensions["journey.bell"]
