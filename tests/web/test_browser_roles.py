"""Every demo login that `make run` prints works in a real browser: log in, see the dashboard, log out."""

import pytest

from tests.browser_support import browser_login, browser_logout

pytestmark = pytest.mark.browser

DEMO_LOGINS = [
    ("admin@arbeidsbro.no", "Oversikt – administrator", "Revisjonslogg"),
    ("markedskontakt@arbeidsbro.no", "Oversikt – markedskontakt", "Arbeidsgivere"),
    ("jobbspesialist@arbeidsbro.no", "Oversikt – jobbspesialist", "Kandidater"),
    ("arbeidsgiver@arbeidsbro.no", "Oversikt – arbeidsgiver", "Virksomheten"),
]


@pytest.mark.parametrize(("email", "heading", "panel"), DEMO_LOGINS)
def test_demo_login_dashboard_logout(live_server, browser_page, email, heading, panel):
    page = browser_page
    browser_login(page, live_server, email)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.get_by_text(panel).first.is_visible()
    browser_logout(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Logg inn"
    page.goto(live_server + "/")
    assert "/login" in page.url


def test_wrong_password_in_browser(live_server, browser_page):
    page = browser_page
    page.goto(live_server + "/login")
    page.get_by_label("E-post").fill("jobbspesialist@arbeidsbro.no")
    page.get_by_label("Passord").fill("helt-feil-passord-123")
    page.get_by_role("button", name="Logg inn").click()
    assert page.get_by_role("alert").inner_text().startswith("Feil e-post eller passord")
    assert "/login" in page.url
