"""Openings: percent rules, lifecycle (incl. the expired-republish rule), self-service approval, STYRK suggestion."""

import datetime as dt

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.notifications import Notification
from employers import service_openings as employers_openings
from tests.factories import load_builtin_reference, make_employer, make_opening, make_user

TODAY = dt.date(2026, 3, 11)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"percent_min": 40, "percent_max": 60}, (40, 60)),
        ({"percent_min": 40, "percent_max": None}, (40, 40)),
        ({"percent_min": None, "percent_max": 80}, (80, 80)),
        ({"percent_min": None, "percent_max": None}, (100, 100)),
        ({"percent_min": "1", "percent_max": "100"}, (1, 100)),
        ({"percent_min": "50 %", "percent_max": 50}, (50, 50)),
    ],
)
def test_percent_range_accepted(db, kw, expected):
    opening = make_opening(db, make_employer(db), **kw)
    assert (opening.percent_min, opening.percent_max) == expected


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"percent_min": 0}, "percent_min"),
        ({"percent_min": 101, "percent_max": 101}, "percent_min"),
        ({"percent_max": 120}, "percent_max"),
        ({"percent_min": 60, "percent_max": 40}, "percent_min"),
        ({"percent_min": "halv"}, "percent_min"),
        ({"positions": 0}, "positions"),
        ({"hours_per_week": 90}, "hours_per_week"),
        ({"working_time": ["døgn"]}, "working_time"),
        ({"engagement_type": "frilans"}, "engagement_type"),
        ({"inclusion": ["MAGI"]}, "inclusion"),
        ({"target_groups": ["ALLE"]}, "target_groups"),
        ({"measures": ["GAVEKORT"]}, "measures"),
        ({"requirements": {"must": {"driving_licences": ["Q"]}}}, "must_driving_licences"),
        ({"requirements": {"should": {"norwegian_level": "D1"}}}, "should_norwegian_level"),
        ({"application_deadline": "i morgen"}, "application_deadline"),
        ({"title": " "}, "title"),
    ],
)
def test_opening_rules_name_the_field(db, kw, field):
    with pytest.raises(ValidationFailed) as exc:
        make_opening(db, make_employer(db), **kw)
    assert field in [e["field"] for e in exc.value.errors], exc.value.errors


def test_all_errors_are_reported_at_once(db):
    with pytest.raises(ValidationFailed) as exc:
        make_opening(db, make_employer(db), title="", percent_min=0, positions=0)
    assert {e["field"] for e in exc.value.errors} >= {"title", "percent_min", "positions"}


def test_full_opening_is_stored(db):
    load_builtin_reference(db)
    opening = make_opening(
        db,
        make_employer(db),
        title="Butikkmedarbeider",
        styrk_code="5223",
        positions=2,
        hours_per_week="15,5",
        working_time=["kveld", "helg"],
        engagement_type="fast",
        start_by_agreement=True,
        application_deadline="2026-04-01",
        postal_code="2815",
        requirements={"must": {"norwegian_level": "b1"}, "should": {"driving_licences": "b, c1"}},
        inclusion=["ARBEIDSTID", "FYSISK"],
        target_groups=["HULL_I_CV"],
        measures=["LØNNSTILSKUDD"],
        open_to_reduced_capacity="on",
    )
    assert opening.municipality_code == "3407"
    assert opening.hours_per_week == 15.5
    assert opening.requirements == {
        "must": {"norwegian_level": "B1"},
        "should": {"driving_licences": ["B", "C1"]},
    }
    assert opening.open_to_reduced_capacity and opening.start_by_agreement and opening.is_part_time


