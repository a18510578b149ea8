"""What a check says about a piece of feedback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """The verdict of one check: ``ok`` is True when the feedback honours the tip.

    ``message`` is one line of Dutch for the coach; ``evidence`` holds the
    sentence(s) or phrase the finding is about (empty when there is none).
    """

    id: str
    ok: bool
    message: str
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """The finding as plain JSON-ready values."""
        return {
            "id": self.id,
            "ok": self.ok,
            "message": self.message,
            "evidence": list(self.evidence),
        }
