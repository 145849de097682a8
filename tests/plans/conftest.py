"""A person with an open oppfølgingsperiode, followed up by a job specialist of their office."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from core.formatting import today_in_oslo
from core.models import Office, User
from plans import service_periods as plans_periods
from tests.factories import make_candidate, make_office, make_user

TODAY = today_in_oslo()


@dataclass
class World:
    office: Office
    js: User
    candidate: Any


@pytest.fixture
def world(db) -> World:
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    candidate = make_candidate(db, office, actor=js)
    plans_periods.start_period(
        db, actor=js, candidate_id=candidate.id, start_date=TODAY - dt.timedelta(days=60)
    )
    return World(office, js, candidate)


def egen(**kw: Any) -> dict[str, Any]:
    data = {
        "type": "EGEN",
        "title": "Lage CV",
        "from_date": TODAY.isoformat(),
        "to_date": (TODAY + dt.timedelta(days=14)).isoformat(),
        "life_area": "ARBEID",
        "provider": "NAV_STAT",
        "hensikt": "Søke jobb",
    }
    data.update(kw)
    return data


def mote(**kw: Any) -> dict[str, Any]:
    data = {
        "type": "MOTE",
        "title": "Oppfølgingsmøte",
        "description": "Snakke om planen",
        "from_date": (TODAY + dt.timedelta(days=3)).isoformat(),
        "kanal": "OPPMOTE",
        "klokkeslett": "10:00",
        "varighet": "45",
        "adresse": "NAV-kontoret",
        "life_area": "ARBEID",
        "provider": "NAV_STAT",
    }
    data.update(kw)
    return data


def samtale(**kw: Any) -> dict[str, Any]:
    data = {
        "type": "SAMTALEREFERAT",
        "title": "Samtale om bolig",
        "from_date": TODAY.isoformat(),
        "kanal": "TELEFON",
        "referat": "Vi snakket om bolig.",
        "life_area": "BOLIG",
        "provider": "KOMMUNE_SOSIAL",
        "responsible_name": "Siri Sosialkonsulent",
    }
    data.update(kw)
    return data
