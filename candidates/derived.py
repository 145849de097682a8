"""Facts derived from the record, never stored twice: under 30 from the birth date, work capacity from the
uføregrad (or an override with its reason), and the needs as the employer's inkluderingsmuligheter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import BindParameter, ColumnElement, ScalarSelect, case, or_, select

from candidates.models import NEED_CATEGORIES, NEED_TO_INCLUSION, Candidate, Programme, Situation
from core.formatting import today_in_oslo


def thirty_years_before(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - 30)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 30, day=28)


@dataclass(frozen=True)
class Capacity:
    percent: int
    source: str  # "standard", "uføregrad", "overstyrt"
    reason: str | None = None
    uforegrad: int | None = None


def uforegrad_of(programmes: Sequence[Programme], today: dt.date | None = None) -> int | None:
    today = today or today_in_oslo()
    for p in programmes:
        if p.kind == "UFORETRYGD" and p.active(today) and p.uforegrad:
            return p.uforegrad
    return None


def capacity_of(candidate: Candidate, today: dt.date | None = None) -> Capacity:
    """The most the person can work: an override (with its reason) wins; else 100 − uføregrad; else 100.
    Needs `situation` and `programmes` loaded."""
    situation = candidate.situation
    return capacity_from(
        situation.capacity_override_percent if situation is not None else None,
        situation.capacity_override_reason if situation is not None else None,
        uforegrad_of(candidate.programmes, today),
    )


def capacity_from(override: int | None, reason: str | None, grade: int | None) -> Capacity:
    """The rule itself, for callers that read the three values without loading the record (lists)."""
    if override is not None:
        return Capacity(override, "overstyrt", reason, grade)
    if grade is not None:
        return Capacity(max(0, 100 - grade), "uføregrad", None, grade)
    return Capacity(100, "standard")


# The same rules in SQL, side by side with the Python above (tests/candidates/test_derived.py holds them to the
# same rows): a candidate's columns for lists and filters, correlated on Candidate.id.

OVERRIDE_SQL: ScalarSelect[int | None] = (
    select(Situation.capacity_override_percent)
    .where(Situation.candidate_id == Candidate.id)
    .scalar_subquery()
)
REASON_SQL: ScalarSelect[str | None] = (
    select(Situation.capacity_override_reason).where(Situation.candidate_id == Candidate.id).scalar_subquery()
)


def uforegrad_sql(today: dt.date | BindParameter[dt.date]) -> ScalarSelect[int | None]:
    """SQL twin of `uforegrad_of`: the first active uføretrygd's grade."""
    return (
        select(Programme.uforegrad)
        .where(
            Programme.candidate_id == Candidate.id,
            Programme.kind == "UFORETRYGD",
            Programme.uforegrad > 0,
            or_(Programme.start_date.is_(None), Programme.start_date <= today),
            or_(Programme.end_date.is_(None), Programme.end_date >= today),
        )
        .order_by(Programme.id)
        .limit(1)
        .scalar_subquery()
    )


def capacity_sql(today: dt.date | BindParameter[dt.date]) -> ColumnElement[int]:
    """SQL twin of `capacity_of(...).percent`."""
    grade = uforegrad_sql(today)
    return case(
        (OVERRIDE_SQL.is_not(None), OVERRIDE_SQL),
        (grade >= 100, 0),
        (grade.is_not(None), 100 - grade),
        else_=100,
    )


def needs_for_matching(candidate: Candidate) -> list[str]:
    """The tilretteleggingsbehov as the employer's inkluderingsmuligheter (ARBEIDSTID, FYSISK, ARBEIDSMILJØ,
    GRUNNLEGGENDE): one code per category with at least one need. Needs `situation` loaded."""
    situation = candidate.situation
    if situation is None:
        return []
    return [NEED_TO_INCLUSION[c] for c in NEED_CATEGORIES if situation.needs(c)]
