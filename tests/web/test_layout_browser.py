"""Layout in a real browser: at 375 px (a small phone) no page a role starts from scrolls sideways, no table hides
columns in a scroll box, and no heading is cut; the jobbspor page has an in-page menu whose "Kontaktlogg" entry
reaches the contact form in one click; the design system's CSS and font are served from here, not from outside."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import browser_login

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
ROLES = [
    "admin@arbeidsbro.no",
    "markedskontakt@arbeidsbro.no",
    "jobbspesialist@arbeidsbro.no",
    "arbeidsgiver@arbeidsbro.no",
]
# What overflows: the page itself, any element scrolled or clipped sideways, a heading wider than its box.
OVERFLOW_JS = """() => {
  const doc = document.documentElement;
  const out = [];
  if (doc.scrollWidth > doc.clientWidth) out.push(`page ${doc.scrollWidth} > ${doc.clientWidth}`);
  for (const el of document.querySelectorAll('main *, header *')) {
    const style = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)
        && style.position !== 'absolute' && el.clientWidth > 1)
      out.push(`${el.tagName.toLowerCase()}.${el.className} scrolls ${el.scrollWidth} > ${el.clientWidth}`);
  }
  for (const h of document.querySelectorAll('h1, h2')) {
    const r = h.getBoundingClientRect();
    if (r.right > doc.clientWidth + 1 || h.scrollWidth > h.clientWidth + 1)
      out.push(`${h.tagName} "${h.innerText.slice(0, 40)}" is cut`);
  }
  return out;
}"""


@pytest.fixture
def phone_page(_browser):
    context = _browser.new_context(locale="nb-NO", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def menu_pages(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav[aria-label='Hovedmeny'] a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    return [base + h for h in hrefs]


@pytest.mark.parametrize("email", ROLES)
def test_no_sideways_scroll_at_375px_on_each_roles_pages(live_server, phone_page, email):
    page = phone_page
    browser_login(page, live_server, email)
    urls = [live_server + "/", *menu_pages(page, live_server)]
    if email.startswith("jobbspesialist"):  # the record pages hold the widest tables and the longest forms
        page.goto(live_server + "/oppfolging")
        record = page.locator("main table a[href^='/oppfolging/']").first.get_attribute("href")
        page.goto(live_server + "/kandidater")
        candidate = page.locator("main table a[href^='/kandidater/']").first.get_attribute("href")
        urls += [live_server + record, live_server + candidate]
    problems = {}
    for url in dict.fromkeys(urls):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        found = page.evaluate(OVERFLOW_JS)
        if found:
            problems[url.removeprefix(live_server)] = found[:4]
    assert len(urls) >= 4
    assert problems == {}


def test_tables_stack_as_labelled_cards_on_a_phone(live_server, phone_page):
    page = phone_page
    browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
    page.goto(live_server + "/kandidater")
    cell = page.locator("main table tbody tr").first.locator("td").nth(1)
    header = page.locator("main table thead th").nth(1).inner_text().strip()
    assert cell.get_attribute("data-label") == header
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert header in label
    # stacked: the row's cells sit one under the other, each as wide as the row
    boxes = [c.bounding_box() for c in page.locator("main table tbody tr").first.locator("td").all()[:2]]
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1


def test_jobbspor_menu_reaches_the_contact_form_in_one_click(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    browser_login(page, live_server, "jobbspesialist@arbeidsbro.no")
    page.goto(live_server + "/oppfolging")
    page.locator("main table a[href^='/oppfolging/']").first.click()
    assert re.search(r"/oppfolging/\d+$", page.url.split("#")[0])
    menu = page.get_by_role("navigation", name="Jobbsporet")
    assert menu.bounding_box()["y"] < 800  # on screen as the page opens
    entries = menu.get_by_role("link").all_inner_texts()
    assert "Kontaktlogg" in entries and len(entries) >= 6
    menu.get_by_role("link", name="Kontaktlogg").click()
    assert page.url.endswith("#kontakter")
    # one click scrolled the section to the top and its form's first field is on screen, ready to fill
    assert abs(page.locator("#h-kontakter").bounding_box()["y"]) < 120
    box = page.locator("#f-k_date").bounding_box()
    assert box is not None and 0 <= box["y"] < 800 - box["height"]
    page.locator("#f-k_date").focus()
    assert page.evaluate("document.activeElement.closest('form').action").endswith("/kontakt")
    # on a phone too, the menu's Kontaktlogg is on the first screen
    page.set_viewport_size(PHONE)
    page.goto(page.url.split("#")[0])
    link = menu.get_by_role("link", name="Kontaktlogg").bounding_box()
    assert link is not None and link["y"] + link["height"] <= PHONE["height"]


def test_design_system_css_and_font_come_from_this_server(live_server, browser_page):
    page = browser_page
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None)
    fonts: list[str] = []
    page.on("response", lambda r: fonts.append(r.url) if r.url.endswith(".woff2") and r.ok else None)
    page.goto(live_server + "/login")
    page.wait_for_load_state("networkidle")
    href = page.locator("link[rel=stylesheet][href*='navikt-ds-css-']").get_attribute("href")
    assert re.search(r"navikt-ds-css-\d+\.\d+\.\d+\.min\.css$", href)
    assert page.evaluate("document.fonts.check('16px \"Source Sans 3\"')")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Source Sans 3"')
    assert fonts, "the Source Sans 3 font was not loaded"
    assert outside == []
