"""The §14a pages in a real browser on a real server (demo data): a caseworker goes from the candidate's situation to
a new draft, sends it without hovedmål and gets the error beside the field, then sends it right; the decision is
current and the candidate's innsatsgruppe follows. axe-core finds no serious or critical violation on the form
(with its errors), the overview and the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import ROOT, browser_login

pytestmark = pytest.mark.browser

AXE = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[str]:
    if not AXE.is_file():
        return []  # axe-core not installed (make test installs it): the flow is still checked
    page.evaluate(Path(AXE).read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_caseworker_records_a_decision(live_server, _browser):
    context = _browser.new_context(locale="nb-NO", bypass_csp=True)  # axe is injected; the CSP stays as is
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
        page.goto(live_server + "/kandidater")
        href = page.locator("main table a[href^='/kandidater/']").first.get_attribute("href")
        page.goto(live_server + href + "/situasjon")
        page.get_by_role("link", name="§ 14 a-vedtak og behovsvurdering").click()
        problems = serious_violations(page)
        page.get_by_role("button", name="Lag nytt utkast").click()
        page.wait_for_url(lambda url: "/vedtak/" in url)

        page.get_by_label("Innsatsgruppe").select_option(label="Trenger veiledning")
        page.get_by_label("Det du fortalte oss da du ble registrert som arbeidssøker").check()
        page.get_by_label("Hva slags veiledning trenger personen?").fill("Hjelp til å skrive søknader.")
        page.get_by_role("button", name="Fatt vedtak").click()
        summary = page.get_by_role("alert")
        assert "Velg hovedmål." in summary.inner_text()
        assert "Skriv en begrunnelse" in summary.inner_text()
        assert page.locator("#f-hovedmal").get_attribute("aria-invalid") == "true"
        assert page.locator("#e-hovedmal").inner_text() == "Velg hovedmål."
        assert page.get_by_label("Hva slags veiledning trenger personen?").input_value() == (
            "Hjelp til å skrive søknader."
        )  # the typed values are kept
        problems += serious_violations(page)

        page.get_by_label("Hovedmål", exact=True).select_option(label="Skaffe arbeid")
        page.get_by_label("Begrunnelse", exact=True).fill("Trenger veiledning for å finne arbeid som passer.")
        page.get_by_role("button", name="Fatt vedtak").click()
        page.wait_for_url(lambda url: url.endswith("/vedtak"))
        current = page.locator("#gjeldende")
        assert "Trenger veiledning" in current.inner_text() and "Skaffe arbeid" in current.inner_text()
        problems += serious_violations(page)
        page.get_by_role("link", name="Se hele vedtaket").click()
        assert "Hjelp til å skrive søknader." in page.locator("main").inner_text()
        problems += serious_violations(page)

        page.goto(live_server + href + "/situasjon")
        assert page.locator("#innsatsgruppe").inner_text() == "Trenger veiledning"
        assert problems == []
    finally:
        context.close()
