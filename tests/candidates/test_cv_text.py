"""CV text extraction from a real PDF (written by hand here, with a real font and text objects) and a real DOCX
(python-docx), content sniffing that refuses other files whatever they are called, and the proposals."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
import zlib

import docx
import pytest

from candidates import cv_files, cv_text
from core.errors import ValidationFailed

CV_LINES = [
    "Kari Nordmann",
    "Arbeidserfaring",
    "2019 - nå: Lagermedarbeider, Coop Innlandet",
    "03.2015 - 12.2018 Butikkmedarbeider hos Rema 1000",
    "Utdanning",
    "2008 - 2011 Videregående, Hamar katedralskole",
    "Kurs og sertifikater",
    "Truckførerbevis T1-T4 (2016)",
    "HMS-kurs",
    "Fagbrev i logistikkfaget",
    "Førerkort klasse B, BE",
    "Språk",
    "Norsk B1, engelsk - flytende",
]


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding (æøå as octal escapes)."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte > 126:
            out += f"\\{byte:03o}".encode()
        else:
            out.append(byte)
    return bytes(out + b")")


def make_pdf(lines: list[str], *, deflated: bytes | None = None) -> bytes:
    """A minimal, valid one-page PDF: catalog, pages, page, Helvetica font, a content stream with one text object;
    with `deflated`, the content stream is those FlateDecode bytes instead."""
    content = (
        b"BT /F1 11 Tf 14 TL 50 800 Td\n"
        + b"".join(_pdf_string(line) + b" Tj T*\n" for line in lines)
        + b"ET"
    )
    stream_dict = b"<< /Length %d >>" % len(content)
    if deflated is not None:
        content = deflated
        stream_dict = b"<< /Length %d /Filter /FlateDecode >>" % len(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        stream_dict + b"\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Førerkort:"
    table.rows[0].cells[1].text = "C1"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _check_proposals(p: cv_text.Proposals) -> None:
    titles = [(w.title, w.employer, w.start_date, w.end_date) for w in p.work]
    assert ("Lagermedarbeider", "Coop Innlandet", "", "") in titles  # "2019" alone is not a date
    assert ("Butikkmedarbeider", "Rema 1000", "2015-03-01", "2018-12-01") in titles
    assert not any("Videregående" in t for t, *_ in titles)  # education is not work experience
    assert {"B", "BE"} <= set(p.driving_licences)
    langs = {lang.language: lang.level for lang in p.languages}
    assert langs == {"Norsk": "B1", "Engelsk": "C1"}
    certs = {c.name: c.kind for c in p.certificates}
    assert certs["Truckførerbevis"] == "sertifikat" and certs["HMS-kurs"] == "kurs"
    assert certs["Fagbrev i logistikkfaget"] == "fagbrev"


def test_text_from_a_real_pdf(tmp_path):
    path = tmp_path / "cv.pdf"
    path.write_bytes(make_pdf(CV_LINES))
    data = path.read_bytes()
    assert cv_text.sniff(data, "cv.pdf") == "pdf"
    text = cv_text.extract_text(data, "cv.pdf")
    assert "Lagermedarbeider" in text and "Truckførerbevis" in text and "nå" in text
    _check_proposals(
        cv_text.propose(text, suggest=lambda title: ("9333", "Lager") if "Lager" in title else None)
    )
    proposals = cv_text.propose(text, suggest=lambda title: ("9333", "Lager") if "Lager" in title else None)
    lager = next(w for w in proposals.work if w.title == "Lagermedarbeider")
    assert (lager.styrk_code, lager.styrk_name) == ("9333", "Lager")


def test_text_from_a_real_docx(tmp_path):
    path = tmp_path / "cv.docx"
    path.write_bytes(make_docx(CV_LINES))
    data = path.read_bytes()
    assert cv_text.sniff(data, "CV.DOCX") == "docx"
    text = cv_text.extract_text(data, "cv.docx")
    assert "Kari Nordmann" in text and "Coop Innlandet" in text
    proposals = cv_text.propose(text)
    _check_proposals(proposals)
    assert "C1" in proposals.driving_licences  # from the table


def test_plain_text_in_cp1252_and_utf8():
    text = "\n".join(CV_LINES)
    for encoding in ("utf-8", "cp1252"):
        data = text.encode(encoding)
        assert cv_text.sniff(data, "cv.txt") == "text"
        assert "Truckførerbevis" in cv_text.extract_text(data, "cv.txt")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cv.pdf"),  # an image renamed to .pdf
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cv.txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cv.doc"),  # old Word
        (b"%PDF-1.4 not really", "cv.docx"),  # a PDF called .docx
        (b"Ren tekst", "cv.pdf"),  # text called .pdf
        (b"", "cv.txt"),
    ],
)
def test_other_types_are_refused_by_content(data, name):
    with pytest.raises(ValidationFailed) as exc:
        cv_text.extract_text(data, name)
    assert exc.value.field == "file" and exc.value.message


def test_a_zip_that_is_not_docx_is_refused(tmp_path):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hei")
    with pytest.raises(ValidationFailed, match=r"støttes ikke|DOCX"):
        cv_text.extract_text(buf.getvalue(), "cv.docx")


def test_too_large_and_broken_pdf():
    with pytest.raises(ValidationFailed, match="5 MB"):
        cv_text.sniff(b"a" * (cv_text.MAX_BYTES + 1), "cv.txt")
    with pytest.raises(ValidationFailed, match="PDF"):
        cv_text.extract_text(b"%PDF-1.4\n garbage without objects", "cv.pdf")


def test_proposals_on_free_text():
    p = cv_text.propose(
        "Jeg har førerkort: C1 og sertifikat klasse b.\n"
        "Jobbet i Norsk Hydro AS som operatør.\n"
        "Språk: arabisk (morsmål), norsk – middels\n"
        "Har tatt hygienekurs og førstehjelpskurs, og har svennebrev som tømrer.\n"
        "Fra 2021 Renholder hos ISS\n"
    )
    assert p.driving_licences == ["B", "C1"]
    assert {(x.language, x.level, x.written) for x in p.languages} == {
        ("Arabisk", "C2", "morsmål"),
        ("Norsk", "B1", "middels"),
    }  # "Norsk Hydro" is an employer, not a language
    names = {c.name for c in p.certificates}
    assert {"Hygienekurs", "Førstehjelpskurs", "Svennebrev som tømrer"} <= names
    assert [(w.title, w.employer, w.start_date) for w in p.work] == [("Renholder", "ISS", "")]
    assert cv_text.propose("").empty


def test_titles_stay_whole_employers_alone_and_unreadable_dates_empty():
    """Issue 15: a title cut at its parenthesis, a job description in the employer field, every date 01.01/31.12."""
    text = "\n".join(
        [
            "Arbeidserfaring",
            "2019 - 2021 Renholder (deltid), ISS Facility Services",
            "03.2015 - 12.2018: Lagermedarbeider hos Coop Innlandet, ansvar for varemottak og plukk",
            "Butikkmedarbeider (sommer 2014, 50 %) - Rema 1000 Hamar",
            "mars 2012 - juni 2013",
            "Kokk | Ansvar for kald mat og bestilling",
            "15.08.2010 - 31.05.2011 Assistent hos Hamar kommune. Arbeidet med barn og unge",
            "(2008 - 2009) Avisbud",
            "2006 - 2007 Pakker - jobbet med pakking av varer på nattskift i et stort lager",
        ]
    )
    work = [(w.title, w.employer, w.start_date, w.end_date) for w in cv_text.propose(text).work]
    assert work == [
        ("Renholder (deltid)", "ISS Facility Services", "", ""),
        ("Lagermedarbeider", "Coop Innlandet", "2015-03-01", "2018-12-01"),
        ("Kokk", "", "2012-03-01", "2013-06-01"),
        ("Assistent", "Hamar kommune", "2010-08-15", "2011-05-31"),
        ("Avisbud", "", "", ""),
        ("Pakker", "", "", ""),
    ]


# --- limits on what a file expands to, and the worker process ----------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def test_a_docx_that_expands_too_far_is_refused_before_parsing():
    # 60 MB of one byte: over the total, and packed far past the ratio a real document has
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"A" * (60 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(ValidationFailed, match="pakkes ut") as exc:
        cv_text.extract_text(bomb, "cv.docx")
    assert exc.value.field == "file"
    # under the total, but packed a thousand times: the ratio alone refuses it
    dense = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"A" * (10 * 1024 * 1024)})
    with pytest.raises(ValidationFailed, match="ganger sammen"):
        cv_files.check_expansion(dense, "docx")
    # an ordinary DOCX passes the check
    cv_files.check_expansion(make_docx(CV_LINES), "docx")


def test_a_pdf_bomb_gives_a_message():
    inflated = b"BT /F1 11 Tf 50 800 Td (Kari) Tj ET\n" + b" " * (cv_files.PDF_STREAM_LIMIT + 1024)
    pdf = make_pdf([], deflated=zlib.compress(inflated, 9))
    assert len(pdf) < 100_000
    with pytest.raises(ValidationFailed, match="pakkes ut") as exc:
        cv_text.extract_text(pdf, "cv.pdf")
    assert exc.value.field == "file"


def test_page_count_and_text_length_are_capped():
    many = make_pdf(CV_LINES)
    kids = b" ".join(b"3 0 R" for _ in range(cv_files.MAX_PAGES + 1))
    many = many.replace(
        b"/Kids [3 0 R] /Count 1", b"/Kids [" + kids + b"] /Count %d" % (cv_files.MAX_PAGES + 1)
    )
    with pytest.raises(ValidationFailed, match=f"høyst {cv_files.MAX_PAGES}"):
        cv_text.extract_text(many, "cv.pdf")
    long_text = ("Lagermedarbeider hos Coop. " * 10_000).encode()
    assert len(long_text) > cv_files.MAX_TEXT_CHARS
    with pytest.raises(ValidationFailed, match="mer tekst enn en CV"):
        cv_text.extract_text(long_text, "cv.txt")
    with pytest.raises(ValidationFailed, match="mer tekst enn en CV"):
        cv_text.extract_text(make_docx(["Kari", *(["Lagermedarbeider hos Coop " * 20] * 500)]), "cv.docx")


def test_the_worker_runs_under_a_memory_limit():
    """The limit the worker sets on itself holds: an allocation past it fails inside the worker."""
    code = (
        "from candidates import cv_files\n"
        "cv_files._limit_self()\n"
        "try:\n"
        "    bytearray(cv_files.MEMORY_LIMIT)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "refused", result.stderr


def test_a_worker_that_dies_is_a_message_not_a_crash():
    """Whatever kills the worker (a limit, a crash), the caller gets a ValidationFailed on the file field."""
    with pytest.raises(ValidationFailed) as exc:
        cv_files.read_isolated(b"%PDF-1.4\n", "no-such-kind")
    assert exc.value.field == "file" and exc.value.message
