"""Matching API: ranked openings for a candidate, ranked candidates and the candidate list for an opening."""

from __future__ import annotations

from web.api import api_router_for

router = api_router_for(tags=["matching"])