def test_lifecycle_with_who_and_when(db):
    contact = make_user(db, "markedskontakt")
    opening = make_opening(
        db, make_employer(db), actor=contact, application_deadline=TODAY + dt.timedelta(days=10)
    )
    assert opening.status == "utkast"
    employers_openings.transition_opening(
        db, actor=contact, opening_id=opening.id, to_status="publisert", today=TODAY
    )
    employers_openings.transition_opening(
        db, actor=contact, opening_id=opening.id, to_status="besatt", today=TODAY
    )
    with pytest.raises(ValidationFailed) as exc:
        employers_openings.transition_opening(
            db, actor=contact, opening_id=opening.id, to_status="publisert", today=TODAY
        )
    assert exc.value.field == "status"
    full = employers_openings.get_opening(db, actor=contact, opening_id=opening.id, full=True)
    assert [(c.from_status, c.to_status, c.actor_id) for c in full.status_changes] == [
        (None, "utkast", contact.id),
        ("utkast", "publisert", contact.id),
        ("publisert", "besatt", contact.id),
    ]
    assert full.published_at is not None


def test_publishing_with_a_past_deadline_is_refused(db):
    opening = make_opening(db, make_employer(db), application_deadline=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed) as exc:
        employers_openings.transition_opening(
            db, actor=None, opening_id=opening.id, to_status="publisert", today=TODAY
        )
    assert exc.value.field == "application_deadline"


def test_expired_opening_needs_a_new_future_deadline_to_be_published_again(db):
    opening = make_opening(db, make_employer(db), application_deadline=TODAY + dt.timedelta(days=1))
    other = make_opening(db, make_employer(db), application_deadline=TODAY + dt.timedelta(days=30))
    for o in (opening, other):
        employers_openings.transition_opening(
            db, actor=None, opening_id=o.id, to_status="publisert", today=TODAY
        )
    later = dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(2), dt.UTC)
    expired = employers_openings.expire_openings(db, later)
    assert [o.id for o in expired] == [opening.id] and opening.status == "utløpt"
    assert employers_openings.expire_openings(db, later) == []  # idempotent
    today = later.date()
    with pytest.raises(ValidationFailed) as exc:
        employers_openings.transition_opening(
            db, actor=None, opening_id=opening.id, to_status="publisert", today=today
        )
    assert exc.value.field == "application_deadline"
    with pytest.raises(ValidationFailed):  # a new deadline, but not in the future
        employers_openings.transition_opening(
            db,
            actor=None,
            opening_id=opening.id,
            to_status="publisert",
            today=today,
            application_deadline=today,
        )
    employers_openings.transition_opening(
        db,
        actor=None,
        opening_id=opening.id,
        to_status="publisert",
        today=today,
        application_deadline=today + dt.timedelta(days=14),
    )
    assert opening.status == "publisert"


def test_self_service_opening_waits_for_approval(db):
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    contact = make_user(db, "markedskontakt")
    opening = make_opening(db, employer, actor=boss, title="Kokk")
    assert opening.status == "utkast" and opening.awaiting_approval
    with pytest.raises(Forbidden):
        employers_openings.transition_opening(
            db, actor=boss, opening_id=opening.id, to_status="publisert", today=TODAY
        )
    assert [o.id for o in employers_openings.approval_queue(db, actor=contact)] == [opening.id]
    with pytest.raises(Forbidden):
        employers_openings.approval_queue(db, actor=boss)
    employers_openings.approve_opening(db, actor=contact, opening_id=opening.id, today=TODAY)
    assert opening.status == "publisert" and not opening.awaiting_approval
    assert opening.approved_by_id == contact.id and opening.approved_at is not None
    assert employers_openings.approval_queue(db, actor=contact) == []
    # the employer may mark it filled
    employers_openings.transition_opening(
        db, actor=boss, opening_id=opening.id, to_status="besatt", today=TODAY
    )


def test_employer_user_sees_and_creates_only_for_own_organisation(db):
    own, other = make_employer(db), make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=own)
    mine = make_opening(db, own)
    theirs = make_opening(db, other)
    rows, total = employers_openings.list_openings(db, actor=boss)
    assert [o.id for o in rows] == [mine.id] and total == 1
    with pytest.raises(NotFound):
        employers_openings.get_opening(db, actor=boss, opening_id=theirs.id)
    with pytest.raises(NotFound):
        employers_openings.update_opening(db, actor=boss, opening_id=theirs.id, title="Overtatt")
    with pytest.raises(NotFound):
        make_opening(db, other, actor=boss)


