"""Every page of every role, on the demo data, reads as Norwegian: no developer constant (`STANDARD_INNSATS`) and
no number written with a decimal point ("40.0", "96.5"): numbers carry a decimal comma (core.formatting, Babel
nb_NO), dates are dd.mm.åååå (never ISO "2026-12-03"). The values of date fields are left out: the standard makes
them ISO and the browser shows them in the reader's locale (tests/visible_text.py).

What the rule does not count as a number written with a point (kept few on purpose):
- a date: dd.mm.åååå, or dd.mm. (a day and month in a short list);
- a time of day after "kl." ("kl. 06.30", bokmål's own notation);
- an IP address (four dotted parts, the security log's source addresses);
- a næringskode (SN2007, "56.101") in parentheses right after its name, and only a code the classification has:
  "Drift av restauranter og kafeer (56.101)" (web.labels.nace_label)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

import demo
from core.models import User
from employers.models import Opening
from tests.conftest import REFDATA
from tests.crawl import crawl
from tests.factories import login
from tests.visible_text import visible_text
from web.labels import CODES

CONSTANT_RE = re.compile(r"\b[A-ZÆØÅ]{2,}(?:_[A-ZÆØÅ0-9]+)+\b")
ISO_DATE_RE = re.compile(
    r"\b\d{4}-(?:0[1-9]|1[0-2])(?:-\d{2})?\b"
)  # "2026-12-03", "2026-12": dates are dd.mm.åååå
DECIMAL_POINT_RE = re.compile(r"(?<!\d\.)(?<!\d)\d+\.\d+(?!\.?\d)")
NOT_NUMBERS = (
    re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"),  # an IP address
    re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:\d{4})?"),  # a date: dd.mm.åååå or dd.mm.
    re.compile(r"\bkl\.\s*\d{1,2}\.\d{2}\b"),  # a time of day: kl. 06.30
)
NACE_LABELLED_RE = re.compile(r"(?<=[\wæøåÆØÅ,)]) \((\d{2}\.\d{1,3})\)")
NACE_CODES = frozenset(
    item["code"]
    for item in json.loads((REFDATA / "klass" / "nace2007.json").read_text(encoding="utf-8"))[
        "classificationItems"
    ]
)

# Every code a person may see has a label (web.labels): a code that is not an ordinary word ("ARBEIDSTID",
# "ips_ung", "TUNGE_LØFT") must never be shown as it is. Codes that also occur inside a label ("IPS", "AAP") are
# abbreviations people use, and are left out.
_LABEL_TEXT = " ".join(str(v) for codes in CODES.values() for v in codes.values())
RAW_CODES = sorted(
    (
        code
        for codes in CODES.values()
        for code in codes
        if isinstance(code, str)
        and ((code.isupper() and len(code) >= 4) or "_" in code)
        and code not in _LABEL_TEXT
    ),
    key=len,
    reverse=True,
)
RAW_CODE_RE = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, RAW_CODES)) + r")(?![\w-])")


def offences(text: str) -> list[str]:
    """The constants and point-decimals in a page's visible text (dates, times, IP addresses and labelled
    næringskoder taken out first)."""
    found = [m.group(0) for m in CONSTANT_RE.finditer(text)] + ISO_DATE_RE.findall(text)
    found += [m.group(0) for m in RAW_CODE_RE.finditer(text) if m.group(0) not in found]
    cleaned = NACE_LABELLED_RE.sub(lambda m: " " if m.group(1) in NACE_CODES else m.group(0), text)
    for pattern in NOT_NUMBERS:
        cleaned = pattern.sub(" ", cleaned)
    return found + DECIMAL_POINT_RE.findall(cleaned)


def test_the_rule_tells_numbers_from_dates_and_times():
    assert offences("40.0 timer") == ["40.0"]
    assert offences("11.25 t/uke, median 96.5 dager") == ["11.25", "96.5"]
    assert offences("Innsatsgruppe: STANDARD_INNSATS") == ["STANDARD_INNSATS"]
    assert offences("Inkludering: ARBEIDSTID, status i_jobb") == [
        "ARBEIDSTID",
        "i_jobb",
    ]  # codes without labels
    assert offences("IPS (individuell jobbstøtte), AAP, NAV-kontor") == []  # abbreviations inside labels
    assert (
        offences("03.12.2026 kl. 14:05, 40,0 timer, 1 234 kr, kl. 06.30, fra 127.0.0.1, 01.02.–03.04.") == []
    )
    assert offences("versjon 1.2.3") == []  # not a decimal: three parts
    assert offences("12.5.2026") == []
    assert offences("Snittet er 40.5.") == ["40.5"]
    assert offences("Start 2026-12-03, måned 2026-01") == ["2026-12-03", "2026-01"]
    assert offences("2025-2026") == []
    assert offences("Drift av restauranter og kafeer (56.101)") == []
    assert offences("Næringskode: 56.101") == ["56.101"]  # a code without its name
    assert offences("Timer per uke (37.5)") == ["37.5"]  # not a næringskode


ROLES = [
    "admin@arbeidsbro.no",
    "markedskontakt@arbeidsbro.no",
    "jobbspesialist@arbeidsbro.no",
    demo.EMPLOYER_USER[0],
    None,  # nobody signed in: the login pages and the public opening pages
]


@pytest.fixture
def demo_data(db):
    demo.load(db, size="small")
    db.expire_all()
    return db


def _check(pages: dict[str, str]) -> None:
    bad = {}
    for path, html in pages.items():
        found = offences(visible_text(html))
        if found:
            bad[path] = sorted(set(found))[:6]
    assert not bad, f"{len(bad)} of {len(pages)} pages: " + "; ".join(f"{p}: {v}" for p, v in bad.items())


@pytest.mark.parametrize("email", ROLES)
def test_every_page_reads_as_norwegian(client, demo_data, email):
    """Each role's pages, four of each route pattern (the data varies, the template does not)."""
    if email is None:
        published = demo_data.scalars(select(Opening.id).where(Opening.status == "publisert").limit(4)).all()
        start = ["/login", *(f"/offentlig/stillinger/{i}" for i in published)]
        pages = crawl(client, start=start, limit=50, per_pattern=4)
        assert "/login" in pages and len(pages) > len(published) > 0
    else:
        user = demo_data.query(User).filter_by(email=email).one()
        login(client, user, password=demo.DEMO_PASSWORD)
        pages = crawl(client, limit=400, per_pattern=4)
        assert len(pages) >= 15
    _check(pages)


def test_the_demo_employers_have_real_naeringskoder():
    """A code SN2007 does not have would be shown without its name (web.labels.nace_label)."""
    from demo.employers import TITLES_BY_NACE
    from demo.names import EMPLOYER_KINDS, PUBLIC_EMPLOYERS

    codes = {code for _, code, _ in (*EMPLOYER_KINDS, *PUBLIC_EMPLOYERS)}
    assert codes <= NACE_CODES, codes - NACE_CODES
    assert codes <= set(TITLES_BY_NACE), codes - set(TITLES_BY_NACE)  # every kind has its titles
