"""A job specialist in a real browser registers a candidate, fills the CV and the jobbprofil, sets the work capacity
to 40 % (override with a reason) and an ARBEIDSTID need, records consent for one employer; the candidate then shows
in that office's list and not for a job specialist of another office (whose direct link answers 404)."""

from __future__ import annotations

import pytest

from tests.browser_support import browser_login, browser_logout
from tests.web.test_accessibility import AXE, run_axe

pytestmark = pytest.mark.browser

FIRST, LAST = "Oddny", "Nettlesersen"


def test_job_specialist_builds_a_candidate_profile(live_server, browser_page):
    page = browser_page
    browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
    page.get_by_role("link", name="Kandidater", exact=True).click()
    page.get_by_role("link", name="Ny kandidat").click()

    # a bad birth date is refused beside the field, the name is kept
    page.locator("#f-first_name").fill(FIRST)
    page.locator("#f-last_name").fill(LAST)
    page.locator("#f-email").fill("ikke-epost")
    page.get_by_role("button", name="Registrer kandidat").click()
    assert "gyldig e-postadresse" in page.locator("#e-email").inner_text()
    assert page.locator("#f-first_name").input_value() == FIRST
    page.locator("#f-email").fill("oddny@example.no")
    page.locator("#f-birth_date").fill("1999-04-12")
    page.get_by_role("button", name="Registrer kandidat").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"{FIRST} {LAST}"
    assert "er registrert" in page.get_by_role("status").inner_text()
    candidate_url = page.url.split("#")[0].rstrip("/")
    assert page.get_by_role("link", name="Jobbforslag").get_attribute("href").endswith("/jobbforslag")

    # CV: a work experience (STYRK suggested from the title) and a language
    page.get_by_role("link", name="CV", exact=True).click()
    page.locator("#arbeid summary").click()
    page.get_by_label("Stillingstittel").fill("Lagermedarbeider")
    page.locator("#f-arbeid__employer").fill("Coop Innlandet")
    page.locator("#f-arbeid__start_date").fill("2019-01-01")
    page.get_by_role("button", name="Legg til arbeidserfaring").click()
    assert "La til arbeidserfaring" in page.get_by_role("status").inner_text()
    row = page.locator("#arbeid tbody tr").first
    assert "Lagermedarbeider" in row.inner_text()
    assert any(ch.isdigit() for ch in row.locator("td").nth(3).inner_text())  # a suggested STYRK code
    page.locator("#sprak summary").click()
    page.locator("#f-sprak__language").fill("Norsk")
    page.locator("#f-sprak__level").select_option("B1")
    page.get_by_role("button", name="Legg til språk").click()
    assert "B1" in page.locator("#sprak tbody").inner_text()

    # jobbprofil
    page.get_by_role("link", name="Jobbprofil", exact=True).click()
    page.get_by_label("Ønskede yrker (fritekst)").fill("lagerarbeider, butikkmedarbeider")
    page.get_by_label("Stillingsprosent fra").fill("20")
    page.get_by_label("Stillingsprosent til").fill("40")
    page.get_by_label("Dagtid").check()
    page.get_by_role("button", name="Lagre jobbprofil").click()
    assert "Jobbprofilen er lagret" in page.get_by_role("status").inner_text()
    assert (
        "20–40\xa0%" in page.locator("#jobbprofil-oversikt").inner_text()
    )  # Babel: a no-break space before %

    # the restricted situation: capacity 40 % needs a reason; an ARBEIDSTID need
    page.get_by_role("link", name="Situasjon og arbeidsevne").click()
    page.get_by_label("Arbeidsevne i prosent (overstyring)").fill("40")
    page.get_by_role("button", name="Lagre arbeidsevne").click()
    assert "begrunnelse" in page.locator("#e-capacity_override_reason").inner_text().lower()
    assert page.get_by_label("Arbeidsevne i prosent (overstyring)").input_value() == "40"
    page.get_by_label("Begrunnelse for overstyringen").fill("Avklart med lege: korte dager i starten")
    page.get_by_role("button", name="Lagre arbeidsevne").click()
    assert page.locator("#capacity-percent").inner_text().strip() == "40 %"
    assert "Avklart med lege" in page.locator("#capacity-source").inner_text()
    page.get_by_label("Kan ikke jobbe hele dager").check()
    page.get_by_role("button", name="Lagre tilretteleggingsbehov").click()
    assert "Tilretteleggingsbehovene er lagret" in page.get_by_role("status").inner_text()
    assert page.get_by_label("Kan ikke jobbe hele dager").is_checked()

    # consent for one employer
    page.get_by_role("link", name="Samtykke", exact=True).click()
    page.locator("#f-employer_id").press_sequentially(
        "gjovik", delay=30
    )  # the typeahead: a name, then a pick
    page.locator("ul.typeahead-list button").first.click()
    employer_name = page.locator("#f-employer_id").input_value().split(" (")[0]
    assert employer_name
    page.get_by_role("button", name="Registrer samtykke").click()
    assert "Samtykket er registrert" in page.get_by_role("status").inner_text()
    consents = page.locator("#samtykker tbody").inner_text()
    assert employer_name in consents and "Aktivt" in consents and "Navngitt profil" in consents

    # the office's list has the candidate, with the reduced capacity
    page.goto(live_server + "/kandidater?q=" + LAST)
    rows = page.locator("#kandidatliste tbody tr")
    assert (
        rows.count() == 1
        and f"{FIRST} {LAST}" in rows.first.inner_text()
        and "40 %" in rows.first.inner_text()
    )
    page.goto(live_server + "/kandidater?redusert=1&q=" + LAST)
    assert page.locator("#kandidatliste tbody tr").count() == 1
    browser_logout(page)

    # another office's job specialist: not in the list, and the direct link answers 404
    browser_login(page, live_server, "jobbspesialist.lillehammer@arbeidsbro.no")
    page.goto(live_server + "/kandidater?q=" + LAST)
    assert f"{FIRST} {LAST}" not in page.locator("#kandidatliste").inner_text()
    response = page.goto(candidate_url)
    assert response is not None and response.status == 404
    assert LAST not in page.content()


