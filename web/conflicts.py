"""A stale form (core.locking.StaleEdit) shown again: the user's input kept, the other person's saved values beside
it, and the form's version moved on so that saving again is a deliberate choice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.locking import StaleEdit


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def stale_context(
    exc: StaleEdit, *, current: Mapping[str, Any], submitted: dict[str, Any], labels: Mapping[str, str]
) -> dict[str, Any]:
    """The template context for `stale_notice`; updates `submitted["version"]` in place."""
    changes = [
        {"label": label, "theirs": _text(current.get(name)), "yours": _text(submitted.get(name))}
        for name, label in labels.items()
        if name in submitted and _text(current.get(name)).strip() != _text(submitted.get(name)).strip()
    ]
    submitted["version"] = str(exc.current_version)
    return {"message": exc.message, "changes": changes}
