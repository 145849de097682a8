"""Where nothing was measured (n = 0) the fidelity page says "ingen data" instead of a red "Ikke innfridd", each
figure names its period, and the retention curve stops where its data stops instead of dropping to 0 %."""

from __future__ import annotations

import datetime as dt
import re

from followup import charts
from followup import service_fidelity as fidelity
from followup.service_fidelity import OfficeData
from tests.factories import login, make_office, make_user

JUDGED = (
    "caseload_ok",
    "first_contact_ok",
    "employer_contacts_ok",
    "community_ok",
    "follow_along_ok",
    "competitive_ok",
    "job_type_ok",
    "employer_ok",
)


def test_indicators_without_data_are_not_judged():
    fig = fidelity.indicators(OfficeData([], [], {}), dt.date(2026, 1, 1), dt.date(2026, 1, 28))
    assert {k: fig[k] for k in JUDGED} == dict.fromkeys(JUDGED)
    assert fig["employment_rate"]["level"] is None
    assert fig["periods"]["period"] == {"from": dt.date(2026, 1, 1), "to": dt.date(2026, 1, 28)}
    assert fig["periods"]["quarter"] == {"from": dt.date(2026, 1, 1), "to": dt.date(2026, 1, 28)}


def test_the_fidelity_page_of_an_office_without_data_says_ingen_data_and_its_periods(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    login(client, spec)
    page = client.get("/oppfolging/kvalitet?fra=2026-01-01&til=2026-01-28").text
    table = page.split("<table>", 1)[1].split("</table>", 1)[0]
    assert "Ikke innfridd" not in table and table.count("Ingen data") == 9
    assert "Indikatorer beregnet fra dataene for 01.01.2026–28.01.2026" in table
    rows = table.split("<tbody>", 1)[1].split("</tr>")[:-1]
    assert len(rows) == 9
    for row in rows:  # each row names its period
        assert re.search(
            r"<td>(per \d\d\.\d\d\.\d{4}|\d\d\.\d\d\.\d{4}–\d\d\.\d\d\.\d{4}|jobbstarter til og med)", row
        )
    assert "<td>per 28.01.2026</td>" in rows[0]  # the caseload is a day's figure


def test_a_curve_stops_where_its_data_stops():
    svg = charts.line_chart("Beholdt", "test", ["1 mnd", "3 mnd", "6 mnd", "12 mnd"], [0.9, 0.8, None, None])
    assert svg.count("<circle") == 2 and ": 0 %</title></circle>" not in svg
    [line] = re.findall(r'<polyline points="([^"]+)"', svg)
    assert len(line.split()) == 2
    assert "6 mnd" in svg and "12 mnd" in svg  # the labels stay, without points
    gap = charts.line_chart("x", "x", ["a", "b", "c"], [0.5, None, 0.5])
    assert "<polyline" not in gap  # no line is drawn across a gap


def test_the_reports_page_shows_no_data_for_marks_no_job_reached(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    login(client, spec)
    page = client.get("/oppfolging/rapporter?fra=2026-01-01&til=2026-01-28").text
    section = page.split('id="h-beholdt"', 1)[1].split("</section>", 1)[0]
    assert "<circle" not in section  # no job reached any mark: no point at 0 %
    assert section.count("ingen data") >= 4
