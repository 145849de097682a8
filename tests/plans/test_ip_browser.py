"""The individuell plan in a real browser on a real server (demo data): a caseworker goes from a person's plan to the
individuell plan, sees the nine elements, saves the form with an error first (kept beside its field with the typed
text), then right; adds a participant; the print stylesheet hides the navigation and the forms; and the PDF the page
links to carries the nine headings. axe-core finds no serious or critical violation on the page."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from core.formatting import today_in_oslo
from plans.service_ip import HEADINGS
from tests.browser_support import browser_login
from tests.web.test_accessibility import AXE, run_axe
from tests.web.test_layout_browser import OVERFLOW_JS, PHONE

pytestmark = pytest.mark.browser

NINE = [f"{i}. {h}" for i, h in enumerate(HEADINGS, start=1)]
TODAY = today_in_oslo()


def _a_person_with_a_plan(page, base: str) -> str:
    page.goto(base + "/kandidater")
    hrefs = page.eval_on_selector_all(
        "main table a[href^='/kandidater/']", "els => els.map(e => e.getAttribute('href'))"
    )
    for href in [h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit()][:40]:
        page.goto(base + href + "/plan")
        if page.locator(".plan-card").count() >= 3:
            return base + href
    raise AssertionError("no demo plan with activities among the first candidates")


def _pdf_text(content: bytes) -> str:
    """The PDF's text: pdftotext when installed (what a reader's tools see), else pypdf (a dependency already)."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
        return re.sub(r"\s+", " ", out.decode("utf-8"))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))


def test_a_caseworker_fills_in_and_prints_the_individuell_plan(live_server, _browser):
    context = _browser.new_context(locale="nb-NO", bypass_csp=True)  # axe is injected; the CSP stays as is
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
        person = _a_person_with_a_plan(page, live_server)
        page.get_by_role("link", name="Individuell plan").click()
        page.wait_for_url(lambda url: url.endswith("/plan/individuell-plan"))
        for heading in NINE:
            assert page.get_by_role("heading", name=heading).is_visible()
        problems = run_axe(page) if AXE.is_file() else []

        form = page.locator("form[action$='/plan/individuell-plan']")
        form.get_by_label("Status", exact=True).select_option("AKTIV")
        form.get_by_label("Dato for samtykke til planen").fill("")
        form.get_by_label("Personens ressurser").fill("Praktisk anlagt, god med dyr og planter.")
        form.get_by_label("Planperiode fra").fill(TODAY.isoformat())
        form.get_by_label("Planperiode til").fill((TODAY - dt.timedelta(days=5)).isoformat())
        form.get_by_role("button", name="Lagre den individuelle planen").click()
        page.wait_for_load_state()
        assert "Til kan ikke være før fra." in page.locator("#e-period_to").inner_text()
        assert page.locator("#e-consent_date").is_visible()
        assert (
            form.get_by_label("Personens ressurser").input_value()
            == "Praktisk anlagt, god med dyr og planter."
        )
        if AXE.is_file():
            problems += run_axe(page)

        form = page.locator("form[action$='/plan/individuell-plan']")
        form.get_by_label("Koordinator i NAV-kontoret").select_option(index=1)
        form.get_by_label("Planperiode til").fill((TODAY + dt.timedelta(days=365)).isoformat())
        form.get_by_label("Neste revisjon").fill((TODAY + dt.timedelta(days=90)).isoformat())
        form.get_by_label("Dato for samtykke til planen").fill(TODAY.isoformat())
        form.get_by_label("Personens behov for tjenester").fill("Trenger bolig og hjelp med økonomien.")
        form.get_by_label("Personens egen innsats").fill("Møter opp og sier fra når noe er vanskelig.")
        form.get_by_label("Hvordan tiltakene skal gjennomføres").fill(
            "Møter annenhver uke med ansvarsgruppa."
        )
        form.get_by_role("button", name="Lagre den individuelle planen").click()
        page.wait_for_url(lambda url: url.endswith("/plan/individuell-plan"))
        assert "Den individuelle planen er lagret." in page.locator(".flashes").inner_text()
        assert "Praktisk anlagt, god med dyr og planter." in page.locator("#element-1").inner_text()

        add = page.locator("form[action$='/individuell-plan/deltakere']")
        add.get_by_label("Navn").fill("Fastlege Frida Fjell")
        add.get_by_label("Rolle").select_option("FASTLEGE")
        add.get_by_label("Virksomhet eller tjeneste").fill("Fjell legesenter")
        add.get_by_label("Hva deltakeren skal bidra med").fill("Legeerklæring og oppfølging av søvnen")
        add.get_by_role("button", name="Legg til deltaker").click()
        page.wait_for_load_state()
        assert "Fastlege Frida Fjell" in page.locator("#deltakere").inner_text()
        for element in ("#element-3", "#element-7", "#element-8"):
            assert "Mangler" not in page.locator(element).inner_text()

        page.set_viewport_size(PHONE)
        assert page.evaluate(OVERFLOW_JS) == []  # nothing scrolls sideways at 375 px

        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()
        assert not page.locator("form[action$='/plan/individuell-plan']").is_visible()
        assert page.get_by_role("heading", name=NINE[0]).is_visible()
        page.emulate_media(media="screen")

        href = page.get_by_role("link", name="Last ned som PDF").get_attribute("href")
        assert href
        r = page.request.get(live_server + href)
        assert r.status == 200 and r.headers["content-type"] == "application/pdf"
        text = _pdf_text(r.body())
        for heading in NINE:
            assert heading in text
        assert "Fastlege Frida Fjell" in text
        assert person.startswith(live_server)
        assert problems == []
    finally:
        context.close()
