"""A market contact in a real browser registers an employer, logs a meeting with a next step, registers a
praksisplass and a 40 % opening and publishes it; the employer's own user logs in and sees the opening; the next
step shows up as due this week."""

from __future__ import annotations

import datetime as dt

import pytest

from core.formatting import today_in_oslo
from tests.browser_support import browser_login, browser_logout

pytestmark = pytest.mark.browser

ORGNR = "974760673"
EMPLOYER_EMAIL = "leder@mjosbakst.example.no"
EMPLOYER_PASSWORD = "Mjøsbakst-passord-2026"


def test_market_contact_employer_flow(live_server, browser_page):
    page = browser_page
    today = today_in_oslo()
    browser_login(page, live_server, "markedskontakt@arbeidsbro.no")
    page.get_by_role("link", name="Arbeidsgivere", exact=True).click()
    page.get_by_role("link", name="Registrer arbeidsgiver").click()

    # a wrong orgnr is refused, typed input is kept
    page.locator("#f-orgnr").fill("123456789")
    page.locator("#f-name").fill("Mjøsbakst AS")
    page.locator("#f-postal_code").fill("2815")
    page.get_by_role("button", name="Lagre").click()
    assert "kontrollsifferet" in page.get_by_role("alert").inner_text()
    assert page.locator("#f-name").input_value() == "Mjøsbakst AS"
    page.locator("#f-orgnr").fill(ORGNR)
    page.get_by_role("button", name="Lagre").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mjøsbakst AS"
    employer_url = page.url.split("#")[0]

    # a meeting with a next step due today
    page.locator("#f-type").select_option("møte")
    page.get_by_label("Deltakere").fill("Marte, daglig leder Per")
    page.get_by_label("Sammendrag").fill("Behov for bakeriassistent i redusert stilling")
    page.get_by_label("Avtalt neste steg").fill("Sende kandidatforslag")
    page.get_by_label("Frist for neste steg").fill(today.isoformat())
    page.get_by_role("button", name="Før kontakt").click()
    assert "ført i loggen" in page.get_by_role("status").inner_text()

    # a praksisplass
    page.locator("#praksisplasser summary").click()
    page.locator("#f-pp_title").fill("Praksis i bakeriet")
    page.locator("#f-pp_places").fill("2")
    page.get_by_label("Fysisk tilrettelegging").check()
    page.get_by_role("button", name="Registrer praksisplass").click()
    assert "Ledig: 2" in page.locator("#praksisplasser").inner_text()

    # a 40 % opening, STYRK suggested from the title and confirmed, then published
    page.goto(employer_url)
    page.get_by_role("link", name="Ny stilling").click()
    page.locator("#f-title").fill("Bakeriassistent")
    page.get_by_role("button", name="Foreslå yrkeskode").click()
    assert page.locator("#styrk-forslag input[type=radio]").count() >= 1
    page.get_by_label("Stillingsprosent fra").fill("40")
    page.get_by_label("Søknadsfrist").fill((today + dt.timedelta(days=21)).isoformat())
    page.get_by_label("Åpen for personer med redusert arbeidsevne").check()
    page.get_by_role("button", name="Lagre som utkast").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bakeriassistent"
    page.get_by_role("button", name="Publiser").click()
    assert page.locator("#opening-status").inner_text() == "Publisert"
    assert "40\xa0%" in page.locator("dl.facts").first.inner_text()  # the opening's facts (then how to apply)
    assert page.locator('script[type="application/ld+json"]').count() == 1

    # the next step is due this week
    page.goto(live_server + "/arbeidsgivere/neste-steg")
    assert "Sende kandidatforslag" in page.locator("#denne-uken").inner_text()
    browser_logout(page)

    # the admin gives the employer its own user
    browser_login(page, live_server, "admin@arbeidsbro.no")
    page.goto(live_server + "/admin/brukere")
    page.locator("#f-email").fill(EMPLOYER_EMAIL)
    page.locator("#f-name").fill("Per Bakermester")
    page.locator("#f-role").select_option("arbeidsgiver")
    page.locator("#f-employer").fill(ORGNR)
    page.locator("#f-password").fill(EMPLOYER_PASSWORD)
    page.get_by_role("button", name="Opprett bruker").click()
    assert EMPLOYER_EMAIL in page.get_by_role("status").inner_text()
    browser_logout(page)

    # the employer user sees the opening, and nothing of other employers
    browser_login(page, live_server, EMPLOYER_EMAIL, EMPLOYER_PASSWORD)
    page.get_by_role("link", name="Stillinger", exact=True).click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Bakeriassistent" in rows.first.inner_text()
    rows.first.get_by_role("link").click()
    assert page.locator("#opening-status").inner_text() == "Publisert"
    page.goto(live_server + "/arbeidsgivere")
    assert page.get_by_role("heading", level=1).inner_text() == "Ingen tilgang"
