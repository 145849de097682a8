import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core import audit
from core.audit import AuditEntry
from core.formatting import today_in_oslo
from tests.factories import make_user


def test_audit_rows_cannot_be_changed_through_the_orm(db):
    user = make_user(db, "admin")
    entry = audit.record(
        db, actor=user, action="read", subject_type="candidate", subject_id=1, purpose="test"
    )
    db.flush()
    assert entry is not None
    entry.purpose = "endret"
    with pytest.raises(RuntimeError, match="bare utvides"):
        db.flush()
    db.rollback()


def test_audit_rows_cannot_be_changed_in_the_database(db):
    user = make_user(db, "admin")
    audit.record(db, actor=user, action="read", subject_type="candidate", subject_id=1, purpose="test")
    db.flush()
    for sql in ("UPDATE audit_log SET purpose = 'x'", "DELETE FROM audit_log"):
        nested = db.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text(sql))
        nested.rollback()


def test_unknown_action_refused(db):
    with pytest.raises(ValueError):
        audit.record(db, actor=None, action="peek", subject_type="candidate", subject_id=1)


def test_search_filters(db):
    a = make_user(db, "admin")
    b = make_user(db, "admin")
    audit.record(db, actor=a, action="read", subject_type="candidate", subject_id=7, purpose="p")
    audit.record(db, actor=b, action="update", subject_type="employer", subject_id=8, purpose="p")
    db.flush()
    assert {e.subject_id for e in audit.search(db, actor_email=a.email)} == {"7"}
    assert {e.subject_id for e in audit.search(db, action="update")} >= {"8"}
    today = today_in_oslo()
    assert len(audit.search(db, date_from=today + dt.timedelta(days=2))) == 0


def test_cef_escaping_and_fields():
    entry = AuditEntry(
        id=1,
        at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        actor_email="a|b=c@nav.no",
        role="jobbspesialist",
        office="0502",
        action="read",
        subject_type="candidate",
        subject_id="42",
        purpose="oppfølging\nlinje to = \\ ok",
        outcome="ok",
    )
    line = audit.to_cef_line(entry)
    assert line.startswith("CEF:0|NAV|Arbeidsbro|1.0|audit:access|Arbeidsbro audit log|INFO|")
    assert "\n" not in line
    assert f"end={int(entry.at.timestamp() * 1000)}" in line
    assert "suid=a|b\\=c@nav.no" in line  # '=' escaped in extensions, '|' allowed there
    assert "duid=candidate:42" in line
    assert "msg=oppfølging\\nlinje to \\= \\\\ ok" in line
    assert "request=read candidate" in line


def test_cef_header_escapes_pipes_and_backslashes():
    assert audit._cef_header("a|b\\c") == "a\\|b\\\\c"


def test_csv_export_has_header_and_rows():
    entry = AuditEntry(
        id=1,
        at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        actor_email="x@y.no",
        role="admin",
        office=None,
        action="export",
        subject_type="audit_log",
        subject_id=None,
        purpose="p, q",
        outcome="ok",
    )
    out = audit.to_csv([entry]).splitlines()
    assert out[0].startswith("id,at,actor_email")
    assert '"p, q"' in out[1]


def test_purpose_heading_is_the_readers_role():
    assert audit.purpose_for("markedskontakt", "oppfølging: kandidatkort") == "markedsarbeid: kandidatkort"
    assert audit.purpose_for("admin", "oppfølging: CV") == "administrasjon: CV"
    assert audit.purpose_for("jobbspesialist", "oppfølging: CV") == "oppfølging: CV"
    assert audit.purpose_for("markedskontakt", "jobbforslag") == "jobbforslag"
    assert audit.purpose_for(None, "oppfølging: CV") == "system: CV"
    assert audit.purpose_for("arbeidsgiver", "innsyn: alt") == "innsyn: alt"


def test_repeated_reads_in_one_transaction_are_one_row_and_a_change_stands_for_its_read(db):
    user = make_user(db, "jobbspesialist")
    first = audit.record(db, actor=user, action="read", subject_type="candidate", subject_id=5, purpose="a")
    assert first is not None
    assert audit.record(db, actor=user, action="read", subject_type="candidate", subject_id=5) is None
    assert (
        audit.record_many(db, actor=user, subject_type="candidate", subject_ids=[5, 6, 6], purpose="l") == 1
    )
    read = audit.record(db, actor=user, action="read", subject_type="candidate", subject_id=7)
    audit.record(db, actor=user, action="update", subject_type="candidate", subject_id=7, purpose="endret")
    db.flush()
    rows = db.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.subject_id)
    ).all()
    assert [(e.subject_id, e.action) for e in rows] == [("5", "read"), ("6", "read"), ("7", "update")]
    assert read not in db
