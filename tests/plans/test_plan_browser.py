"""The plan page in a real browser, on the demo data `make run` loads: at 375 px the board's five columns stack and
nothing scrolls sideways; on a wide screen they stand side by side."""

from __future__ import annotations

import pytest

from tests.browser_support import browser_login
from tests.web.test_accessibility import AXE, run_axe
from tests.web.test_layout_browser import OVERFLOW_JS, PHONE

WIDE = {"width": 1366, "height": 900}


def _a_plan_with_cards(page, base: str) -> str:
    """The first of the job specialist's candidates whose plan has cards (the demo gives a third of them one)."""
    page.goto(base + "/kandidater")
    hrefs = page.eval_on_selector_all(
        "main table a[href^='/kandidater/']", "els => els.map(e => e.getAttribute('href'))"
    )
    for href in [h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit()][:40]:
        page.goto(base + href + "/plan")
        if page.locator(".plan-card").count() >= 3:
            return page.url
    raise AssertionError("no demo plan with activities among the first candidates")


@pytest.mark.parametrize(("viewport", "stacked"), [(PHONE, True), (WIDE, False)])
def test_the_board_stacks_on_a_phone_and_stands_in_columns_on_a_wide_screen(
    live_server, _browser, viewport, stacked
):
    context = _browser.new_context(locale="nb-NO", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
        url = _a_plan_with_cards(page, live_server)
        boxes = [
            page.locator(".board-column").nth(i).bounding_box()
            for i in range(page.locator(".board-column").count())
        ]
        assert len(boxes) == 5
        lefts, tops = {round(b["x"]) for b in boxes}, [round(b["y"]) for b in boxes]
        if stacked:
            assert len(lefts) == 1 and tops == sorted(tops) and len(set(tops)) == 5
        else:
            assert len(lefts) == 5 and len(set(tops)) == 1
        assert page.evaluate(OVERFLOW_JS) == []
        page.goto(url.split("?")[0] + "?visning=liste")
        assert page.evaluate(OVERFLOW_JS) == []
        first = page.locator("main table a[href*='/plan/aktiviteter/']").first.get_attribute("href")
        page.goto(live_server + first)
        assert page.get_by_role("heading", name="Historikk").is_visible()
        assert page.evaluate(OVERFLOW_JS) == []
    finally:
        context.close()


def test_the_plan_pages_have_no_serious_accessibility_violations(live_server, _browser):
    if not AXE.is_file():
        pytest.skip("axe-core not installed (make test installs it with npm)")
    context = _browser.new_context(locale="nb-NO", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
        url = _a_plan_with_cards(page, live_server)
        activity = page.locator(".plan-card a[href*='/plan/aktiviteter/']").first.get_attribute("href")
        problems = {}
        for target in (
            url,
            url.split("?")[0] + "?visning=liste",
            live_server + activity,
            url.split("?")[0] + "/ny?type=MOTE",
        ):
            page.goto(target)
            found = run_axe(page)
            if found:
                problems[target.removeprefix(live_server)] = [(v["id"], len(v["nodes"])) for v in found]
        assert problems == {}
    finally:
        context.close()
