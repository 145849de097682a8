"""Matching pages: ranked openings for a candidate, ranked candidates and the candidate list for an opening."""

from __future__ import annotations

from web.pages import page_router

router = page_router()