def test_update_keeps_percent_rules(db):
    opening = make_opening(db, make_employer(db), percent_min=40, percent_max=60)
    with pytest.raises(ValidationFailed) as exc:
        employers_openings.update_opening(db, actor=None, opening_id=opening.id, percent_min=80)
    assert exc.value.field == "percent_min"
    employers_openings.update_opening(
        db, actor=None, opening_id=opening.id, percent_max=100, title="Ny tittel"
    )
    assert (opening.percent_min, opening.percent_max, opening.title) == (40, 100, "Ny tittel")


def test_list_reduced_capacity_filter(db):
    employer = make_employer(db)
    part = make_opening(db, employer, percent_min=50, percent_max=50)
    full_open = make_opening(db, employer, percent_min=100, percent_max=100, open_to_reduced_capacity=True)
    make_opening(db, employer, percent_min=100, percent_max=100)
    rows, total = employers_openings.list_openings(
        db, actor=make_user(db, "markedskontakt"), employer_id=employer.id, reduced=True
    )
    assert {o.id for o in rows} == {part.id, full_open.id} and total == 2


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Renholder", "9112"),
        ("Butikkmedarbeider", "5223"),
        ("Lagermedarbeider 50 %", "4321"),
        ("Sykepleier", "2223"),
        ("Kokk", "5120"),
        ("Truckfører", "8344"),
    ],
)
def test_styrk_suggestion_from_title(db, title, code):
    load_builtin_reference(db)
    suggestions = employers_openings.suggest_styrk(db, title)
    assert suggestions and suggestions[0].code == code, suggestions
    assert suggestions[0].name


def test_returned_with_a_comment_then_edited_and_resubmitted(db):
    """NAV sends an employer's opening back with a required comment (1–2000 characters): it leaves the queue as
    «Sendt tilbake», the employer is notified and may edit it; sent in again it waits in the queue once more."""
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    contact = make_user(db, "markedskontakt")
    opening = make_opening(db, employer, actor=boss, title="Kokk")
    for blank in ("", "   \n "):
        with pytest.raises(ValidationFailed) as exc:
            employers_openings.return_opening(db, actor=contact, opening_id=opening.id, comment=blank)
        assert exc.value.field == "comment"
    with pytest.raises(ValidationFailed) as exc:
        employers_openings.return_opening(db, actor=contact, opening_id=opening.id, comment="x" * 2001)
    assert exc.value.field == "comment" and "2000" in exc.value.message
    with pytest.raises(Forbidden):
        employers_openings.return_opening(db, actor=boss, opening_id=opening.id, comment="Selv")
    assert opening.status == "utkast" and opening.awaiting_approval  # the refused attempts changed nothing

    comment = "Oppgi stillingsprosent og arbeidstid.\n" + "Og søknadsfrist. " * 100  # long, but within 2000
    assert len(comment) <= 2000
    employers_openings.return_opening(db, actor=contact, opening_id=opening.id, comment=comment)
    db.expire_all()
    opening = employers_openings.get_opening(db, actor=boss, opening_id=opening.id, full=True)
    assert opening.status == "returnert" and not opening.awaiting_approval
    assert opening.return_comment == comment.strip()
    assert employers_openings.approval_queue(db, actor=contact) == []
    last = opening.status_changes[-1]
    assert (last.from_status, last.to_status, last.note, last.actor_id) == (
        "utkast",
        "returnert",
        comment.strip(),
        contact.id,
    )
    audit_rows = db.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_type == "opening", AuditEntry.subject_id == str(opening.id)
        )
    ).all()
    assert any(r.purpose == "sendt tilbake til arbeidsgiver" and r.actor_id == contact.id for r in audit_rows)
    told = db.scalars(select(Notification).where(Notification.user_id == boss.id)).all()
    assert [n.link for n in told] == [f"/stillinger/{opening.id}"] and "Kokk" in told[0].title
    with pytest.raises(Conflict):  # once returned it is not waiting: neither returned again nor approved
        employers_openings.return_opening(db, actor=contact, opening_id=opening.id, comment="Igjen")
    with pytest.raises(ValidationFailed):
        employers_openings.approve_opening(db, actor=contact, opening_id=opening.id, today=TODAY)
    with pytest.raises(ValidationFailed):  # nor published through the lifecycle
        employers_openings.transition_opening(
            db, actor=contact, opening_id=opening.id, to_status="publisert", today=TODAY
        )

    employers_openings.update_opening(db, actor=boss, opening_id=opening.id, percent_min=50, percent_max=80)
    with pytest.raises(ValidationFailed) as exc:
        employers_openings.resubmit_opening(db, actor=boss, opening_id=opening.id, comment="y" * 2001)
    assert exc.value.field == "comment"
    employers_openings.resubmit_opening(db, actor=boss, opening_id=opening.id, comment="Rettet, takk.")
    db.expire_all()
    opening = employers_openings.get_opening(db, actor=boss, opening_id=opening.id, full=True)
    assert opening.status == "utkast" and opening.awaiting_approval and opening.return_comment is None
    assert [o.id for o in employers_openings.approval_queue(db, actor=contact)] == [opening.id]
    assert [(c.to_status, c.note) for c in opening.status_changes][-2:] == [
        ("returnert", comment.strip()),
        ("utkast", "Rettet, takk."),
    ]
    with pytest.raises(Conflict):
        employers_openings.resubmit_opening(db, actor=boss, opening_id=opening.id)
    employers_openings.approve_opening(db, actor=contact, opening_id=opening.id, today=TODAY)
    assert opening.status == "publisert" and opening.percent_min == 50


