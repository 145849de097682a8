"""Issue #17 end to end, in a real browser on a real server (the demo data `make run` loads): a veileder registers a
person under 30 on økonomisk sosialhjelp, opens the plan, adds a municipal BOLIG activity with a responsible person
at the municipality and a state ARBEID activity, records a §14a decision with two sources, writes a meeting's
referat and shares it, and prints the individuell plan (print stylesheet, and a PDF whose text has the nine
required elements' headings).

Every step goes through the pages as a caseworker would use them; the checks read what the pages show."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from pypdf import PdfReader

from core.formatting import today_in_oslo
from plans.service_ip import HEADINGS
from tests.browser_support import browser_login

pytestmark = pytest.mark.browser

TODAY = today_in_oslo()
NINE = [f"{i}. {h}" for i, h in enumerate(HEADINGS, start=1)]


def _under_30_birth_date() -> str:
    return dt.date(TODAY.year - 24, 3, 15).isoformat()


def field(scope, label: str):
    """A form field by its label, whether or not the label marks it required (" *")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _add_activity(
    page, base: str, cid: str, type_: str, values: dict[str, str], selects: dict[str, str]
) -> None:
    page.goto(f"{base}/kandidater/{cid}/plan/ny?type={type_}")
    for label, value in values.items():
        field(page, label).fill(value)
    for label, option in selects.items():
        field(page, label).select_option(label=option)
    page.get_by_role("button", name="Legg til i planen").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary, [role=alert]").count() == 0, page.locator("main").inner_text()[:600]
    page.wait_for_url(lambda url: "/plan/ny" not in url)


