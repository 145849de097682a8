"""axe-core in a real browser on every page each role reaches from its menu, and on the forms found there:
no serious or critical violations. Also: a form can be filled and sent with the keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import ROOT, browser_login

pytestmark = pytest.mark.browser

AXE = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
ROLES = [
    "admin@arbeidsbro.no",
    "markedskontakt@arbeidsbro.no",
    "jobbspesialist@arbeidsbro.no",
    "arbeidsgiver@arbeidsbro.no",
]
MAX_PAGES_PER_ROLE = 40


@pytest.fixture
def axe_page(_browser):
    if not AXE.is_file():
        pytest.skip("axe-core not installed (make test installs it with npm)")
    context = _browser.new_context(
        locale="nb-NO", bypass_csp=True
    )  # axe is injected; the app's CSP stays as is
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def run_axe(page) -> list[dict]:
    page.evaluate(Path(AXE).read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def same_site_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "main a[href], nav a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    out = []
    for href in hrefs:
        if (
            href
            and href.startswith("/")
            and not href.startswith(("/static", "/api", "/logout"))
            and "format=" not in href
        ):
            out.append(base + href.split("#")[0])
    return out


@pytest.mark.parametrize("email", ROLES)
def test_no_serious_violations_on_pages_of_each_role(live_server, axe_page, email):
    page = axe_page
    browser_login(page, live_server, email)
    queue = [live_server + "/", live_server + "/konto", *same_site_links(page, live_server)]
    seen: set[str] = set()
    problems: list[str] = []
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        key = url.split("?")[0]
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        if response is None or response.status >= 400:
            continue
        for v in run_axe(page):
            targets = [n["target"] for n in v["nodes"][:3]]
            problems.append(f"{url}: {v['id']} ({v['impact']}): {v['help']} {targets}")
        if url.count("/") <= 4:  # follow the menu and one level of links from each page
            queue.extend(u for u in same_site_links(page, live_server) if u.split("?")[0] not in seen)
    assert len(seen) >= 2
    assert problems == []


def test_login_page_has_no_violations(live_server, axe_page):
    axe_page.goto(live_server + "/login")
    assert run_axe(axe_page) == []


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def test_login_form_by_keyboard_alone(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert focused_id(page) == "Hopp til hovedinnhold"
    for _ in range(4):  # then the header, then the form
        page.keyboard.press("Tab")
        if focused_id(page) == "f-email":
            break
    assert focused_id(page) == "f-email"
    page.keyboard.type("jobbspesialist@arbeidsbro.no")
    page.keyboard.press("Tab")
    assert focused_id(page) == "f-password"
    page.keyboard.type("Demo-Arbeidsbro-2026")
    page.keyboard.press("Tab")
    assert focused_id(page) == "Logg inn"
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Oversikt")
