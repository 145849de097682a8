"""The demo's plans (issue #17: "plans for a third of the demo candidates, with activities across at least four life
areas and both state and municipal providers"), and individuell plans for about half of them, checked on what the
demo generator writes through the real services."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from demo import plans as plans_demo
from plans.models import PlanActivity, PlanPeriod
from plans.models_ip import IndividualPlan
from tests.factories import make_candidate, make_office, make_user


def test_a_third_of_the_people_get_a_plan_across_life_areas_and_services(db):
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    veileder = make_user(db, "veileder", office=office)
    people = [make_candidate(db, office, actor=js, first_name=f"Demo{n}") for n in range(30)]
    made = plans_demo.generate(db, rng=random.Random(11), offices=[office], users=[js], veiledere=[veileder])
    ids = [p.id for p in people]
    periods = db.scalar(select(func.count()).select_from(PlanPeriod).where(PlanPeriod.candidate_id.in_(ids)))
    assert made == periods == len(people) // 3
    rows = db.execute(
        select(PlanActivity.life_area, PlanActivity.provider).where(PlanActivity.candidate_id.in_(ids))
    ).all()
    assert len({area for area, _ in rows}) >= 4
    assert {"NAV_STAT", "KOMMUNE_SOSIAL"} <= {provider for _, provider in rows}
    ips = db.scalar(
        select(func.count())
        .select_from(IndividualPlan)
        .join(PlanPeriod, PlanPeriod.id == IndividualPlan.period_id)
        .where(PlanPeriod.candidate_id.in_(ids))
    )
    assert 0 < ips < periods  # about half: some people have one, some not
