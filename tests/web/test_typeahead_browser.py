"""A job specialist fills a jobbprofil (occupations, places) and a CV entry using only the typeahead: names typed,
suggestions picked, never a code. Once with JavaScript (suggestions appear while typing, a click fills the field)
and once with JavaScript off (the form comes back with the suggestions for what was typed, server-filled). Either
way the jobbforslag change: openings in the new occupation come up."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import browser_login
from tests.web.test_accessibility import AXE, run_axe

pytestmark = pytest.mark.browser


def _new_candidate(page, base: str, first: str) -> str:
    page.goto(base + "/kandidater/ny")
    page.locator("#f-first_name").fill(first)
    page.locator("#f-last_name").fill("Typeahead")
    page.locator("#f-birth_date").fill("1990-02-03")
    page.get_by_role("button", name="Registrer kandidat").click()
    return page.url.split("#")[0].split("?")[0].rstrip("/")


def _suggested_titles(page, url: str) -> list[str]:
    page.goto(url + "/jobbforslag")
    return [t.strip() for t in page.locator("ol.suggestions li[id^='forslag-'] h3 a").all_inner_texts()[:10]]


def _renhold(titles: list[str]) -> int:
    return sum(1 for t in titles if re.search(r"renhold", t, re.I))


def test_with_javascript_suggestions_follow_the_typing(live_server, _browser):
    context = _browser.new_context(locale="nb-NO")
    page = context.new_page()
    try:
        browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
        url = _new_candidate(page, live_server, "Jensine")
        before = _suggested_titles(page, url)

        page.goto(url + "/jobbprofil")
        page.get_by_label("Ønsket yrke 1").press_sequentially("renhold", delay=30)
        choice = page.get_by_role("button", name=re.compile(r"^Renholder \(9112\)"))
        choice.wait_for()
        if AXE.is_file():  # the open suggestion list keeps the page accessible
            assert [v["id"] for v in run_axe(page)] == []
        choice.click()
        assert page.get_by_label("Ønsket yrke 1").input_value() == "Renholder (9112)"
        page.get_by_label("Kommune 1").press_sequentially("gjovik", delay=30)
        page.get_by_role("button", name=re.compile(r"^Gjøvik \(3407\)")).click()
        page.get_by_role("button", name="Lagre jobbprofil").click()
        assert "Jobbprofilen er lagret" in page.get_by_role("status").inner_text()
        overview = page.locator("#jobbprofil-oversikt").inner_text()
        assert "Renholdere i virksomheter" in overview and "3407" in overview

        page.goto(url + "/cv")
        page.locator("#arbeid summary").click()
        page.get_by_label("Stillingstittel").fill("Renholder på hotell")
        page.get_by_label("Yrke", exact=True).press_sequentially("renhold", delay=30)
        page.get_by_role("button", name=re.compile(r"^Renholder \(9112\)")).click()
        page.get_by_role("button", name="Legg til arbeidserfaring").click()
        assert "Renholdere i virksomheter (9112)" in page.locator("#arbeid tbody tr").first.inner_text()

        after = _suggested_titles(page, url)
        assert after != before and _renhold(after) > _renhold(before), (before, after)
    finally:
        context.close()


def test_without_javascript_a_search_step_fills_the_suggestions(live_server, _browser):
    context = _browser.new_context(locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
        url = _new_candidate(page, live_server, "Tordis")
        before = _suggested_titles(page, url)

        page.goto(url + "/jobbprofil")
        field = page.get_by_label("Ønsket yrke 1")
        field.fill("renholdsop")  # not a title yet: the form comes back with suggestions for it
        page.get_by_label("Kommune 1").fill("gjovik")
        page.get_by_role("button", name="Lagre jobbprofil").click()
        assert "Fant ikke yrket" in page.locator("#e-wanted_styrk-0").inner_text()
        options = page.locator("#l-wanted_styrk-0 option").evaluate_all("os => os.map(o => o.value)")
        pick = next(o for o in options if o.endswith("(9112)"))
        page.get_by_label("Ønsket yrke 1").fill(pick)  # what choosing from the browser's own list does
        assert page.get_by_label("Kommune 1").input_value() == "gjovik"  # what was typed is kept
        page.get_by_role("button", name="Lagre jobbprofil").click()
        assert "Jobbprofilen er lagret" in page.get_by_role("status").inner_text()
        overview = page.locator("#jobbprofil-oversikt").inner_text()
        assert "Renholdere i virksomheter" in overview and "3407" in overview

        page.goto(url + "/cv")
        page.locator("#arbeid summary").click()  # <details> opens without JavaScript
        page.get_by_label("Stillingstittel").fill("Renholder")
        page.get_by_label("Yrke", exact=True).fill(
            "renholder"
        )  # a title the vocabulary knows: taken as chosen
        page.get_by_role("button", name="Legg til arbeidserfaring").click()
        assert "Renholdere i virksomheter (9112)" in page.locator("#arbeid tbody tr").first.inner_text()

        after = _suggested_titles(page, url)
        assert after != before and _renhold(after) > _renhold(before), (before, after)
    finally:
        context.close()
