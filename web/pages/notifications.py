"""The notification inbox and the admin page of scheduled jobs."""

from __future__ import annotations

from web.pages import page_router

router = page_router()
