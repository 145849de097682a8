"""A job specialist in a real browser: enrols a candidate, logs an employer contact, starts a 30 % placement from
an opening's candidate list, logs a follow-up, sees the one overdue duty, and finds the new job start in the report."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core import formatting
from core.formatting import today_in_oslo
from tests.browser_support import browser_login

pytestmark = pytest.mark.browser


def _job_starts(page) -> int:
    return int(page.locator("#job-starts").inner_text())


def test_job_specialist_follow_up_flow(live_server, browser_page):
    page = browser_page
    today = today_in_oslo()
    browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
    page.get_by_role("link", name="Rapporter").click()
    before = _job_starts(page)

    page.get_by_role("link", name="Oppfølging", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Oppfølging"
    # enrol a candidate who is not yet in follow-up, started 40 days ago (so the first employer contact is overdue)
    options = page.locator("#f-candidate_id option").all()
    candidate_id = options[-1].get_attribute("value")
    page.locator("#f-candidate_id").select_option(candidate_id)
    page.locator("#f-service").select_option("ips")
    start = (today - dt.timedelta(days=40)).isoformat()
    page.locator("#f-referral_date").fill(start)
    page.locator("#f-start_date").fill(start)
    page.get_by_role("button", name="Skriv inn").click()
    if "/oppfolging/" not in page.url or page.get_by_role("alert").count():
        # that candidate already had an open IPS record: take one with no record from the list instead
        page.locator("#f-service").select_option("supported_employment")
        page.get_by_role("button", name="Skriv inn").click()
    assert re.search(r"/oppfolging/\d+$", page.url.split("#")[0]), page.url
    record_url = page.url.split("#")[0]

    # an employer contact by phone (not face to face: the first-employer-contact duty stays overdue)
    page.locator("#f-k_with_whom").select_option("arbeidsgiver")
    page.locator("#f-k_employer_id").select_option(index=1)
    page.locator("#f-k_mode").select_option("telefon")
    page.locator("#f-k_duration_minutes").fill("15")
    page.locator("#f-k_content").fill("Ringte om mulig jobb på lageret")
    page.get_by_role("button", name="Før kontakt").click()
    assert "Kontakten" in page.get_by_role("status").inner_text()

    # a 30 % job start from an opening's candidate list: put the person on the list, then "Registrer jobbstart"
    page.goto(f"{live_server}/stillinger?status=publisert")
    page.locator("table a[href^='/stillinger/']").first.click()
    opening_title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Kandidater og kandidatliste").click()
    page.locator("#f-candidate_id").fill(candidate_id)
    page.get_by_role("button", name="Legg på listen", exact=True).click()
    assert "lagt på kandidatlisten" in page.get_by_role("status").inner_text()
    row = page.locator("table.candidate-list tbody tr").filter(
        has=page.locator(f"a[href='/kandidater/{candidate_id}']")
    )
    row.get_by_label("Status").select_option("TIL_INTERVJU")
    row.get_by_role("button", name="Lagre status").click()
    row = page.locator("table.candidate-list tbody tr").filter(
        has=page.locator(f"a[href='/kandidater/{candidate_id}']")
    )
    row.get_by_role("link", name=re.compile("Registrer jobbstart")).click()
    assert page.url.split("?")[0].split("#")[0] == record_url
    assert page.locator("#f-p_title").input_value() == opening_title
    page.locator("#f-p_percent").fill("30")
    page.get_by_role("button", name="Registrer jobbstart").click()
    assert "30 %" in page.get_by_role("status").inner_text()
    assert page.get_by_text("I jobb", exact=True).first.is_visible()

    # a follow-up with the person
    page.locator("#f-k_with_whom").select_option("person")
    page.locator("#f-k_mode").select_option("arbeidsplassen")
    page.locator("#f-k_content").fill("Første arbeidsdag gikk fint")
    page.get_by_role("button", name="Før kontakt").click()
    page.goto(record_url)
    overdue = page.locator("#plan tbody .state-forfalt")
    assert overdue.count() == 1
    assert "Første arbeidsgiverkontakt" in page.locator("#plan tr.plan-forfalt").inner_text()

    page.get_by_role("link", name="Rapporter").click()
    assert _job_starts(page) == before + 1
    month = formatting.month_no(today)  # "desember 2026", as the report writes it
    assert page.get_by_role("cell", name=month, exact=True).count() >= 1
    assert page.locator("svg title").first.text_content() == "Jobbstarter per måned"