PAGES = (
    "",
    "/cv",
    "/cv/last-opp",
    "/jobbprofil",
    "/situasjon",
    "/samtykke",
    "/innsyn",
    "/slett",
    "/jobbforslag",
)


def test_candidate_pages_have_no_serious_accessibility_violations(live_server, _browser):
    """axe-core on every tab of a candidate, the new-candidate form with its errors and the CV proposals form."""
    if not AXE.is_file():
        pytest.skip("axe-core not installed (make test installs it with npm)")
    context = _browser.new_context(locale="nb-NO", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def check(label: str) -> None:
        for v in run_axe(page):
            problems.append(
                f"{label}: {v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
            )

    try:
        browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
        page.goto(live_server + "/kandidater")
        check("/kandidater")
        href = page.locator("#kandidatliste tbody a").first.get_attribute("href")
        for suffix in PAGES:
            page.goto(live_server + href + suffix)
            check(href + suffix)
        page.goto(live_server + "/stillinger?status=publisert")
        opening = page.locator("table a[href^='/stillinger/']").first.get_attribute("href")
        page.goto(live_server + opening + "/kandidater")
        assert page.locator("ol.suggestions li").count() >= 1
        check(opening + "/kandidater")
        page.goto(live_server + "/kandidater/ny")
        page.get_by_role("button", name="Registrer kandidat").click()  # empty: errors beside the fields
        assert page.locator(".error-text").count() >= 1
        check("/kandidater/ny (feil)")
        page.goto(live_server + href + "/cv/last-opp")
        page.locator("#f-file").set_input_files(
            {
                "name": "cv.txt",
                "mimeType": "text/plain",
                "buffer": "Arbeidserfaring\n2019 - nå: Lagermedarbeider, Coop\nFørerkort klasse B\nSpråk\nNorsk B1\nHMS-kurs\n".encode(),
            }
        )
        page.get_by_role("button", name="Les CV-en").click()
        assert (
            page.locator("#forslag").count() == 1
            and page.locator("#f-w-0-title").input_value() == "Lagermedarbeider"
        )
        check("CV-forslag")
        browser_logout(page)
        browser_login(page, live_server, "arbeidsgiver@arbeidsbro.no")
        page.goto(live_server + "/delte-kandidater")
        check("/delte-kandidater")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
