"""«Mine personer»: the caseworker's people with an open plan and the plan's state, who needs attention first
(`plans.service_overview`). A follow-up caseworker's page: other roles get 403."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from core import formatting
from plans import service_overview as overview_service
from web.deps import FollowUpUser, SessionDep
from web.pages import page_router
from web.templating import render

router = page_router()


@router.get("/mine-personer")
def my_people(
    request: Request,
    session: SessionDep,
    user: FollowUpUser,
    vis: Annotated[str, Query(max_length=20)] = "alle",
    sorter: Annotated[str, Query(max_length=20)] = "oppmerksomhet",
    synkende: Annotated[bool, Query()] = False,
) -> Response:
    show = vis if vis in overview_service.FILTERS else "alle"
    order = sorter if sorter in overview_service.SORTS else "oppmerksomhet"
    today = formatting.today_in_oslo()
    overview = overview_service.my_people(
        session, actor=user, today=today, show=show, order=order, descending=synkende
    )
    everyone = (
        overview.counts if show == "alle" else overview_service.my_counts(session, actor=user, today=today)
    )
    return render(
        request,
        "plans/overview.html",
        {
            "overview": overview,
            "counts": everyone,
            "show": show,
            "order": order,
            "descending": synkende,
            "filters": overview_service.FILTERS,
            "sorts": overview_service.SORTS,
            "due_soon_days": overview_service.DUE_SOON_DAYS,
            "inactive_days": overview_service.INACTIVE_DAYS,
            "notice_days": overview_service.REVISION_NOTICE_DAYS,
        },
    )