def test_another_employer_cannot_see_or_resubmit_a_returned_opening(db):
    employer = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=employer)
    outsider = make_user(db, "arbeidsgiver", employer=make_employer(db))
    contact = make_user(db, "markedskontakt")
    opening = make_opening(db, employer, actor=boss)
    employers_openings.return_opening(db, actor=contact, opening_id=opening.id, comment="Mangler frist")
    with pytest.raises(NotFound):
        employers_openings.resubmit_opening(db, actor=outsider, opening_id=opening.id)
    assert db.scalars(select(Notification).where(Notification.user_id == outsider.id)).all() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("application_url", "ikke en lenke"),
        ("application_url", "javascript:alert(1)"),
        ("application_email", "ola.no"),
        ("application_email", "jobb@bil.no?bcc=alle@bil.no"),  # would add to the mailto: link
        ("contact_phone", "ring meg"),
        ("how_to_apply", "x" * 2001),
        ("contact_name", "x" * 201),
    ],
)
def test_how_to_apply_fields_name_the_field(db, field, value):
    with pytest.raises(ValidationFailed) as exc:
        make_opening(db, make_employer(db), **{field: value})
    assert [e["field"] for e in exc.value.errors] == [field]


def test_how_to_apply_fields_are_stored(db):
    opening = make_opening(
        db,
        make_employer(db),
        how_to_apply="Send CV og en kort søknad.",
        application_url="jobb.example.no/soknad",
        application_email="jobb@example.no",
        contact_name="Kari Nordmann",
        contact_phone="+47 612 34 567",
    )
    assert opening.application_url == "https://jobb.example.no/soknad"
    assert (opening.how_to_apply, opening.application_email, opening.contact_name, opening.contact_phone) == (
        "Send CV og en kort søknad.",
        "jobb@example.no",
        "Kari Nordmann",
        "+47 612 34 567",
    )
    employers_openings.update_opening(
        db, actor=None, opening_id=opening.id, application_url="", contact_phone=""
    )
    assert opening.application_url is None and opening.contact_phone is None