def test_a_veileder_makes_one_plan_for_the_whole_person(live_server, _browser):
    context = _browser.new_context(locale="nb-NO", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    base = live_server
    surname = f"Planesen-{uuid.uuid4().hex[:6]}"
    try:
        browser_login(page, base, "veileder@arbeidsbro.no")

        # a person under 30, on økonomisk sosialhjelp
        page.goto(base + "/kandidater/ny")
        field(page, "Fornavn").fill("Amina")
        field(page, "Etternavn").fill(surname)
        field(page, "Fødselsdato").fill(_under_30_birth_date())
        if page.get_by_label("NAV-kontor").count():
            page.get_by_label("NAV-kontor").select_option(index=1)
        page.get_by_role("button", name="Registrer kandidat").click()
        page.wait_for_url(re.compile(r".*/kandidater/\d+(/.*)?$"))
        registered = re.search(r"/kandidater/(\d+)", page.url)
        assert registered is not None, page.url
        cid = registered.group(1)

        page.goto(f"{base}/kandidater/{cid}/situasjon")
        programme_form = page.locator("#program-skjema")
        field(programme_form, "Program/ytelse").select_option(label="Økonomisk sosialhjelp")
        field(programme_form, "Fra dato").fill((TODAY - dt.timedelta(days=90)).isoformat())
        programme_form.get_by_role("button", name="Lagre program/ytelse").click()
        page.wait_for_load_state()
        programmes = page.locator("#program table").inner_text()
        assert "Økonomisk sosialhjelp" in programmes
        assert "Ja" in programmes  # aktivitetsplikt: automatic for a person under 30

        # the plan: a follow-up period, then one activity from the municipality and one from the state
        page.goto(f"{base}/kandidater/{cid}/plan")
        page.get_by_role("button", name="Start oppfølgingsperiode").click()
        page.wait_for_load_state()
        start, end = TODAY.isoformat(), (TODAY + dt.timedelta(days=30)).isoformat()
        _add_activity(
            page,
            base,
            cid,
            "EGEN",
            {
                "Tittel": "Søke kommunal bolig",
                "Fra dato": start,
                "Til dato (frist)": end,
                "Mål med aktiviteten": "Egen bolig før sommeren",
                "Virksomhet eller tjeneste (for eksempel «Gjøvik kommune, boligkontoret»)": (
                    "Gjøvik kommune, boligkontoret"
                ),
                "Ansvarlig person": "Kari Boligkonsulent",
                "Ansvarliges organisasjon": "Gjøvik kommune",
            },
            {"Livsområde": "Bolig", "Tjenesteyter": "Kommunens sosiale tjenester"},
        )
        _add_activity(
            page,
            base,
            cid,
            "EGEN",
            {
                "Tittel": "Finne praksisplass i butikk",
                "Fra dato": start,
                "Til dato (frist)": end,
                "Mål med aktiviteten": "Arbeidserfaring i varehandel",
            },
            {"Livsområde": "Arbeid", "Tjenesteyter": "NAV (statlig)"},
        )
        page.goto(f"{base}/kandidater/{cid}/plan?visning=liste")
        listing = page.locator("main").inner_text()
        assert "Søke kommunal bolig" in listing and "Finne praksisplass i butikk" in listing
        assert "Kari Boligkonsulent" in listing

        # §14a: a decision with two of NAV's default sources
        page.goto(f"{base}/kandidater/{cid}/vedtak")
        page.get_by_role("button", name="Lag nytt utkast").click()
        page.wait_for_url(lambda url: re.search(r"/vedtak/\d+", url) is not None)
        field(page, "Innsatsgruppe").select_option(label="Trenger veiledning")
        field(page, "Hovedmål").select_option(label="Skaffe arbeid")
        field(page, "Begrunnelse").fill(
            "Trenger veiledning og bolig på plass for å komme i arbeid i varehandelen."
        )
        page.get_by_label("Det du fortalte oss da du ble registrert som arbeidssøker").check()
        page.get_by_label("CV-en/jobbønskene dine på nav.no").check()
        page.get_by_role("button", name="Fatt vedtak").click()
        page.wait_for_url(lambda url: url.endswith("/vedtak"))
        assert "Trenger veiledning" in page.locator("#gjeldende").inner_text()
        page.get_by_role("link", name="Se hele vedtaket").click()
        record = page.locator("main").inner_text()
        assert "Det du fortalte oss da du ble registrert som arbeidssøker" in record
        assert "CV-en/jobbønskene dine på nav.no" in record

        # a meeting, its referat written, then shared with the person
        _add_activity(
            page,
            base,
            cid,
            "MOTE",
            {
                "Tema for møtet": "Oppstartsmøte",
                "Hensikt med møtet": "Bli enige om planen",
                "Dato": TODAY.isoformat(),
                "Klokkeslett (TT:MM)": "10:00",
                "Varighet i minutter": "45",
            },
            {"Livsområde": "Arbeid", "Tjenesteyter": "NAV (statlig)", "Møteform": "Oppmøte"},
        )
        page.goto(f"{base}/kandidater/{cid}/plan?visning=liste")
        page.locator("main a", has_text="Oppstartsmøte").first.click()
        page.get_by_role("textbox", name="Referat").fill(
            "Vi ble enige om å søke kommunal bolig og praksisplass."
        )
        page.get_by_role("button", name="Lagre utkast").click()
        assert "Ikke delt" in page.locator("#referat").inner_text()
        page.get_by_role("button", name="Lagre og del med personen").click()
        referat = page.locator("#referat").inner_text()
        assert "Delt med personen" in referat and "søke kommunal bolig" in referat
        page.goto(f"{base}/kandidater/{cid}/journal")
        assert "Oppstartsmøte" in page.locator("main").inner_text()

        # the individuell plan: printable, and a PDF with the nine headings
        _print_the_individual_plan(page, base, cid)
    finally:
        context.close()


def _print_the_individual_plan(page, base: str, cid: str) -> None:
    page.goto(f"{base}/kandidater/{cid}/plan")
    page.get_by_role("link", name="Individuell plan", exact=True).click()
    page.wait_for_url(lambda url: url.endswith("/individuell-plan"))
    for heading in NINE:
        assert page.get_by_role("heading", name=heading).is_visible()
    text = page.locator("main").inner_text()
    assert "Søke kommunal bolig" in text and "Kari Boligkonsulent" in text  # the plan's measures, one plan

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.get_by_role("heading", name=NINE[0]).is_visible()
    page.emulate_media(media="screen")

    href = page.get_by_role("link", name="Last ned som PDF").get_attribute("href")
    response = page.request.get(base + href)
    assert response.status == 200, "the PDF needs WeasyPrint's system libraries (.ci/run installs them)"
    assert response.headers["content-type"] == "application/pdf"
    pdf_text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.body())).pages)
    pdf_text = " ".join(pdf_text.split())
    for heading in NINE:
        assert heading in pdf_text, heading
    assert "Søke kommunal bolig" in pdf_text and "Kari Boligkonsulent" in pdf_text
