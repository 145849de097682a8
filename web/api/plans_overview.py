"""«Mine personer» as JSON: the caseworker's people with an open plan and the plan's state, the same read as the
page (`plans.service_overview`). Follow-up caseworkers only (403 for other roles); every person listed is
audit-logged."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from core import formatting
from plans import schemas_overview as s
from plans import service_overview as overview_service
from web.api import api_router_for
from web.deps import ApiFollowUpUser, SessionDep

router = api_router_for(tags=["plan"])


@router.get(
    "/plan-overview",
    response_model=s.PlanOverviewOut,
    summary="Mine personer: planenes tilstand for personene du er ansvarlig for",
)
def plan_overview(
    session: SessionDep,
    user: ApiFollowUpUser,
    show: Annotated[s.Show, Query(description="Bare personene dette gjelder")] = "alle",
    sort: Annotated[s.Order, Query(description="Rekkefølgen; standard: de som trenger oppfølging først")] = (
        "oppmerksomhet"
    ),
    descending: bool = False,
) -> s.PlanOverviewOut:
    today = formatting.today_in_oslo()
    overview = overview_service.my_people(
        session, actor=user, today=today, show=show, order=sort, descending=descending
    )
    counts = (
        overview.counts if show == "alle" else overview_service.my_counts(session, actor=user, today=today)
    )
    return s.PlanOverviewOut(
        today=today,
        counts=s.CountsOut.model_validate(counts),
        people=[s.PersonStateOut.model_validate(p) for p in overview.people],
    )
